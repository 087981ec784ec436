// Docker Hub as it really answers, end to end against the sandbox: 429s in every style the real Hub
// has used (Retry-After as seconds, as a unix time, as an HTTP date; X-Retry-After; only
// X-RateLimit-Reset), each wait bounded by the deadline; scopes without the `scope-` prefix; an OAT
// that tries to manage OATs; and network failures that say why (refused, reset, TLS, a host's
// permission denied, in real Deno).
// When a request reached the sandbox comes from the sandbox's own log (one line per request, with
// its duration): a wait is proved by the arrival of the retry, never by a sleep.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  openWorld,
  rejectsWith,
  ORG,
  OWNER,
  CREATE_ROUTE,
  ONE_ROUTE,
  PULL_API,
} from '../fixtures/hub.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DENO = `${ROOT}node_modules/.bin/deno`;
const RATE_LIMITED = { detail: 'Rate limit exceeded', error: false };
// A timer may fire a millisecond before the wall clock agrees, and the log's figures are rounded.
const CLOCK_SLACK_MS = 50;

/**
 * The one place this file makes the sandbox answer a 429: the next GET of `path` gets `headers`
 * and Docker Hub's 429 body. (Today through the fault API's status and headers; after the merge
 * the sandbox's 429 presets may take its place.)
 * @param {{ faults: (spec: object) => void }} sb
 * @param {string} path regex source for the path
 * @param {Record<string, string>} headers
 */
function answer429(sb, path, headers) {
  sb.faults({ method: 'GET', path, times: 1, status: 429, headers, body: RATE_LIMITED });
}

/** The unix second `s` seconds after the current one. */
const unixIn = (s) => Math.floor(Date.now() / 1000) + s;

