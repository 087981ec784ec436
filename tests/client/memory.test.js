// Flat memory: 10 000 mixed calls through the real WASM module against a local node:http server
// answering canned bodies, and the WASM heap (heapInUse(hub), from mallinfo) must come back
// to within 64 KiB of where it stood after a warm-up. The mix: successes of every operation
// (get, list, auto-pagination, create, update, delete; static token, credentials and token
// function clients), 4xx and 5xx answers, invalid bodies, bodies over maxResponseBytes, resets,
// aborts (before the start and in flight) and timeouts against a stalling answer. The slow kinds
// (timeouts, in-flight aborts) are a small share so the run stays well under 30 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import { tokenJson, pageJson, collectProcessFailures } from '../fixtures/hostile-server.js';
import { heapCount, heapInUse } from '../fixtures/heap.js';

const KiB = 1024;
const TOTAL_CALLS = 10000;
const BATCH = 50;
const WARM_UP_CALLS = 600;
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'acme-owner', exp: Math.floor(Date.now() / 1000) + 86400 })}.c2ln`;
const RESOURCES = [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }];

const CREATED_SECRET = 'dckr_oat_Mq7Zt2Vx9Lk4Rw8Np3Hs6Jd1Fg5Bc0Ye';
const failures = collectProcessFailures();
let server;
let base;
const stalled = new Set();

function send(res, status, body, headers = {}) {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': bytes.length,
    'x-ratelimit-limit': '600',
    'x-ratelimit-remaining': '599',
    'x-ratelimit-reset': '1900000000',
    ...headers,
  });
  res.end(bytes);
}

const LIST = pageJson({
  total: 10,
  results: Array.from({ length: 10 }, (_, i) =>
    (({ resources, ...t }) => t)(tokenJson({ id: `tok-${i}` })),
  ),
});
const BIG = JSON.stringify(tokenJson({ description: 'd'.repeat(80 * KiB) }));

/** The canned answer for each org name; the method decides among the successes. */
const ANSWERS = {
  ok: (req, res) => {
    if (req.method === 'POST')
      return send(res, 201, tokenJson({ token: 'dckr_oat_AbCdEfGhIjKlMnOpQrStUvWxYz012345' }));
    if (req.method === 'DELETE') {
      res.writeHead(204);
      return res.end();
    }
    if (/\/access-tokens\?/.test(req.url)) return send(res, 200, LIST);
    send(res, 200, tokenJson());
  },
  pages: (req, res) => {
    const page = Number(new URL(req.url, 'http://x').searchParams.get('page'));
    const item = (({ resources, ...t }) => t)(tokenJson({ id: `p-${page}` }));
    send(res, 200, {
      total: 3,
      next: page < 3 ? `${base}${req.url.replace(/page=\d+/, `page=${page + 1}`)}` : null,
      previous: null,
      results: [item],
    });
  },
  e400: (req, res) =>
    send(res, 400, {
      fields: { label: ['This field is required.'] },
      text: 'label: This field is required.',
    }),
  e401: (req, res) => send(res, 401, { message: 'bad token', errinfo: {} }),
  e403: (req, res) => send(res, 403, { detail: 'forbidden' }),
  e404: (req, res) => send(res, 404, { message: 'not found', errinfo: { id: 'x' } }),
  e409: (req, res) => send(res, 409, { message: 'conflict' }),
  e429: (req, res) =>
    send(res, 429, { detail: 'Rate limit exceeded', error: false }, { 'retry-after': '7' }),
  e500: (req, res) => send(res, 500, { message: 'boom' }),
  e502: (req, res) =>
    send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
      'content-type': 'text/html',
    }),
  badjson: (req, res) => send(res, 200, '{"id": "x", '),
  badtype: (req, res) => send(res, 200, tokenJson({ is_active: 'yes' })),
  badtotal: (req, res) => send(res, 200, '{"total": 1e400, "results": []}'),
  big: (req, res) => send(res, 200, BIG),
  reset: (req) => req.socket.destroy(),
  secretive: (req, res) => {
    if (req.method === 'POST') return send(res, 201, tokenJson({ token: CREATED_SECRET }));
    send(res, 200, tokenJson());
  },
  stall: (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
    res.flushHeaders();
    stalled.add(res);
    res.on('close', () => stalled.delete(res));
  },
};

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/v2/auth/token') {
      req.resume();
      return req.on('end', () => send(res, 200, { access_token: JWT }));
    }
    const org = /^\/v2\/orgs\/([^/?]+)/.exec(req.url)?.[1];
    const answer = ANSWERS[org];
    req.resume();
    req.on('end', () => (answer ? answer(req, res) : send(res, 500, { message: 'unknown case' })));
  });
  server.keepAliveTimeout = 60000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  failures.stop();
});

/**
 * The mix, as [kind, weight] (out of 100 per round): what each call does and the code it must give.
 * `slow` kinds wait on a timer; they are 4 in 100.
 */
function kinds(c) {
  const listAll = async (hub, org) => {
    const ids = [];
    for await (const t of hub.listAllAccessTokens(org, { pageSize: 1 })) ids.push(t.id);
    return ids;
  };
  const create = (hub, org, o) =>
    hub.createAccessToken(org, { label: 'ci', description: 'memory', resources: RESOURCES }, o);
  return [
    ['get ok', 15, null, () => c.static.getAccessToken('ok', 'tok-1')],
    ['list ok', 8, null, () => c.static.listAccessTokens('ok', { page: 2, pageSize: 10 })],
    ['list all (3 pages)', 4, null, () => listAll(c.static, 'pages')],
    ['create ok', 8, null, () => create(c.static, 'ok')],
    [
      'update ok',
      6,
      null,
      () => c.static.updateAccessToken('ok', 'tok-1', { label: 'new', is_active: false }),
    ],
    ['delete ok', 5, null, () => c.static.deleteAccessToken('ok', 'tok-1')],
    ['get ok (credentials)', 5, null, () => c.creds.getAccessToken('ok', 'tok-1')],
    ['get ok (token function)', 4, null, () => c.fn.getAccessToken('ok', 'tok-1')],
    ['with http info', 3, null, () => c.static.getAccessTokenWithHttpInfo('ok', 'tok-1')],
    ['400', 4, 'bad_request', () => create(c.static, 'e400')],
    ['401', 3, 'unauthorized', () => c.static.getAccessToken('e401', 'x')],
    [
      '401 (credentials: re-sign-in once)',
      2,
      'unauthorized',
      () => c.creds.getAccessToken('e401', 'x'),
    ],
    ['403', 2, 'forbidden', () => c.static.listAccessTokens('e403')],
    ['404', 4, 'not_found', () => c.static.deleteAccessToken('e404', 'x')],
    ['409', 2, 'conflict', () => create(c.static, 'e409')],
    ['429', 3, 'rate_limited', () => c.static.getAccessToken('e429', 'x')],
    ['500', 3, 'server_error', () => c.static.updateAccessToken('e500', 'x', { label: 'y' })],
    ['502 html', 2, 'server_error', () => c.static.getAccessToken('e502', 'x')],
    ['invalid JSON', 3, 'invalid_response', () => c.static.getAccessToken('badjson', 'x')],
    ['wrong type', 2, 'invalid_response', () => c.static.getAccessToken('badtype', 'x')],
    ['bad total', 2, 'invalid_response', () => c.static.listAccessTokens('badtotal')],
    ['over maxResponseBytes', 2, 'invalid_response', () => c.static.getAccessToken('big', 'x')],
    ['reset', 2, 'network', () => c.static.getAccessToken('reset', 'x')],
    [
      'invalid argument',
      1,
      'invalid_argument',
      () => c.static.getAccessToken('ok', 'bad id with spaces'),
    ],
    [
      'aborted before the start',
      1,
      'aborted',
      () => c.static.getAccessToken('ok', 'x', { signal: AbortSignal.abort() }),
    ],
    [
      'aborted in flight',
      2,
      'aborted',
      () => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 5);
        return c.static.getAccessToken('stall', 'x', { signal: ac.signal });
      },
      true,
    ],
    [
      'list all aborted in flight',
      1,
      'aborted',
      () => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 5);
        return (async () => {
          for await (const t of c.static.listAllAccessTokens('stall', { signal: ac.signal }))
            void t;
        })();
      },
      true,
    ],
    ['timeout', 1, 'timeout', () => c.quick.getAccessToken('stall', 'x'), true],
  ];
}

function schedule(table) {
  const round = [];
  for (const [name, weight, code, run, slow] of table)
    for (let i = 0; i < weight; i++) round.push({ name, code, run, slow });
  return round;
}

async function runCalls(round, n, onBatch) {
  const tally = new Map();
  for (let done = 0; done < n; done += BATCH) {
    const batch = [];
    for (let i = done; i < Math.min(n, done + BATCH); i++) {
      // A stride through the round, so each batch holds a spread of kinds.
      const k = round[(i * 37) % round.length];
      // Started synchronously (the C call is made before this returns), so the sample below
      // sees the whole batch in flight.
      batch.push(
        (async () => k.run())().then(
          () => ({ k, code: null }),
          (err) => ({
            k,
            code: err instanceof DockerHubError ? err.code : `not a DockerHubError: ${err}`,
          }),
        ),
      );
    }
    onBatch?.();
    for (const { k, code } of await Promise.all(batch)) {
      assert.equal(code, k.code, `${k.name}: expected ${k.code ?? 'success'}, got ${code}`);
      tally.set(k.name, (tally.get(k.name) ?? 0) + 1);
    }
    onBatch?.();
  }
  return tally;
}

test('10 000 mixed calls leave the WASM heap where it was (within 64 KiB)', async (t) => {
  const c = {};
  c.static = await createClient({
    baseUrl: base,
    token: JWT,
    maxRetries: 0,
    timeoutMs: 5000,
    maxResponseBytes: 64 * KiB,
  });
  c.creds = await createClient({
    baseUrl: base,
    credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
    maxRetries: 0,
    timeoutMs: 5000,
  });
  c.fn = await createClient({
    baseUrl: base,
    token: async () => JWT,
    maxRetries: 0,
    timeoutMs: 5000,
  });
  c.quick = await createClient({ baseUrl: base, token: JWT, maxRetries: 0, timeoutMs: 40 });
  try {
    const round = schedule(kinds(c));
    assert.equal(round.length, 100);
    const slowShare = round.filter((k) => k.slow).length / round.length;
    assert.ok(slowShare <= 0.05, `slow kinds are ${slowShare * 100}% of the mix`);

    const t0 = performance.now();
    await runCalls(round, WARM_UP_CALLS);
    const start = heapInUse(c.static);
    let peak = start;
    const sample = () => (peak = Math.max(peak, heapInUse(c.static)));
    const tally = await runCalls(round, TOTAL_CALLS, sample);
    // Every stalled answer's connection is gone once its call ended; let the last closes land.
    await new Promise((resolve) => setImmediate(resolve));
    const end = heapInUse(c.static);
    const ms = performance.now() - t0;

    t.diagnostic(
      `heap in use: start ${start} B, end ${end} B (${end - start >= 0 ? '+' : ''}${end - start} B), peak ${peak} B`,
    );
    t.diagnostic(
      `${TOTAL_CALLS} calls (+${WARM_UP_CALLS} warm-up) in ${Math.round(ms)} ms, batches of ${BATCH}`,
    );
    t.diagnostic(`mix: ${[...tally].map(([k, v]) => `${k} ${v}`).join(', ')}`);

    assert.equal(
      [...tally.values()].reduce((a, b) => a + b, 0),
      TOTAL_CALLS,
    );
    assert.ok(peak > start, 'calls in flight do hold heap (the measure sees them)');
    assert.ok(Math.abs(end - start) <= 64 * KiB, `heap moved by ${end - start} B`);
  } finally {
    for (const hub of Object.values(c)) hub.close();
  }
  assert.deepEqual(
    failures.seen.map(([kind, e]) => `${kind}: ${e?.stack ?? e}`),
    [],
  );
});

/** Every 8-byte run of `secret` outside a public dckr_oat_/dckr_pat_ prefix, with how many times
 * each stands in the heap of `hub`'s module; only the runs found. */
function runsInHeap(hub, secret) {
  const pub = /^dckr_(oat|pat)_/.test(secret) ? 9 : 0;
  const found = {};
  for (let k = 0; k + 8 <= secret.length; k++) {
    if (k + 8 <= pub) continue;
    const n = heapCount(hub, secret.slice(k, k + 8));
    if (n) found[secret.slice(k, k + 8)] = n;
  }
  return found;
}

test('secrets are zeroed before their memory is freed, and close() wipes what the client kept', async () => {
  // A module of its own (other bytes, another instance): nothing else ever lived in its heap.
  const wasm = await readFile(new URL('../../dist/dockerhub_oat.wasm', import.meta.url));
  const password = 'mEm0ry-pw-7f3a91c2-Qz'; // no word that the module's own strings hold ("password" is one)
  const fnJwt = `${JWT.slice(0, -4)}Zm4x`; // another JWT, from a token function
  const creds = await createClient({
    wasm,
    baseUrl: base,
    credentials: { identifier: 'acme-owner', secret: password },
    maxRetries: 0,
  });
  assert.equal(
    heapCount(creds, password),
    1,
    "one copy, the client's: the string copied in for createClient was zeroed",
  );
  const made = await creds.createAccessToken('secretive', { label: 'ci', resources: RESOURCES });
  assert.equal(made.token, CREATED_SECRET);
  await creds.getAccessToken('secretive', 'tok-1');
  assert.deepEqual(
    runsInHeap(creds, CREATED_SECRET),
    {},
    "the created token's value is nowhere in the heap once the call settled",
  );
  assert.equal(
    heapCount(creds, password),
    1,
    'the sign-in body was zeroed: one copy, kept for re-sign-in',
  );
  assert.equal(
    heapCount(creds, JWT),
    1,
    'one copy of the JWT: the Authorization headers sent were zeroed',
  );
  const fn = await createClient({ wasm, baseUrl: base, token: async () => fnJwt, maxRetries: 0 });
  await fn.getAccessToken('secretive', 'tok-1');
  assert.equal(heapCount(fn, fnJwt), 1);
  const probe = await createClient({ wasm, baseUrl: base }); // to look at the heap after both are closed
  creds.close();
  fn.close();
  assert.deepEqual(runsInHeap(probe, password), {}, 'close() zeroed the password');
  assert.deepEqual(runsInHeap(probe, JWT), {}, 'close() zeroed the JWT');
  assert.deepEqual(runsInHeap(probe, fnJwt), {}, "close() zeroed the token function's JWT");
  probe.close();
});
