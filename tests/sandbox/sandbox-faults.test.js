// Fault injection, rate limiting, request accounting, body limits and the request log.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSandbox, createSandboxHandler, FAULT_PRESETS } from '../../web/sandbox/index.js';
import { sandboxControl } from '../fixtures/sandbox-control.js';

async function api(sb, method, path, { token, body, raw, signal } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sb.url + path, {
    method,
    headers,
    signal,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function login(sb, identifier = 'acme-owner', secret = 'sandbox-password') {
  const r = await api(sb, 'POST', '/v2/auth/token', { body: { identifier, secret } });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

describe('faults', () => {
  let sb, owner;
  before(async () => {
    sb = await startSandbox({ port: 0 });
    owner = await login(sb);
  });
  after(() => sb.close());
  beforeEach(() => sb.clearFaults());
  const list = (opts = {}) =>
    api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner, ...opts });

  test('the next N matching requests get the given status, headers and body; then normal answers', async () => {
    assert.equal(
      sb.faults({
        method: 'GET',
        path: '/access-tokens$',
        times: 2,
        status: 503,
        headers: { 'retry-after': '3', 'x-extra': 'yes' },
        body: { message: 'down', errinfo: {} },
      }),
      1,
    );
    for (let i = 0; i < 2; i++) {
      const r = await list();
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '3');
      assert.equal(r.headers.get('x-extra'), 'yes');
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.deepEqual(r.json, { message: 'down', errinfo: {} });
      assert.ok(r.headers.get('x-ratelimit-limit'), 'rate-limit headers on faulted answers too');
    }
    assert.equal((await list()).status, 200);
  });

  test('only matching method and path are affected', async () => {
    sb.faults({ method: 'POST', path: '^/v2/orgs/acme/access-tokens$', status: 500 });
    assert.equal((await list()).status, 200, 'GET does not match');
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/globex/access-tokens', { token: owner })).status,
      403,
      'other path',
    );
    assert.equal(
      (await api(sb, 'POST', '/v2/orgs/acme/access-tokens', { token: owner, body: { label: 'f' } }))
        .status,
      500,
    );
    const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'f' },
    });
    assert.equal(r.status, 201);
    await api(sb, 'DELETE', `/v2/orgs/acme/access-tokens/${r.json.id}`, { token: owner });
  });

  test('a RegExp path, an array of specs, and the first match is used first', async () => {
    assert.equal(
      sb.faults([
        { path: /auth\/token/, status: 401, body: { message: 'nope', errinfo: {} } },
        { path: /auth\/token/, status: 429 },
      ]),
      2,
    );
    assert.equal(
      (
        await api(sb, 'POST', '/v2/auth/token', {
          body: { identifier: 'acme-owner', secret: 'sandbox-password' },
        })
      ).status,
      401,
    );
    const noBody = await api(sb, 'POST', '/v2/auth/token', {
      body: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    assert.equal(noBody.status, 429);
    assert.equal(noBody.text, '', 'a fault without a body answers an empty one');
    assert.equal(
      (
        await api(sb, 'POST', '/v2/auth/token', {
          body: { identifier: 'acme-owner', secret: 'sandbox-password' },
        })
      ).status,
      200,
    );
  });

  test('the html502 preset answers like a proxy: text/html, not JSON', async () => {
    sb.faults({ preset: 'html502' });
    const r = await list();
    assert.equal(r.status, 502);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /<html>[\s\S]*502 Bad Gateway/);
    assert.equal(r.json, undefined);
  });

  test('every preset answers and a spec overrides its preset', async () => {
    for (const name of Object.keys(FAULT_PRESETS)) {
      sb.faults({ preset: name, path: '/access-tokens$' });
      assert.equal((await list()).status, FAULT_PRESETS[name].status, name);
    }
    sb.faults({ preset: 'rate-limited', headers: { 'retry-after': '7' } });
    const r = await list();
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
    assert.deepEqual(r.json, { detail: 'Rate limit exceeded', error: false });
  });

  test('clearFaults drops pending faults', async () => {
    sb.faults({ status: 500, times: 5 });
    assert.equal(sb.pendingFaults().length, 1);
    sb.clearFaults();
    assert.equal(sb.pendingFaults().length, 0);
    assert.equal((await list()).status, 200);
  });

  test('a delay alone passes the request on after waiting', async () => {
    sb.faults({ delayMs: 60 });
    const t0 = performance.now();
    const r = await list();
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 >= 55, 'waited');
  });

  test('a delay longer than the client timeout makes the client time out', async () => {
    sb.faults({ delayMs: 5000, status: 200, body: {} });
    await assert.rejects(
      list({ signal: AbortSignal.timeout(50) }),
      (e) => e.name === 'TimeoutError',
    );
  });

  test('stall: the headers come, the body never does', async () => {
    sb.faults({ stall: true, status: 200, headers: { 'content-type': 'application/json' } });
    const ctl = new AbortController();
    const res = await fetch(`${sb.url}/v2/orgs/acme/access-tokens`, {
      headers: { authorization: `Bearer ${owner}` },
      signal: ctl.signal,
    });
    assert.equal(res.status, 200);
    const body = res.text();
    const outcome = await Promise.race([
      body.then(() => 'body'),
      new Promise((r) => setTimeout(r, 100, 'stalled')),
    ]);
    assert.equal(outcome, 'stalled');
    ctl.abort();
    await assert.rejects(body);
  });

  test('reset: headers and part of the body, then the connection is destroyed', async () => {
    sb.faults({
      reset: true,
      body: { total: 3, next: null, previous: null, results: [{ id: 'x'.repeat(200) }] },
    });
    const res = await fetch(`${sb.url}/v2/orgs/acme/access-tokens`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    assert.equal(res.status, 200);
    assert.ok(Number(res.headers.get('content-length')) > 200);
    await assert.rejects(res.text());
    assert.equal((await list()).status, 200, 'the next request is fine');
  });

  test('bad fault specs are refused', () => {
    assert.throws(() => sb.faults({ preset: 'nope' }), /preset/);
    assert.throws(() => sb.faults({ path: '(' }), /regular expression/);
    assert.throws(() => sb.faults({ status: 700 }), /status/);
    assert.throws(() => sb.faults({ times: 0, status: 500 }), /times/);
    assert.throws(() => sb.faults({ method: 'GET' }), /needs one of/);
    assert.throws(() => sb.faults({ stall: true, reset: true }), /both/);
    assert.throws(() => sb.faults({ statsu: 500 }), /unknown fault field/);
    assert.equal(sb.pendingFaults().length, 0);
  });

  test('POST /_sandbox/faults does the same over HTTP; DELETE clears', async () => {
    const ctl = sandboxControl(sb);
    const add = await ctl.addFaults([
      { method: 'GET', path: 'access-tokens', preset: 'html502', times: 2 },
    ]);
    assert.equal(add.added, 1);
    assert.equal(add.pending[0].times, 2);
    assert.equal((await list()).status, 502);
    assert.equal((await ctl.pendingFaults()).length, 1);
    await ctl.clearFaults();
    assert.equal((await list()).status, 200);
    const bad = await sb.control('POST', '/_sandbox/faults', { preset: 'nope' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /preset/);
    const malformed = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      headers: sb.controlHeaders(),
      body: '{',
    });
    assert.equal(malformed.status, 400);
    assert.equal((await sb.control('GET', '/_sandbox/nothing')).status, 404);
  });
});

