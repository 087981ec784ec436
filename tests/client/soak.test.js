// The randomized multi-client soak (issue 11): fast-check (pinned, seeded) draws sequences of
// commands for several clients at once — made with credentials (right or wrong), a static JWT, or
// a token function that answers at once, late, never, or throws — running every operation with
// and without aborts, closing and re-making clients, answering late token functions after their
// client is gone, and injecting server faults. Against one sandbox with a user, a password and an
// organization per client slot, so every request says whose it must be.
//
// After every sequence (all clients closed, late answers given): every request to slot i's
// organization carried a JWT minted for slot i's user and none other; every call's promise settled
// exactly once, with a value or a DockerHubError; no error text, header, console or log line holds
// any 8-character run of any secret; the WASM heap is back at its baseline; nothing rejected
// unhandled. SOAK_RUNS=5000 (and SOAK_SEED) for a longer run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import fc from 'fast-check';
import { createClient, DockerHubError, ERROR_CODES } from '../../bindings/index.node.js';
import { collectProcessFailures } from '../fixtures/hostile-server.js';
import { TextCollector, secretRuns, RUN } from '../fixtures/hostile-secrets.js';
import {
  SLOTS,
  slotUser,
  slotOrg,
  injectFault,
  clearFaults,
  jwtClaims,
  openSoakWorld,
} from '../fixtures/soak-world.js';
import { heapInUse } from '../fixtures/heap.js';

const RUNS = Number(process.env.SOAK_RUNS ?? 250);
const SEED = Number(process.env.SOAK_SEED ?? 20261201);
const failures = collectProcessFailures();
let world;
let probe; // a client that makes no call: it reads the shared module's heap

// ---- what the secrets check knows ----

const secrets = new Set();
const runs = new Set(); // every RUN-character run of every secret
function secret(value) {
  if (typeof value !== 'string' || secrets.has(value)) return;
  secrets.add(value);
  for (const r of secretRuns(value)) runs.add(r);
}
/** The first run of a secret that `text` holds, or null. */
function leak(text) {
  for (let k = 0; k + RUN <= text.length; k++)
    if (runs.has(text.slice(k, k + RUN))) return text.slice(k, k + RUN);
  return null;
}

// ---- the commands ----

const KINDS = [
  'credentials',
  'bad-credentials',
  'static',
  'fn-now',
  'fn-late',
  'fn-never',
  'fn-throw',
];
const OPS = ['list', 'listAll', 'create', 'get', 'update', 'delete'];
const FAULTS = [
  { path: 'access-tokens', preset: 'server-error' },
  { path: 'access-tokens', preset: 'html502' },
  { path: 'access-tokens', preset: 'unauthorized' },
  { path: '/v2/auth/token', preset: 'unauthorized' },
  { path: 'access-tokens', reset: true },
  { path: 'access-tokens', stall: true },
  {
    path: 'access-tokens',
    status: 429,
    headers: { 'retry-after': '0' },
    body: { detail: 'Rate limit exceeded' },
  },
  { path: 'access-tokens', preset: 'bad-json' },
  { path: 'access-tokens', delayMs: 20 },
  { method: 'DELETE', path: 'access-tokens/', reset: true },
  {
    method: 'GET',
    path: 'access-tokens$',
    status: 200,
    body: {
      next: 'http://127.0.0.1:9/v2/orgs/x/access-tokens?page=2',
      previous: null,
      results: [],
    },
  },
];

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
// Token functions that answer late (or never) are drawn most: a late answer that outlives its
// client is what once reached another client (issue 11, defect 1).
const kind = fc.oneof(
  ...KINDS.map((k) => ({
    weight: k === 'fn-late' ? 4 : k === 'fn-never' ? 2 : 1,
    arbitrary: fc.constant(k),
  })),
);
const make = fc.record({
  t: fc.constant('make'),
  slot,
  kind,
  retries: fc.integer({ min: 0, max: 1 }),
  quick: fc.boolean(),
});
const command = fc.oneof(
  { weight: 3, arbitrary: make },
  {
    weight: 10,
    arbitrary: fc.record({
      t: fc.constant('call'),
      slot,
      op: fc.constantFrom(...OPS),
      abort: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }) },
      ),
      take: fc.integer({ min: 1, max: 4 }),
      pageSize: fc.integer({ min: 1, max: 3 }),
      known: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('close'), slot }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('fault'),
      fault: fc.constantFrom(...FAULTS.keys()),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('answer'), which: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('tick'), n: fc.integer({ min: 1, max: 60 }) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('await'), slot }) },
);
const sequence = fc
  .tuple(
    fc.array(make, { minLength: SLOTS, maxLength: SLOTS }),
    fc.array(command, { minLength: 3, maxLength: 20 }),
  )
  .map(([makes, rest]) => [...makes.map((m, i) => ({ ...m, slot: i })), ...rest]);

