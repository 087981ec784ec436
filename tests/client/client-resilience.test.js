// The client under trouble (issue 4), end to end through the WASM module against the sandbox:
// retries (what may be retried and what may not), Retry-After, deadlines, aborts, JWT renewal
// and re-sign-in, one shared sign-in, auto-pagination and its guards, rate-limit figures.
// Nothing is slept and no wall-clock bound decides: faults (delayMs, stall, reset), short JWT
// lifetimes, AbortController, polling the sandbox's request log on setImmediate, and the life of
// the timers the core and the sandbox arm (watchTimers, through async_hooks).
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DockerHubError } from '../../bindings/index.node.js';
import {
  ORG,
  OAT,
  PULL_API,
  LIST_ROUTE,
  CREATE_ROUTE,
  ONE_ROUTE,
  SIGN_IN_ROUTE,
  openWorld,
  openOwnerWorld,
  rejectsWith,
  collect,
  until,
  timed,
  pageBody,
  listUrl,
} from '../fixtures/hub.js';
import { startRawServer, respond, closedPort } from '../fixtures/hostile-server.js';
import { heapInUse, pendingCalls } from '../fixtures/heap.js';

const GET_ONE = ONE_ROUTE('GET');
const RATE_LIMIT = 5000; // this file's sandbox: high enough that only injected 429s happen

let world;
let sb;
let hub; // signed in as the owner before each test

/** Ids of acme's seeded tokens. */
const seededIds = () => sb.credentials.tokens.filter((t) => t.org === ORG).map((t) => t.id);
/** The list requests' page numbers, in order, for one org. */
const pagesAsked = (org = ORG) =>
  sb.requests
    .filter((r) => r.method === 'GET' && r.path === `/v2/orgs/${org}/access-tokens`)
    .map((r) => Number(r.query.page));

/**
 * Watches the timers of exactly `ms` milliseconds this process arms (the core's retry wait, through
 * Emscripten's setTimeout): events 'armed', then 'ran' if its callback ran, 'cleared' when it is
 * gone without having run. `seen` holds what `probe()` said at 'armed' and at 'ran' (the sandbox's
 * request count, say). An observer only: nothing about the timers changes.
 */
function watchTimers(ms, probe = () => undefined) {
  const events = [];
  const seen = [];
  const ours = new Map(); // asyncId -> ran?
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && resource?._idleTimeout === ms) {
        ours.set(id, false);
        events.push('armed');
        seen.push(probe());
      }
    },
    before(id) {
      if (ours.has(id)) {
        ours.set(id, true);
        events.push('ran');
        seen.push(probe());
      }
    },
    destroy(id) {
      if (ours.has(id) && !ours.get(id)) events.push('cleared');
      ours.delete(id);
    },
  }).enable();
  return { events, seen, stop: () => hook.disable() };
}

before(async () => {
  world = await openOwnerWorld({ rateLimit: RATE_LIMIT, tokenLimits: { team: 100 } });
  ({ sb, hub } = world);
});

after(async () => {
  await world.close();
});

beforeEach(async () => {
  world.reset();
  await hub.listAccessTokens(ORG); // signed in, so the counts below are the calls' own
  sb.resetRequests();
});