describe('control routes off loopback', () => {
  test('a request from another address gets 403 and adds no fault', async () => {
    const h = createSandboxHandler({});
    // Pretend the peer is remote: the check reads the socket's remote address.
    const server = http.createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', {
        value: '192.0.2.10',
        configurable: true,
      });
      void h.handle(req, res); // handle() answers its own failures
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${server.address().port}`;
      const headers = { 'content-type': 'application/json', 'x-sandbox-token': h.controlToken };
      const r = await fetch(`${url}/_sandbox/faults`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ status: 500 }),
      });
      assert.equal(r.status, 403, 'even with the right token');
      assert.equal(h.faults.list().length, 0);
      assert.equal((await fetch(`${url}/_sandbox/requests`, { headers })).status, 403);
    } finally {
      h.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('rate limiting', () => {
  let sb;
  let nowMs = Date.parse('2026-03-18T21:15:00.000Z');
  before(async () => {
    sb = await startSandbox({ port: 0, rateLimit: 3, now: () => nowMs });
  });
  after(() => sb.close());

  test('X-RateLimit-* on every response; 429 with Retry-After over the limit; a new window resets', async () => {
    const reset = String(Math.ceil((nowMs + 60_000) / 1000));
    const seen = [];
    for (const [m, p] of [
      ['GET', '/v2/orgs/acme/access-tokens'],
      ['POST', '/v2/auth/token'],
      ['GET', '/nowhere'],
    ]) {
      const r = await api(sb, m, p, { body: m === 'POST' ? {} : undefined });
      assert.notEqual(r.status, 429);
      assert.equal(r.headers.get('x-ratelimit-limit'), '3');
      assert.equal(r.headers.get('x-ratelimit-reset'), reset);
      seen.push(r.headers.get('x-ratelimit-remaining'));
    }
    assert.deepEqual(seen, ['2', '1', '0']);
    nowMs += 20_000;
    const r = await api(sb, 'POST', '/v2/auth/token', {
      body: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    assert.equal(r.status, 429);
    assert.deepEqual(r.json, { detail: 'Rate limit exceeded', error: false });
    assert.equal(r.headers.get('retry-after'), '40');
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(r.headers.get('x-ratelimit-limit'), '3');
    nowMs += 40_000;
    const ok = await api(sb, 'POST', '/v2/auth/token', {
      body: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-ratelimit-remaining'), '2');
  });

  test('the default limit is high: 600 per minute', async () => {
    const d = await startSandbox({ port: 0 });
    try {
      const r = await api(d, 'GET', '/v2/orgs/acme/access-tokens');
      assert.equal(r.headers.get('x-ratelimit-limit'), '600');
      assert.equal(r.headers.get('x-ratelimit-remaining'), '599');
      assert.ok(
        Math.abs(Number(r.headers.get('x-ratelimit-reset')) - (Date.now() / 1000 + 60)) < 5,
      );
    } finally {
      await d.close();
    }
  });
});

describe('request accounting', () => {
  let sb;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());

  test('requests holds {method, path, query} and, on a sign-in, who signed in (never a secret); counts per route; resetRequests clears both in place', async () => {
    const owner = await login(sb);
    await api(sb, 'GET', '/v2/orgs/acme/access-tokens?page=2&page_size=1', { token: owner });
    await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner });
    await api(sb, 'DELETE', '/v2/orgs/acme/access-tokens/00000000-0000-4000-8000-000000000000', {
      token: owner,
    });
    const ctl = sandboxControl(sb);
    await ctl.addFaults({ status: 500, path: 'never-matches' });
    const reqs = sb.requests;
    assert.deepEqual(reqs, [
      {
        method: 'POST',
        path: '/v2/auth/token',
        query: {},
        signedIn: { kind: 'password', sub: 'acme-owner' },
      },
      { method: 'GET', path: '/v2/orgs/acme/access-tokens', query: { page: '2', page_size: '1' } },
      { method: 'GET', path: '/v2/orgs/acme/access-tokens', query: {} },
      {
        method: 'DELETE',
        path: '/v2/orgs/acme/access-tokens/00000000-0000-4000-8000-000000000000',
        query: {},
      },
    ]);
    assert.ok(!JSON.stringify(reqs).includes(owner), 'no JWT recorded');
    assert.deepEqual(
      { ...sb.counts },
      {
        'POST /v2/auth/token': 1,
        'GET /v2/orgs/{name}/access-tokens': 2,
        'DELETE /v2/orgs/{org_name}/access-tokens/{access_token_id}': 1,
      },
    );
    const over = await ctl.requests();
    assert.equal(over.requests.length, 4);
    sb.resetRequests();
    assert.equal(reqs.length, 0, 'same array, emptied');
    assert.deepEqual({ ...sb.counts }, {});
    await api(sb, 'GET', '/v2/orgs/acme/access-tokens');
    assert.equal(reqs.length, 1);
    await ctl.resetRequests();
    assert.equal(sb.requests.length, 0);
  });

  test('faulted and rate-limited requests are counted too', async () => {
    sb.resetRequests();
    sb.faults({ preset: 'html502', times: 2 });
    await api(sb, 'GET', '/v2/orgs/acme/access-tokens');
    await api(sb, 'GET', '/v2/orgs/acme/access-tokens');
    assert.equal(sb.counts['GET /v2/orgs/{name}/access-tokens'], 2);
  });
});

describe('bodies and the request log', () => {
  test('a body over 1 MiB: 413', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const owner = await login(sb);
      const big = JSON.stringify({ label: 'x', description: 'y'.repeat(1024 * 1024) });
      const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', { token: owner, raw: big });
      assert.equal(r.status, 413);
      const ok = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
        token: owner,
        raw: JSON.stringify({ label: 'x', description: 'y'.repeat(1000) }),
      });
      assert.equal(ok.status, 400, 'just under: validated normally (description too long)');
      const login413 = await api(sb, 'POST', '/v2/auth/token', {
        raw: `{"identifier":"${'a'.repeat(1024 * 1024)}"}`,
      });
      assert.equal(login413.status, 413);
    } finally {
      await sb.close();
    }
  });

  test('one line per request with method, path, status and ms; never a secret', async () => {
    const lines = [];
    const sb = await startSandbox({ port: 0, log: (l) => lines.push(l) });
    try {
      const pat = sb.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
      const oat = sb.credentials.tokens.find(
        (t) => t.status === 'active' && t.org === 'acme',
      ).secret;
      const jwts = [
        await login(sb),
        await login(sb, 'acme-owner', pat),
        await login(sb, 'acme', oat),
      ];
      await api(sb, 'POST', '/v2/users/login', {
        body: { username: 'acme-owner', password: 'sandbox-password' },
      });
      const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens?secret=sandbox-password', {
        token: jwts[0],
        body: { label: 'logged' },
      });
      await api(sb, 'GET', `/v2/orgs/acme/access-tokens?token=${jwts[1]}`, { token: jwts[1] });
      await api(sb, 'POST', '/v2/auth/token', {
        body: { identifier: 'acme', secret: c.json.token },
      });
      await sb.close();
      assert.equal(lines.length, 7);
      for (const l of lines) assert.match(l, /^(GET|POST) \/\S* \d{3} \d+\.\dms$/);
      assert.match(lines[4], /^POST \/v2\/orgs\/acme\/access-tokens 201 /);
      const all = lines.join('\n');
      for (const s of ['sandbox-password', pat, oat, c.json.token, ...jwts, 'Bearer', 'dckr_']) {
        assert.ok(!all.includes(s), `log shows ${s.slice(0, 12)}`);
      }
    } finally {
      await sb.close();
    }
  });

  test('the JS API logs nothing by default', async () => {
    const orig = process.stderr.write;
    const out = [];
    process.stderr.write = (chunk) => {
      out.push(String(chunk));
      return true;
    };
    try {
      const sb = await startSandbox({ port: 0 });
      await api(sb, 'GET', '/v2/orgs/acme/access-tokens');
      await sb.close();
    } finally {
      process.stderr.write = orig;
    }
    assert.deepEqual(out, []);
  });
});

describe('listening address', () => {
  test('warns loudly on stderr when not on loopback', async () => {
    const orig = process.stderr.write;
    const out = [];
    process.stderr.write = (chunk) => {
      out.push(String(chunk));
      return true;
    };
    let sb;
    try {
      sb = await startSandbox({ port: 0, host: '0.0.0.0' });
    } finally {
      process.stderr.write = orig;
    }
    try {
      assert.match(out.join(''), /WARNING[\s\S]*0\.0\.0\.0/);
      assert.equal((await fetch(`${sb.url}/v2/orgs/acme/access-tokens`)).status, 401);
    } finally {
      await sb.close();
    }
  });

  test('no warning on loopback', async () => {
    const orig = process.stderr.write;
    const out = [];
    process.stderr.write = (chunk) => {
      out.push(String(chunk));
      return true;
    };
    try {
      const sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      await sb.close();
    } finally {
      process.stderr.write = orig;
    }
    assert.equal(out.join(''), '');
  });
});