describe('Docker Hub as it really answers (sandbox)', () => {
  let world;
  /** When each request reached the sandbox (ms since the epoch), by path, in order. */
  const arrivals = new Map();

  before(async () => {
    world = await openWorld({
      log(line) {
        // "GET /v2/orgs/acme/access-tokens/x 429 1.2ms": answered now, arrived `ms` before.
        const m = /^(\S+) (\S+) (\d+) ([\d.]+)ms/.exec(line);
        if (!m) return;
        const list = arrivals.get(m[2]) ?? [];
        list.push({ status: Number(m[3]), at: Date.now() - Number(m[4]) });
        arrivals.set(m[2], list);
      },
    });
  });
  after(() => world?.close());

  const path = (id) => `/v2/orgs/${ORG}/access-tokens/${id}`;

  describe('a 429 waits as long as the server says, in each style', { concurrency: true }, () => {
    /**
     * The first GET of a fresh id gets a 429 with `headers`; the retry must arrive no earlier
     * than `notBefore(first arrival)` and then reach the sandbox's own answer (404: no such id).
     */
    async function waitsUntil(id, headers, notBefore) {
      answer429(world.sb, `${path(id)}$`, headers);
      const hub = await world.client({ maxRetries: 2, timeoutMs: 20000 });
      await rejectsWith(hub.getAccessToken(ORG, id), 'not_found');
      const seen = arrivals.get(path(id));
      assert.deepEqual(
        seen.map((a) => a.status),
        [429, 404],
        'one 429, then the retry',
      );
      const earliest = notBefore(seen[0].at);
      assert.ok(
        seen[1].at >= earliest - CLOCK_SLACK_MS,
        `the retry came ${earliest - seen[1].at} ms before the moment the server named`,
      );
    }

    test('Retry-After holding a unix time (hub-feedback #2459) is a moment: waited until then', async () => {
      const at = unixIn(2);
      await waitsUntil(
        'wait-unix',
        { 'retry-after': String(at), 'x-ratelimit-reset': String(at) },
        () => at * 1000,
      );
    });

    test('X-Retry-After (a unix time) is a moment', async () => {
      const at = unixIn(2);
      await waitsUntil('wait-x-retry', { 'x-retry-after': String(at) }, () => at * 1000);
    });

    test('a 429 with only X-RateLimit-Reset waits for the reset', async () => {
      const at = unixIn(2);
      await waitsUntil(
        'wait-reset',
        {
          'x-ratelimit-limit': '180',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(at),
        },
        () => at * 1000,
      );
    });

    test('Retry-After as an HTTP date is a moment', async () => {
      const at = unixIn(2);
      await waitsUntil(
        'wait-date',
        { 'retry-after': new Date(at * 1000).toUTCString() },
        () => at * 1000,
      );
    });

    test('Retry-After in seconds counts from the answer', async () => {
      await waitsUntil('wait-seconds', { 'retry-after': '1' }, (first) => first + 1000);
    });
  });

  describe('a wait past the deadline fails at once with rate_limited and retryAfter', () => {
    for (const [style, headers] of [
      ['Retry-After as a unix time', () => ({ 'retry-after': String(unixIn(3600)) })],
      ['only X-RateLimit-Reset', () => ({ 'x-ratelimit-reset': String(unixIn(3600)) })],
      ['Retry-After in seconds', () => ({ 'retry-after': '3600' })],
    ]) {
      test(style, async () => {
        const id = `deadline-${style.replace(/\W+/g, '-')}`;
        answer429(world.sb, `${path(id)}$`, headers());
        const hub = await world.client({ maxRetries: 3, timeoutMs: 5000 });
        const err = await rejectsWith(hub.getAccessToken(ORG, id), 'rate_limited');
        assert.equal(err.status, 429);
        assert.ok(err.retryAfter >= 3598 && err.retryAfter <= 3600, `retryAfter ${err.retryAfter}`);
        assert.equal(arrivals.get(path(id)).length, 1, 'no retry was sent');
      });
    }
  });

  test('a scope without the scope- prefix is refused before any request, naming the right one', async () => {
    const hub = await world.client();
    const before = world.count(CREATE_ROUTE);
    for (const [scope, meant] of [
      ['image-pull', 'scope-image-pull'],
      ['repo-pull', 'scope-image-pull'],
      ['repo-push', 'scope-image-push'],
      ['Image-Push', 'scope-image-push'],
      ['member-read', 'scope-member-read'],
    ]) {
      const type = meant === 'scope-member-read' ? 'TYPE_ORG' : 'TYPE_REPO';
      const resources = [{ type, path: type === 'TYPE_ORG' ? ORG : 'acme/api', scopes: [scope] }];
      const err = await rejectsWith(
        hub.createAccessToken(ORG, { label: 'old-scope', resources }),
        'invalid_argument',
      );
      assert.match(err.message, new RegExp(`"${meant}"`), `${scope}: ${err.message}`);
      const upd = await rejectsWith(
        hub.updateAccessToken(ORG, 'some-id', { resources }),
        'invalid_argument',
      );
      assert.equal(upd.message, err.message);
    }
    const odd = await rejectsWith(
      hub.createAccessToken(ORG, { label: 'x', resources: [{ ...PULL_API, scopes: ['pull'] }] }),
      'invalid_argument',
    );
    assert.match(odd.message, /scope- prefix/);
    assert.equal(world.count(CREATE_ROUTE), before, 'nothing was sent');
    assert.equal(world.count(ONE_ROUTE('PATCH')), 0, 'nothing was sent');
    const created = await hub.createAccessToken(ORG, { label: 'new-scope', resources: [PULL_API] });
    assert.ok(created.token);
  });

  test("an OAT that signs in and manages OATs is told to use an owner's PAT or password", async () => {
    const oat = world.sb.credentials.tokens.find((t) => t.org === ORG && t.status === 'active');
    const hub = await world.client({ credentials: { identifier: ORG, secret: oat.secret } });
    const err = await rejectsWith(hub.listAccessTokens(ORG), 'forbidden');
    assert.match(
      err.message,
      /an organization access token \(dckr_oat_\.\.\.\) cannot manage organization access tokens/,
    );
    assert.match(
      err.message,
      /sign in as an organization owner, with a personal access token or the owner's own credentials/,
    );
    assert.ok(!err.message.includes(oat.secret.slice(9, 17)), 'no part of the OAT in the message');
    const owner = await world.client({ credentials: OWNER });
    await owner.listAccessTokens(ORG); // the owner's password manages them
  });
});