describe('retries', () => {
  test('a 429 with Retry-After: 1 on a GET is waited out, then succeeds', async () => {
    // The wait is a 1000 ms timer (Retry-After: 1); the sandbox's log says when the retry came.
    const timers = watchTimers(1000, () => world.count(LIST_ROUTE));
    try {
      sb.faults({
        method: 'GET',
        path: 'access-tokens$',
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { detail: 'Rate limit exceeded' },
        times: 1,
      });
      const { value, error } = await timed(hub.listAccessTokens(ORG));
      assert.equal(error, undefined, `resolved, not ${error}`);
      assert.ok(value.total >= 3);
      assert.equal(world.count(LIST_ROUTE), 2, 'the 429, then the retry');
      assert.deepEqual(
        timers.events,
        ['armed', 'ran'],
        "one wait of Retry-After's 1000 ms, waited out",
      );
      assert.deepEqual(timers.seen, [1, 1], 'the retry went out only once the wait had run out');
    } finally {
      timers.stop();
    }
  });

  test('a create whose connection resets mid-body: network, maybeCreated, exactly one POST', async () => {
    sb.faults({ method: 'POST', path: 'access-tokens$', reset: true });
    const err = await rejectsWith(
      hub.createAccessToken(ORG, { label: 'reset-create', resources: [PULL_API] }),
      'network',
    );
    assert.equal(err.maybeCreated, true);
    assert.match(err.message, /may have been created/);
    assert.equal(err.status, 0);
    assert.equal(
      world.count(CREATE_ROUTE),
      1,
      'a create is never repeated after the request went out',
    );
  });

  test('a create answered 503 is not retried, even with Retry-After: 0', async () => {
    sb.faults({
      method: 'POST',
      path: 'access-tokens$',
      status: 503,
      headers: { 'Retry-After': '0' },
      body: { message: 'Service Unavailable' },
      times: 1,
    });
    const err = await rejectsWith(
      hub.createAccessToken(ORG, { label: 'no-retry-503', resources: [PULL_API] }),
      'server_error',
    );
    assert.equal(err.status, 503);
    assert.equal(world.count(CREATE_ROUTE), 1);
    const labels = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.map((t) => t.label);
    assert.equal(labels.includes('no-retry-503'), false);
  });

  test('a GET answered 503 once, then OK, is retried', async () => {
    sb.faults({ method: 'GET', path: 'access-tokens/', preset: 'html503', times: 1 });
    const id = seededIds()[0];
    const t = await hub.getAccessToken(ORG, id);
    assert.equal(t.id, id);
    assert.equal(world.count(GET_ONE), 2);
  });

  test('a GET whose connection resets is retried', async () => {
    sb.faults({ method: 'GET', path: 'access-tokens$', reset: true, times: 1 });
    const page = await hub.listAccessTokens(ORG);
    assert.ok(page.total >= 3);
    assert.equal(world.count(LIST_ROUTE), 2);
  });

  test('a 429 on a create is retried (Retry-After: 0): one token made', async () => {
    sb.faults({
      method: 'POST',
      path: 'access-tokens$',
      status: 429,
      headers: { 'Retry-After': '0' },
      body: { detail: 'Rate limit exceeded', error: false },
      times: 1,
    });
    const made = await hub.createAccessToken(ORG, { label: 'retried-429', resources: [PULL_API] });
    assert.match(made.token, OAT);
    assert.equal(world.count(CREATE_ROUTE), 2);
    const same = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
      (t) => t.label === 'retried-429',
    );
    assert.equal(same.length, 1);
    await hub.deleteAccessToken(ORG, made.id);
  });

  test('a refused connection: network, and a create says nothing was created', async () => {
    const port = await closedPort(); // nothing listens there now: connections are refused
    const client = await world.client({
      baseUrl: `http://127.0.0.1:${port}`,
      token: sb.mintJwt({ kind: 'password', sub: 'acme-owner' }),
      maxRetries: 1,
    });
    const err = await rejectsWith(
      client.createAccessToken(ORG, { label: 'x', resources: [PULL_API] }),
      'network',
    );
    assert.equal(err.status, 0);
    assert.ok(!err.maybeCreated, 'refused before anything was sent: nothing was created');
    assert.match(err.message, /refused/);
  });

  test('maxRetries: 0 disables retries', async () => {
    const once = await world.client({ maxRetries: 0 });
    await once.listAccessTokens(ORG);
    sb.resetRequests();
    // A retry after Retry-After: 0 would be a 0 ms timer (Node keeps it as 1 ms): none is armed.
    const wait = watchTimers(1);
    try {
      sb.faults({
        method: 'GET',
        path: 'access-tokens$',
        status: 503,
        headers: { 'Retry-After': '0' },
        body: { message: 'busy' },
        times: 1,
      });
      const { error } = await timed(once.listAccessTokens(ORG));
      assert.ok(error instanceof DockerHubError, `rejected, not ${error}`);
      assert.equal(error.code, 'server_error');
      assert.equal(error.status, 503);
      assert.equal(world.count(LIST_ROUTE), 1);
      assert.deepEqual(wait.events, [], 'at once: no retry wait was started');
    } finally {
      wait.stop();
    }
  });

  test('a 5xx that keeps coming: gives up after maxRetries', async () => {
    const few = await world.client({ maxRetries: 2 });
    await few.listAccessTokens(ORG);
    sb.resetRequests();
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 502,
      headers: { 'Retry-After': '0' },
      body: { message: 'bad gateway' },
      times: 10,
    });
    const err = await rejectsWith(few.listAccessTokens(ORG), 'server_error');
    assert.equal(err.status, 502);
    assert.equal(world.count(LIST_ROUTE), 3, 'the first try and two retries');
  });
});