const turns = async (n) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** One sequence's state: the clients per slot, the calls made, the late token answers held back. */
class Run {
  constructor() {
    this.slots = Array.from({ length: SLOTS }, () => ({ hub: null, ids: [] }));
    this.calls = []; // { what, slot, settled, error }
    this.lateAnswers = []; // { give() }
    this.clients = []; // { hub, closed }
    this.dead = new Set(); // JWTs a token function gave after its client was closed
    this.texts = new TextCollector();
  }

  close(c) {
    if (!c) return;
    c.closed = true;
    c.hub.close();
  }

  jwt(i) {
    const jwt = world.sb.mintJwt({ kind: 'password', sub: slotUser(i) });
    secret(jwt);
    return jwt;
  }

  /** `owner` is the client these options make: { closed } once it exists. */
  options(cmd, owner) {
    const i = cmd.slot;
    const base = {
      baseUrl: world.sb.url,
      maxRetries: cmd.retries,
      timeoutMs: cmd.quick ? 300 : 4000,
    };
    switch (cmd.kind) {
      case 'credentials':
        return { ...base, credentials: { identifier: slotUser(i), secret: world.passwords[i] } };
      case 'bad-credentials':
        return {
          ...base,
          credentials: { identifier: slotUser(i), secret: world.wrongPasswords[i] },
        };
      case 'static':
        return { ...base, token: this.jwt(i) };
      case 'fn-now':
        return { ...base, token: () => this.jwt(i) };
      case 'fn-late':
        return {
          ...base,
          token: () =>
            new Promise((resolve) =>
              this.lateAnswers.push({
                give: () => {
                  const jwt = this.jwt(i);
                  if (owner.closed) this.dead.add(jwt); // may never be sent by anyone
                  resolve(jwt);
                },
              }),
            ),
        };
      case 'fn-never':
        return { ...base, token: () => new Promise(() => {}) };
      default:
        return {
          ...base,
          token: () => {
            throw new Error(`the vault said ${this.jwt(i)}`);
          },
        };
    }
  }

  track(what, i, promise) {
    const call = { what, slot: i, settled: 0, error: null };
    this.calls.push(call);
    call.done = promise.then(
      () => {
        call.settled++;
      },
      (err) => {
        call.settled++;
        call.error = err;
      },
    );
    return call;
  }

  async step(cmd) {
    switch (cmd.t) {
      case 'make': {
        this.close(this.slots[cmd.slot].client);
        const client = { hub: null, closed: false };
        client.hub = await createClient(this.options(cmd, client));
        this.clients.push(client);
        this.slots[cmd.slot].client = client;
        this.slots[cmd.slot].hub = client.hub;
        return;
      }
      case 'close':
        return this.close(this.slots[cmd.slot].client);
      case 'fault':
        return injectFault(world.sb, { ...FAULTS[cmd.fault], times: cmd.times });
      case 'answer': {
        if (!this.lateAnswers.length) return;
        const [a] = this.lateAnswers.splice(cmd.which % this.lateAnswers.length, 1);
        return a.give();
      }
      case 'tick':
        return turns(cmd.n);
      case 'await':
        return this.settleFor(
          this.calls.filter((c) => c.slot === cmd.slot),
          100,
        );
      default:
        return this.call(cmd);
    }
  }

  call(cmd) {
    const s = this.slots[cmd.slot];
    if (!s.hub) return;
    const hub = s.hub;
    const org = slotOrg(cmd.slot);
    let signal;
    if (cmd.abort !== null) {
      const ac = new AbortController();
      signal = ac.signal;
      void turns(cmd.abort).then(() => ac.abort());
    }
    const id =
      cmd.known && s.ids.length ? s.ids[s.ids.length - 1] : '00000000-0000-4000-8000-000000000000';
    const run = {
      list: () => hub.listAccessTokens(org, { pageSize: cmd.pageSize, signal }),
      async listAll() {
        let n = 0;
        for await (const t of hub.listAllAccessTokens(org, { pageSize: cmd.pageSize, signal })) {
          assert.equal(t.token, undefined, 'a list item carries no secret');
          if (++n >= cmd.take) break;
          await turns(1); // the consumer takes its time
        }
      },
      async create() {
        const made = await hub.createAccessToken(
          org,
          {
            label: 'soak',
            resources: [{ type: 'TYPE_REPO', path: `${org}/api`, scopes: ['scope-image-pull'] }],
          },
          { signal },
        );
        secret(made.token);
        s.ids.push(made.id);
      },
      get: () => hub.getAccessToken(org, id, { signal }),
      update: () => hub.updateAccessToken(org, id, { description: 'soaked' }, { signal }),
      async delete() {
        const info = await hub.deleteAccessTokenWithHttpInfo(org, id, { signal });
        assert.ok(
          info.status === 204 || (info.status === 404 && info.alreadyDeleted === true),
          `delete: ${info.status}`,
        );
        s.ids = s.ids.filter((x) => x !== id);
      },
    }[cmd.op];
    this.track(cmd.op, cmd.slot, (async () => run())());
  }