/** A loopback TCP server that does `onSocket` with each connection, and counts them. */
async function tcpServer(onSocket) {
  const server = createNetServer((socket) => {
    server.connections++;
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.connections = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = await tcpServer(() => {});
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("network failures say why and keep the host's error as cause", () => {
  let world;
  before(async () => {
    world = await openWorld();
  });
  after(() => world?.close());

  test('connection refused: named, cause kept', async () => {
    const hub = await world.client({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      token: 'jwt',
      maxRetries: 0,
    });
    const err = await rejectsWith(hub.getAccessToken(ORG, 'x'), 'network');
    assert.match(err.message, /connection refused/);
    assert.ok(err.cause instanceof Error, 'cause is what fetch() rejected with');
    assert.equal(err.cause.cause?.code, 'ECONNREFUSED');
  });

  test('a connection reset: named, cause kept, and a GET is tried again', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    try {
      const hub = await world.client({
        baseUrl: `http://127.0.0.1:${server.address().port}`,
        token: 'jwt',
        maxRetries: 1,
      });
      const err = await rejectsWith(hub.getAccessToken(ORG, 'x'), 'network');
      assert.match(err.message, /reset/);
      assert.ok(err.cause instanceof Error);
      assert.equal(err.cause.cause?.code, 'ECONNRESET');
      assert.equal(server.connections, 2, 'retried once');
    } finally {
      server.close();
    }
  });

  test('TLS failing (https to a server that speaks plain HTTP): named, cause kept, never retried', async () => {
    const server = await tcpServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      const hub = await world.client({
        baseUrl: `https://127.0.0.1:${server.address().port}`,
        token: 'jwt',
        maxRetries: 3,
      });
      const err = await rejectsWith(hub.getAccessToken(ORG, 'x'), 'network');
      assert.match(err.message, /TLS connection failed/);
      assert.ok(err.cause instanceof Error);
      assert.equal(server.connections, 1, 'a TLS failure is not tried again');
    } finally {
      server.close();
    }
  });

  test('Deno without --allow-net: the permission denial is named, kept as cause, never retried', async () => {
    // The user's script, run by real Deno with read access only. It counts the host's fetch()
    // calls by wrapping the real one before the package captures it.
    const script = `
      let calls = 0;
      const real = globalThis.fetch;
      globalThis.fetch = (...args) => { calls++; return real(...args); };
      const { createClient } = await import(${JSON.stringify(new URL('bindings/index.node.js', `file://${ROOT}`).href)});
      const hub = await createClient({ baseUrl: ${JSON.stringify(world.sb.url)}, token: 'jwt', maxRetries: 3 });
      try { await hub.getAccessToken('acme', 'x'); console.log(JSON.stringify({ resolved: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: e.cause?.name, calls })); }
      hub.close();`;
    const before = world.sb.requests.length;
    // `deno eval` would grant every permission: a file, run with read access only.
    const got = await inTempFile(script, (file) =>
      run(DENO, ['run', '--no-prompt', `--allow-read=${ROOT}`, file]),
    );
    assert.equal(got.code, 'network');
    assert.match(got.message, /denied this program the permission to connect/);
    assert.match(got.message, /--allow-net/);
    assert.match(got.cause, /^(NotCapable|PermissionDenied)$/);
    assert.equal(got.calls, 1, 'a permission denial is not tried again');
    assert.equal(world.sb.requests.length, before, 'nothing reached the sandbox');
  });
});

describe('what other hosts reject with is read right', () => {
  test('Bun: connection refused is named and kept as cause', async () => {
    const port = await closedPort();
    const script = `
      const { createClient } = await import(${JSON.stringify(new URL('bindings/index.node.js', `file://${ROOT}`).href)});
      const hub = await createClient({ baseUrl: 'http://127.0.0.1:${port}', token: 'jwt', maxRetries: 0 });
      try { await hub.getAccessToken('acme', 'x'); console.log(JSON.stringify({ resolved: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: e.cause?.code })); }
      hub.close();`;
    const got = await inTempFile(script, (file) => run(`${ROOT}node_modules/.bin/bun`, [file]));
    assert.deepEqual(got, {
      code: 'network',
      message: `could not reach Docker Hub at http://127.0.0.1:${port} (connection refused)`,
      cause: 'ECONNREFUSED',
    });
  });

  test('workerd: a loopback address its network policy blocks reads as blocked, not refused', async () => {
    const { Miniflare } = await import('miniflare');
    const port = await closedPort();
    // The XHR's own classifier, run inside workerd on what its fetch() rejects with.
    const worker = `import { failureOf } from './xhr.js';
      export default { async fetch() {
        try { await fetch('http://127.0.0.1:${port}/'); return Response.json({ resolved: true }); }
        catch (e) { return Response.json({ failure: failureOf(e), message: e.message }); } } };`;
    const seen = {};
    for (const [name, extra] of [
      ['policy', { outboundService: { network: { allow: ['public'] } } }],
      ['open', {}],
    ]) {
      const mf = new Miniflare({
        cf: false, // no fetch of workers.cloudflare.com: loopback only
        modules: [
          { type: 'ESModule', path: 'worker.mjs', contents: worker },
          {
            type: 'ESModule',
            path: 'xhr.js',
            contents: await readFile(`${ROOT}bindings/xhr.js`, 'utf8'),
          },
        ],
        modulesRoot: ROOT,
        compatibilityDate: '2024-09-23',
        ...extra,
        // workerd prints the policy's refusal (restrictPeers) on its stderr: not ours to show.
        handleRuntimeStdio: (stdout, stderr) => {
          stdout.resume();
          stderr.resume();
        },
      });
      try {
        seen[name] = await (await mf.dispatchFetch('http://worker.invalid/')).json();
      } finally {
        await mf.dispose();
      }
    }
    assert.equal(seen.policy.failure, 'blocked', JSON.stringify(seen.policy));
    assert.notEqual(seen.open.failure, 'blocked', JSON.stringify(seen.open)); // nothing listens: lost
    assert.notEqual(seen.open.failure, 'denied');
  });
});

/** Writes `script` to a fresh temporary .mjs file, runs `fn(path)`, removes it; parses the last line. */
async function inTempFile(script, fn) {
  const dir = await mkdtemp(join(tmpdir(), 'dh-host-'));
  try {
    await writeFile(join(dir, 'main.mjs'), script);
    const out = await fn(join(dir, 'main.mjs'));
    return JSON.parse(out.trim().split('\n').pop());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a program to its end; resolves with its stdout, rejects with its stderr on failure. */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}