describe('aborts', () => {
  test('an abort while the request is out rejects aborted at once, while the answer is held', async () => {
    const id = seededIds()[0];
    // The sandbox holds its answer on a 2000 ms timer (this process): the rejection must come
    // while that timer has not run yet.
    const held = watchTimers(2000);
    try {
      sb.faults({ method: 'GET', path: 'access-tokens/', delayMs: 2000, times: 1 });
      const ac = new AbortController();
      const outcome = hub.getAccessToken(ORG, id, { signal: ac.signal }).then(
        () => 'resolved',
        (e) => e,
      );
      await until(
        () => world.count(GET_ONE) === 1 && held.events.includes('armed'),
        'the request to be held by the sandbox',
      );
      ac.abort();
      const err = await outcome;
      held.events.push('rejected');
      assert.ok(err instanceof DockerHubError, `rejected, not ${err}`);
      assert.equal(err.code, 'aborted');
      assert.deepEqual(
        held.events.slice(0, 2),
        ['armed', 'rejected'],
        'rejected before the sandbox answered',
      );
    } finally {
      held.stop();
    }
  });

  test('after an aborted call the client still works, and the late answer changes nothing', async () => {
    const [a, b] = seededIds();
    // The aborted request's answer comes when the sandbox's 300 ms timer runs; the next call is
    // held on a 500 ms one, so it is still in flight when that late answer comes.
    const late = watchTimers(300);
    const ac = new AbortController();
    let value;
    let first;
    try {
      sb.faults({ method: 'GET', path: `access-tokens/${a}$`, delayMs: 300, times: 1 });
      first = hub.getAccessToken(ORG, a, { signal: ac.signal }).then(
        (v) => v,
        (e) => e,
      );
      await until(() => world.count(GET_ONE) === 1, 'the first request to reach the sandbox');
      ac.abort();
      assert.equal((await first).code, 'aborted');
      sb.faults({ method: 'GET', path: `access-tokens/${b}$`, delayMs: 500, times: 1 });
      ({ value } = await timed(hub.getAccessToken(ORG, b)));
      late.events.push('second answered');
      assert.deepEqual(
        late.events.slice(0, 2),
        ['armed', 'ran'],
        'the late answer came while the second call was out',
      );
      assert.equal(late.events.at(-1), 'second answered');
    } finally {
      late.stop();
    }
    assert.equal(value.id, b, 'the second call got its own answer');
    assert.equal((await first).code, 'aborted', 'the aborted call stays aborted');
    const page = await hub.listAccessTokens(ORG);
    assert.ok(page.total >= 3);
  });

  test('a signal already aborted: rejects aborted, nothing sent (not even a sign-in)', async () => {
    const fresh = await world.client();
    const n = sb.requests.length;
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(fresh.listAccessTokens(ORG, { signal: ac.signal }), 'aborted');
    await rejectsWith(fresh.getAccessToken(ORG, seededIds()[0], { signal: ac.signal }), 'aborted');
    await rejectsWith(
      fresh.createAccessToken(ORG, { label: 'x', resources: [PULL_API] }, { signal: ac.signal }),
      'aborted',
    );
    await rejectsWith(collect(fresh.listAllAccessTokens(ORG, { signal: ac.signal })), 'aborted');
    await rejectsWith(fresh.listAccessTokens(ORG, { signal: AbortSignal.abort() }), 'aborted');
    assert.equal(sb.requests.length, n);
  });

  test('an abort during a Retry-After wait rejects aborted at once, with no second request', async () => {
    // The wait is the core's 5000 ms retry timer. Its life is watched through async_hooks (events,
    // not timing): it must have been armed before abort() and cleared by it, never having run.
    const timers = watchTimers(5000);
    try {
      sb.faults({
        method: 'GET',
        path: 'access-tokens$',
        status: 429,
        headers: { 'Retry-After': '5' },
        body: { detail: 'Rate limit exceeded' },
        times: 1,
      });
      const ac = new AbortController();
      const outcome = hub.listAccessTokens(ORG, { signal: ac.signal }).then(
        () => 'resolved',
        (e) => e,
      );
      await until(
        () => timers.events.includes('armed'),
        'the client to start its Retry-After wait',
      );
      assert.equal(world.count(LIST_ROUTE), 1, 'the 429 was answered before the wait began');
      timers.events.push('abort');
      ac.abort();
      const err = await outcome;
      timers.events.push('rejected');
      assert.equal(err?.code, 'aborted');
      await until(() => timers.events.includes('cleared'), 'the wait to be cleared');
      assert.deepEqual(
        timers.events,
        ['armed', 'abort', 'rejected', 'cleared'],
        'the wait began before the abort, the call rejected before the wait ran out, and the wait never ran',
      );
      assert.equal(world.count(LIST_ROUTE), 1, 'no second request');
    } finally {
      timers.stop();
    }
  });

  test('an abort during listAllAccessTokens ends the iteration with aborted', async () => {
    const ac = new AbortController();
    const seen = [];
    const err = await (async () => {
      for await (const t of hub.listAllAccessTokens(ORG, { pageSize: 1, signal: ac.signal })) {
        seen.push(t.id);
        ac.abort();
      }
    })().then(
      () => 'finished',
      (e) => e,
    );
    assert.equal(seen.length, 1);
    assert.equal(err?.code, 'aborted');
    assert.ok(world.count(LIST_ROUTE) <= 2, 'no page after the abort');
  });
});