  /** Waits until `calls` have settled, or ms have passed (a call may never end: a stall, a token
   * function that never answers); what is then still under way stays so. */
  async settleFor(calls, ms) {
    let timer;
    await Promise.race([
      Promise.all(calls.map((c) => c.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Closes everything, gives the late answers (to closed clients), waits for every call. */
  async finish() {
    // The late answers, oldest first, while the clients that are left still live: an answer whose
    // client was closed must reach none of them. Then the calls get a moment to end on their own
    // (nothing is decided by it: what is still under way after it is closed, an outcome under
    // test too), and a last round of answers goes to clients all closed.
    for (const a of this.lateAnswers.splice(0)) a.give();
    await this.settleFor(this.calls, 150);
    for (const c of this.clients) this.close(c);
    for (const a of this.lateAnswers.splice(0)) a.give();
    await Promise.all(this.calls.map((c) => c.done));
    await turns(3); // the late answers' continuations
    clearFaults(world.sb);
  }
}

/** Everything that must hold after a sequence; [] when all does. */
function violations(r, from, logFrom) {
  const out = [];
  for (const c of r.calls) {
    if (c.settled !== 1) out.push(`${c.what} on slot ${c.slot} settled ${c.settled} times`);
    if (c.error && !(c.error instanceof DockerHubError))
      out.push(`${c.what} on slot ${c.slot} rejected with ${util.inspect(c.error)}`);
    else if (c.error && !ERROR_CODES.includes(c.error.code))
      out.push(`${c.what}: unknown code ${c.error.code}`);
    if (c.error) r.texts.addError(`${c.what} on slot ${c.slot}`, c.error);
  }
  for (const req of world.seen.slice(from)) {
    const org = /^\/v2\/orgs\/([^/]+)/.exec(req.path)?.[1];
    if (req.path === '/v2/auth/token') {
      if (req.authorization !== null) out.push('a sign-in carried an Authorization header');
      continue;
    }
    const i = Array.from({ length: SLOTS }, (_, k) => k).find((k) => slotOrg(k) === org);
    if (i === undefined) {
      out.push(`a request outside the slots' orgs: ${req.method} ${req.path}`);
      continue;
    }
    const jwt = /^Bearer (\S+)$/.exec(req.authorization ?? '')?.[1];
    if (r.dead.has(jwt))
      out.push(`${req.method} ${req.path} carried a JWT given to a closed client's token function`);
    const sub = jwt ? jwtClaims(jwt)?.sub : null;
    if (sub !== slotUser(i))
      out.push(
        `${req.method} ${req.path} carried ${sub ? `${sub}'s JWT` : `"${req.authorization}"`}, not ${slotUser(i)}'s`,
      );
  }
  for (const line of world.log.slice(logFrom)) r.texts.add('sandbox log', line);
  for (const { where, text } of r.texts.items) {
    const run = leak(text);
    if (run) out.push(`${where} holds ${JSON.stringify(run)} of a secret: ${text.slice(0, 200)}`);
  }
  return out;
}

before(async () => {
  world = await openSoakWorld();
  for (const p of world.passwords) secret(p);
  for (const p of world.wrongPasswords) secret(p);
  probe = await createClient({ baseUrl: world.sb.url, token: 'probe' });
});

after(async () => {
  probe?.close();
  await world?.close();
  failures.stop();
});

test(`randomized multi-client soak: ${RUNS} sequences (seed ${SEED})`, async (t) => {
  // A warm-up of every operation, so the heap's baseline includes what the module keeps for good.
  const warm = new Run();
  await warm.step({ t: 'make', slot: 0, kind: 'credentials', retries: 0, quick: false });
  for (const op of OPS) warm.call({ slot: 0, op, abort: null, take: 2, pageSize: 1, known: true }); // finish() awaits them
  await warm.finish();
  const baseline = heapInUse(probe);
  const stats = { sequences: 0, commands: 0, calls: 0, requests: 0, codes: {} };
  await fc.assert(
    fc.asyncProperty(sequence, async (cmds) => {
      const from = world.seen.length;
      const logFrom = world.log.length;
      const r = new Run();
      for (const cmd of cmds) await r.step(cmd);
      await r.finish();
      const found = violations(r, from, logFrom);
      const heap = heapInUse(probe);
      if (heap !== baseline)
        found.push(`the heap holds ${heap - baseline} B more than its baseline`);
      if (failures.seen.length)
        found.push(...failures.seen.map(([kind, e]) => `${kind}: ${e?.stack ?? e}`));
      stats.sequences++;
      stats.commands += cmds.length;
      stats.calls += r.calls.length;
      stats.requests += world.seen.length - from;
      for (const c of r.calls)
        stats.codes[c.error?.code ?? 'ok'] = (stats.codes[c.error?.code ?? 'ok'] ?? 0) + 1;
      assert.deepEqual(found, []);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  t.diagnostic(
    `${stats.sequences} sequences, ${stats.commands} commands, ${stats.calls} calls, ${stats.requests} requests`,
  );
  t.diagnostic(
    `outcomes: ${Object.entries(stats.codes)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  t.diagnostic(`${secrets.size} secrets (${runs.size} runs of ${RUN}) looked for`);
});