describe('deadlines', () => {
  test('timeoutMs: 300 with a stalled answer rejects timeout in about 300 ms', async () => {
    const quick = await world.client({ timeoutMs: 300 });
    await quick.listAccessTokens(ORG);
    // The deadline is the core's 300 ms timer: the rejection comes once it has run, not before.
    const deadline = watchTimers(300);
    try {
      sb.faults({ method: 'GET', path: 'access-tokens$', stall: true, times: 1 });
      const { error } = await timed(quick.listAccessTokens(ORG));
      deadline.events.push('rejected');
      assert.ok(error instanceof DockerHubError, `rejected, not ${error}`);
      assert.equal(error.code, 'timeout');
      assert.equal(error.maybeCreated, undefined, 'only a create may have made something');
      assert.deepEqual(
        deadline.events,
        ['armed', 'ran', 'rejected'],
        'rejected when the deadline ran out',
      );
    } finally {
      deadline.stop();
    }
  });

  test('a create that times out says the token may have been created', async () => {
    const quick = await world.client({ timeoutMs: 300 });
    await quick.listAccessTokens(ORG);
    sb.resetRequests();
    sb.faults({ method: 'POST', path: 'access-tokens$', stall: true, times: 1 });
    const err = await rejectsWith(
      quick.createAccessToken(ORG, { label: 'stalled', resources: [PULL_API] }),
      'timeout',
    );
    assert.equal(err.maybeCreated, true);
    assert.match(err.message, /may have been created/);
    assert.equal(world.count(CREATE_ROUTE), 1);
  });

  test('the deadline covers the retries', async () => {
    const quick = await world.client({ timeoutMs: 500, maxRetries: 10 });
    await quick.listAccessTokens(ORG);
    sb.resetRequests();
    // Eleven tries of 150 ms each would take 1.65 s: only one deadline for the whole call ends it.
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 503,
      headers: { 'Retry-After': '0' },
      body: { message: 'busy' },
      delayMs: 150,
      times: 20,
    });
    const deadline = watchTimers(500, () => world.count(LIST_ROUTE));
    let error;
    try {
      ({ error } = await timed(quick.listAccessTokens(ORG)));
      deadline.events.push('rejected');
    } finally {
      deadline.stop();
    }
    assert.ok(error instanceof DockerHubError, `rejected, not ${error}`);
    assert.ok(['server_error', 'timeout'].includes(error.code), error.code);
    assert.equal(deadline.events[0], 'armed', 'one deadline for the call');
    const ran = deadline.events.indexOf('ran');
    if (error.code === 'timeout') {
      assert.deepEqual(
        deadline.events.slice(ran),
        ['ran', 'rejected'],
        'a timeout comes when the deadline runs out',
      );
      assert.equal(
        deadline.seen[ran],
        world.count(LIST_ROUTE),
        'no try started after the deadline',
      );
    } else {
      assert.equal(
        ran,
        -1,
        'a server_error comes before the deadline (no retry could start in time)',
      );
    }
    assert.ok(world.count(LIST_ROUTE) >= 2, 'it did retry');
    assert.ok(
      world.count(LIST_ROUTE) <= 5,
      `but not past the deadline: ${world.count(LIST_ROUTE)}`,
    );
  });

  test('a Retry-After beyond the deadline: rate_limited at once, with retryAfter', async () => {
    const wait = watchTimers(3_600_000);
    try {
      sb.faults({
        method: 'GET',
        path: 'access-tokens$',
        status: 429,
        headers: { 'Retry-After': '3600' },
        body: { detail: 'Rate limit exceeded', error: false },
        times: 1,
      });
      const { error } = await timed(hub.listAccessTokens(ORG));
      assert.ok(error instanceof DockerHubError, `rejected, not ${error}`);
      assert.equal(error.code, 'rate_limited');
      assert.equal(error.status, 429);
      assert.equal(error.retryAfter, 3600);
      assert.match(error.message, /Rate limit exceeded/);
      assert.deepEqual(wait.events, [], 'gave up at once: no wait of the hour was started');
    } finally {
      wait.stop();
    }
    assert.equal(world.count(LIST_ROUTE), 1);
  });
});

describe('sign-in', () => {
  test('a 401 on a data call: one new sign-in, one retry, success', async () => {
    const fresh = await world.client();
    sb.faults({ path: 'access-tokens', status: 401, body: { message: 'token expired' }, times: 1 });
    const page = await fresh.listAccessTokens(ORG);
    assert.ok(page.total >= 3);
    assert.equal(world.count(SIGN_IN_ROUTE), 2, 'signed in, then again after the 401');
    assert.equal(world.count(LIST_ROUTE), 2);
  });

  test("two 401s in a row: unauthorized, with the server's message", async () => {
    const fresh = await world.client();
    sb.faults({ path: 'access-tokens', status: 401, body: { message: 'token expired' }, times: 2 });
    const err = await rejectsWith(fresh.listAccessTokens(ORG), 'unauthorized');
    assert.equal(err.status, 401);
    assert.match(err.message, /token expired/);
    assert.equal(world.count(SIGN_IN_ROUTE), 2, 'one re-sign-in only');
    assert.equal(world.count(LIST_ROUTE), 2, 'one retry only');
  });

  test('a token function is asked again once after a 401', async () => {
    let calls = 0;
    const client = await world.client({
      token: async () => {
        calls++;
        return sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
      },
    });
    await client.listAccessTokens(ORG);
    assert.equal(calls, 1);
    sb.faults({ path: 'access-tokens', status: 401, body: { message: 'token expired' }, times: 1 });
    const page = await client.listAccessTokens(ORG);
    assert.ok(page.total >= 3);
    assert.equal(calls, 2, 'the function was called again, once');
    assert.equal(world.count(SIGN_IN_ROUTE), 0, 'a token function means no sign-in request');

    sb.faults({ path: 'access-tokens', status: 401, body: { message: 'token expired' }, times: 2 });
    await rejectsWith(client.listAccessTokens(ORG), 'unauthorized');
    assert.equal(calls, 3, 'once per call, not in a loop');
  });

  test('a fixed token string cannot be renewed: a 401 is final', async () => {
    const client = await world.client({
      token: sb.mintJwt({ kind: 'password', sub: 'acme-owner' }),
    });
    sb.faults({ path: 'access-tokens', status: 401, body: { message: 'token expired' }, times: 1 });
    const err = await rejectsWith(client.listAccessTokens(ORG), 'unauthorized');
    assert.match(err.message, /token expired/);
    assert.equal(world.count(LIST_ROUTE), 1);
  });

  test('concurrent calls during a sign-in share one exchange', async () => {
    const fresh = await world.client();
    const ids = seededIds();
    const got = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => fresh.getAccessToken(ORG, ids[i % ids.length])),
    );
    assert.deepEqual(
      got.map((t) => t.id),
      [0, 1, 2, 3, 4].map((i) => ids[i % ids.length]),
    );
    assert.equal(world.count(SIGN_IN_ROUTE), 1);
    assert.equal(world.count(GET_ONE), 5);
  });

  test('a failed shared sign-in fails every waiting call, with no data request', async () => {
    const bad = await world.client({
      credentials: { identifier: 'acme-owner', secret: 'not-the-password' },
    });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        bad.listAccessTokens(ORG).then(
          () => 'resolved',
          (e) => e,
        ),
      ),
    );
    for (const e of results) assert.equal(e?.code, 'unauthorized');
    assert.equal(world.count(SIGN_IN_ROUTE), 1);
    assert.equal(world.count(LIST_ROUTE), 0);
  });

  describe('a JWT inside its last minute is renewed before use', () => {
    // The client renews a JWT a minute before its exp: with a 30 s lifetime, every call renews,
    // once. The client runs in a child process (tests/probes/renewal-probe.js) that is killed if it
    // freezes, so a client that renews in a loop fails these tests instead of hanging the file.
    let short;
    before(async () => {
      short = await openWorld({ jwtTtlSeconds: 30 });
    });
    after(async () => {
      await short.close();
    });
    beforeEach(() => short.reset());

    const probe = fileURLToPath(new URL('../probes/renewal-probe.js', import.meta.url));
    const runProbe = (mode) =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [probe, short.sb.url, mode],
          { timeout: 60_000, killSignal: 'SIGKILL' },
          (err, stdout, stderr) => {
            if (err) {
              resolve({
                failure: err.killed
                  ? 'the client froze: the probe was killed after 5 s'
                  : `${err.message}\n${stderr}`,
              });
            } else {
              resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
            }
          },
        );
      });

    test('credentials: two calls, two sign-ins, both succeed', async () => {
      const report = await runProbe('credentials');
      assert.equal(report.failure, undefined, report.failure);
      assert.equal(report.error, undefined, JSON.stringify(report.error));
      assert.equal(report.totals.length, 2);
      assert.ok(report.totals.every((t) => t >= 3));
      assert.equal(short.count(SIGN_IN_ROUTE), 2);
      assert.equal(short.count(LIST_ROUTE), 2);
    });

    test('a token function: asked once per call', async () => {
      const report = await runProbe('function');
      assert.equal(report.failure, undefined, report.failure);
      assert.equal(report.error, undefined, JSON.stringify(report.error));
      assert.equal(report.totals.length, 2);
      assert.equal(report.tokenFunctionCalls, 2);
      assert.equal(short.count(LIST_ROUTE), 2);
    });
  });
});

describe('auto-pagination', () => {
  test('250 tokens at page size 100: 250 distinct ids in 3 requests', async () => {
    const big = await openWorld({
      seed: {
        orgs: [{ name: 'bigco', plan: 'business', owners: ['acme-owner'], generateTokens: 250 }],
      },
      tokenLimits: { business: 1000 },
    });
    try {
      const client = await big.client();
      const ids = [];
      for await (const t of client.listAllAccessTokens('bigco', { pageSize: 100 })) ids.push(t.id);
      assert.equal(ids.length, 250);
      assert.equal(new Set(ids).size, 250);
      assert.equal(big.count(LIST_ROUTE), 3);
      const asked = big.sb.requests.filter(
        (r) => r.method === 'GET' && r.path.endsWith('/access-tokens'),
      );
      assert.deepEqual(
        asked.map((r) => r.query),
        [1, 2, 3].map((p) => ({ page: String(p), page_size: '100' })),
      );
    } finally {
      await big.close();
    }
  });

  test('leaving the loop early stops the fetching', async () => {
    // eslint-disable-next-line no-unreachable-loop -- one turn on purpose: the early exit is the test
    for await (const t of hub.listAllAccessTokens(ORG, { pageSize: 1 })) {
      assert.ok(t.id);
      break;
    }
    const n = world.count(LIST_ROUTE);
    assert.ok(n <= 2, `${n} pages fetched for one item`);
    await hub.listAccessTokens(ORG); // a round trip, in which a stray page would have shown
    assert.equal(world.count(LIST_ROUTE), n + 1);
  });

  test('a next on another server is never contacted: the pages come from baseUrl', async () => {
    const attacker = await startRawServer((req, sock) =>
      respond(sock, req, 404, { body: { message: 'attacker' } }),
    );
    try {
      const real = (await hub.listAccessTokens(ORG, { pageSize: 1 })).results[0];
      sb.resetRequests();
      sb.faults({
        method: 'GET',
        path: 'access-tokens$',
        status: 200,
        times: 1,
        body: pageBody({
          total: 3,
          next: listUrl(`http://127.0.0.1:${attacker.port}`, ORG, 2, 1),
          results: [real],
        }),
      });
      const items = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
      assert.equal(
        attacker.requests.length,
        0,
        `the attacker got ${JSON.stringify(attacker.requests)}`,
      );
      assert.deepEqual(pagesAsked(), [1, 2, 3], 'pages 2 and 3 were asked of the sandbox');
      assert.equal(sb.requests.find((r) => r.query.page === '2').query.page_size, '1');
      assert.equal(items.length, 3);
    } finally {
      await attacker.close();
    }
  });

  test('a next that keeps pointing at page 2 stops once page 2 is seen again', async () => {
    const real = (await hub.listAccessTokens(ORG, { pageSize: 1 })).results[0];
    sb.resetRequests();
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 200,
      times: 50,
      body: pageBody({ total: 100, next: listUrl(sb.url, ORG, 2, 1), results: [real] }),
    });
    const items = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    const n = world.count(LIST_ROUTE);
    assert.ok(n >= 2 && n <= 3, `${n} requests`);
    assert.deepEqual(pagesAsked().slice(0, 2), [1, 2]);
    assert.equal(items.length, 1, 'the same token on every page is given once');
  });

  test('an empty page stops', async () => {
    const real = (await hub.listAccessTokens(ORG, { pageSize: 1 })).results[0];
    sb.resetRequests();
    sb.faults([
      {
        method: 'GET',
        path: 'access-tokens$',
        status: 200,
        times: 1,
        body: pageBody({ total: 100, next: listUrl(sb.url, ORG, 2, 1), results: [real] }),
      },
      {
        method: 'GET',
        path: 'access-tokens$',
        status: 200,
        times: 50,
        body: pageBody({ total: 100, next: listUrl(sb.url, ORG, 3, 1), results: [] }),
      },
    ]);
    const items = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    assert.equal(items.length, 1);
    assert.deepEqual(pagesAsked(), [1, 2]);
  });

  test('total 3 at page size 1 stops after 3 pages, whatever next says', async () => {
    const real = (await hub.listAccessTokens(ORG, { pageSize: 1 })).results[0];
    sb.resetRequests();
    sb.faults(
      [1, 2, 3, 4, 5, 6, 7, 8].map((p) => ({
        method: 'GET',
        path: 'access-tokens$',
        status: 200,
        times: 1,
        body: pageBody({
          total: 3,
          next: listUrl(sb.url, ORG, p + 1, 1),
          results: [{ ...real, id: real.id.replace(/.$/, String(p)) }],
        }),
      })),
    );
    const items = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    assert.equal(items.length, 3);
    assert.deepEqual(pagesAsked(), [1, 2, 3]);
  });

  test('a failing page ends the iteration with its error, after the pages before it', async () => {
    sb.faults([
      { method: 'GET', path: 'access-tokens$', delayMs: 1, times: 1 }, // page 1 passes through
      { method: 'GET', path: 'access-tokens$', status: 404, body: { message: 'gone' }, times: 1 },
    ]);
    const seen = [];
    const err = await (async () => {
      for await (const t of hub.listAllAccessTokens(ORG, { pageSize: 1 })) seen.push(t);
    })().then(
      () => 'finished',
      (e) => e,
    );
    assert.equal(seen.length, 1);
    assert.equal(err?.code, 'not_found');
  });
});

describe('rate-limit figures', () => {
  test("hub.rateLimit follows the last response's X-RateLimit-* headers", async () => {
    const page = await hub.listAccessTokens(ORG, { pageSize: 1 });
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 200,
      times: 1,
      headers: {
        'X-RateLimit-Limit': '50',
        'X-RateLimit-Remaining': '7',
        'X-RateLimit-Reset': '1900000000',
      },
      body: page,
    });
    await hub.listAccessTokens(ORG, { pageSize: 1 });
    assert.deepEqual(hub.rateLimit, { limit: 50, remaining: 7, reset: 1900000000 });

    const info = await hub.listAccessTokensWithHttpInfo(ORG);
    assert.equal(hub.rateLimit.limit, RATE_LIMIT);
    assert.deepEqual(hub.rateLimit, {
      limit: Number(info.headers['x-ratelimit-limit']),
      remaining: Number(info.headers['x-ratelimit-remaining']),
      reset: Number(info.headers['x-ratelimit-reset']),
    });
  });

  test('an error response updates it too', async () => {
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 429,
      times: 1,
      headers: {
        'Retry-After': '3600',
        'X-RateLimit-Limit': '60',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': '1900000060',
      },
      body: { detail: 'Rate limit exceeded', error: false },
    });
    const err = await rejectsWith(hub.listAccessTokens(ORG), 'rate_limited');
    assert.equal(err.retryAfter, 3600);
    assert.equal(err.headers?.['retry-after'], '3600');
    assert.deepEqual(hub.rateLimit, { limit: 60, remaining: 0, reset: 1900000060 });
  });
});

// ---- issue 11: holes an outside review found, each attacked as it was found ----

/** Every Authorization the sandbox receives from now on, by path, in order. */
function recordAuthorizations() {
  const seen = [];
  const listener = (req) =>
    seen.push({
      method: req.method,
      path: req.url.split('?')[0],
      authorization: req.headers.authorization ?? null,
    });
  sb.server.on('request', listener);
  return { seen, stop: () => sb.server.off('request', listener) };
}

describe('issue 11: per-client state is never shared through a reused pointer', () => {
  test("a late answer of a closed client's token function reaches nothing, whoever got its memory", async () => {
    const jwtA = sb.mintJwt({ kind: 'password', sub: 'globex-owner' });
    const jwtB = sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
    const log = recordAuthorizations();
    try {
      for (let round = 0; round < 8; round++) {
        let answerA;
        const a = await world.client({
          token: () => new Promise((resolve) => (answerA = resolve)),
          maxRetries: 0,
        });
        const callA = a.listAccessTokens(ORG).then(
          () => 'resolved',
          (e) => e.code,
        );
        await until(() => answerA, 'client A asking for its JWT');
        a.close();
        assert.equal(await callA, 'closed');
        let answerB;
        const b = await world.client({
          token: () => new Promise((resolve) => (answerB = resolve)),
          maxRetries: 0,
        });
        const callB = b.listAccessTokens(ORG);
        await until(() => answerB, 'client B asking for its JWT');
        answerA(jwtA); // A's late answer: must not reach B, though B may have A's old pointer
        await new Promise((resolve) => setImmediate(resolve));
        answerB(jwtB);
        await callB;
        b.close();
      }
      const sent = log.seen
        .filter((r) => r.path.startsWith('/v2/orgs/'))
        .map((r) => r.authorization);
      assert.ok(sent.length >= 8);
      assert.deepEqual(
        sent.filter((h) => h !== `Bearer ${jwtB}`),
        [],
        "every request of B carried B's JWT",
      );
    } finally {
      log.stop();
    }
  });
});

describe('issue 11: a start that throws leaves nothing behind', () => {
  test('the heap refusing to grow: the call rejects and its abort listener and pending entry are gone', async () => {
    const { getEventListeners } = await import('node:events');
    const client = await world.client();
    const before = heapInUse(client);
    const controller = new AbortController();
    const grow = WebAssembly.Memory.prototype.grow;
    WebAssembly.Memory.prototype.grow = () => {
      throw new RangeError('the host refuses to grow the memory');
    };
    let err;
    try {
      err = await client
        .createAccessToken(
          ORG,
          { label: 'x', description: 'd'.repeat(64 * 1024 * 1024) },
          { signal: controller.signal },
        )
        .then(
          () => null,
          (e) => e,
        );
      const iter = client.listAllAccessTokens('a'.repeat(64 * 1024 * 1024), {
        signal: controller.signal,
      });
      const err2 = await iter.next().then(
        () => null,
        (e) => e,
      );
      assert.equal(err2?.code, 'invalid_response');
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
    assert.ok(err instanceof DockerHubError, `${err}`);
    assert.match(err.message, /out of memory/);
    assert.equal(
      getEventListeners(controller.signal, 'abort').length,
      0,
      'no abort listener left behind',
    );
    assert.equal(pendingCalls(client), 0, 'no pending entry left behind');
    assert.equal(heapInUse(client), before, 'the strings already copied were freed');
    await client.listAccessTokens(ORG); // the client still works
  });
});

describe('issue 11: maxResponseBytes the core cannot hold', () => {
  for (const n of [2 ** 32, 2 ** 32 + 1, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    test(`maxResponseBytes ${n}: invalid_argument, nothing sent`, async () => {
      await rejectsWith(world.client({ maxResponseBytes: n }), 'invalid_argument');
      assert.equal(sb.requests.length, 0);
    });
  }
  test('maxResponseBytes 2^32 - 1 is the largest taken, and a body of any size under it passes', async () => {
    const client = await world.client({ maxResponseBytes: 2 ** 32 - 1 });
    const page = await client.listAccessTokens(ORG);
    assert.ok(page.results.length > 0);
  });
});

describe('issue 11: a DELETE whose first answer was lost', () => {
  test('retried after a reset and answered 404: resolves, and says the token was already gone', async () => {
    const made = await hub.createAccessToken(ORG, { label: 'lost-delete', resources: [PULL_API] });
    const other = await world.client();
    await other.deleteAccessToken(ORG, made.id); // what the lost first attempt did
    sb.resetRequests();
    sb.faults({ method: 'DELETE', path: 'access-tokens/', reset: true, times: 1 });
    const info = await hub.deleteAccessTokenWithHttpInfo(ORG, made.id);
    assert.equal(info.status, 404);
    assert.equal(info.alreadyDeleted, true);
    assert.equal(info.data, undefined);
    assert.equal(typeof info.headers, 'object');
    assert.equal(world.count(ONE_ROUTE('DELETE')), 2, 'the lost attempt and one retry');
    await hub.deleteAccessToken(ORG, made.id).then(
      () => assert.fail('a DELETE answered 404 at once is not_found'),
      (e) => assert.equal(e.code, 'not_found'),
    );
  });

  test('a DELETE that succeeds says nothing of the kind', async () => {
    const made = await hub.createAccessToken(ORG, { label: 'plain-delete', resources: [PULL_API] });
    const info = await hub.deleteAccessTokenWithHttpInfo(ORG, made.id);
    assert.equal(info.status, 204);
    assert.equal(info.alreadyDeleted, undefined);
  });

  test('a GET retried after a reset and answered 404 still rejects not_found', async () => {
    sb.faults({ method: 'GET', path: 'access-tokens/', reset: true, times: 1 });
    await rejectsWith(hub.getAccessToken(ORG, '00000000-0000-4000-8000-000000000000'), 'not_found');
  });
});

describe('issue 11: listAllAccessTokens pages', () => {
  test('a page without total follows next, inside the same guards', async () => {
    const items = (await hub.listAccessTokens(ORG, { pageSize: 3 })).results;
    sb.resetRequests();
    sb.faults(
      [1, 2, 3].map((p) => ({
        method: 'GET',
        path: 'access-tokens$',
        status: 200,
        times: 1,
        body: {
          next: p < 3 ? listUrl(sb.url, ORG, p + 1, 1) : null,
          previous: null,
          results: [items[p - 1]],
        },
      })),
    );
    const got = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    assert.deepEqual(
      got.map((t) => t.id),
      items.map((t) => t.id),
    );
    assert.deepEqual(pagesAsked(), [1, 2, 3]);
  });

  test('without total, a next that loops stops at the page seen before', async () => {
    const item = (await hub.listAccessTokens(ORG, { pageSize: 1 })).results[0];
    sb.resetRequests();
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 200,
      times: 50,
      body: { next: listUrl(sb.url, ORG, 2, 1), previous: null, results: [item] },
    });
    const got = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    assert.deepEqual(pagesAsked(), [1, 2]);
    assert.equal(got.length, 1, 'the same token on both pages is given once');
  });

  test('lazily: a page is asked for only when the consumer has taken every item before it', async () => {
    const iter = hub.listAllAccessTokens(ORG, { pageSize: 1 });
    assert.deepEqual(pagesAsked(), [], 'nothing before the first pull');
    await iter.next();
    await hub.getAccessToken(ORG, seededIds()[0]); // a round trip in which an eager page 2 would show
    assert.deepEqual(pagesAsked(), [1], 'page 2 not fetched while the consumer holds page 1');
    await iter.next();
    await hub.getAccessToken(ORG, seededIds()[0]);
    assert.deepEqual(pagesAsked(), [1, 2]);
    await iter.return();
    await hub.getAccessToken(ORG, seededIds()[0]);
    assert.deepEqual(pagesAsked(), [1, 2], 'nothing after the loop is left');
  });

  test("timeoutMs bounds each page's fetch; the consumer's time between pages never counts", async () => {
    // The exact bound is proved on a fake clock in tests/c (pages_on_demand). Here: the consumer
    // holds each page twice as long as timeoutMs, and the pages still come; then a page that never
    // comes ends the loop with timeout, after the pages before it.
    const client = await world.client({ timeoutMs: 300 });
    await client.listAccessTokens(ORG); // signed in
    sb.resetRequests();
    const ids = [];
    for await (const t of client.listAllAccessTokens(ORG, { pageSize: 1 })) {
      ids.push(t.id);
      if (ids.length < 3) await new Promise((resolve) => setTimeout(resolve, 600));
      if (ids.length === 3) break;
    }
    assert.equal(ids.length, 3);
    assert.deepEqual(pagesAsked(), [1, 2, 3]);
    // One page held past the deadline: timeout, after the pages before it.
    sb.resetRequests();
    sb.faults([
      { method: 'GET', path: 'access-tokens$', delayMs: 1, times: 1 },
      { method: 'GET', path: 'access-tokens$', stall: true, times: 1 },
    ]);
    const seen = [];
    const err = await (async () => {
      for await (const t of client.listAllAccessTokens(ORG, { pageSize: 1 })) seen.push(t);
    })().then(
      () => null,
      (e) => e,
    );
    assert.equal(seen.length, 1);
    assert.equal(err?.code, 'timeout');
  });
});
