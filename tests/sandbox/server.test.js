// web/server.js alone: security headers, the allow-list, traversal, the sandbox's control routes,
// and the /v2/ proxy against a fake upstream on 127.0.0.1 (never an open proxy).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import fc from 'fast-check';
import { startServer, parseUpstream, CSP } from '../../web/server.js';
import { FAULT_PRESETS } from '../../web/sandbox/index.js';
import { raw } from '../fixtures/raw-request.js';
import { sandboxControl } from '../fixtures/sandbox-control.js';

function assertSecurityHeaders(res, what) {
  assert.equal(res.headers['content-security-policy'], CSP, `CSP on ${what}`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `nosniff on ${what}`);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', `no-referrer on ${what}`);
}

/** A fake HTTP server that records what reaches it. */
async function recorder(answer) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    requests,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

const NOT_SERVED = [
  '/package.json',
  '/README.md',
  '/server.js',
  '/web/server.js',
  '/web/dashboard/app.js',
  '/dashboard/app.js',
  '/bindings/index.d.ts',
  '/src/wasm/wasm_exports.c',
  '/bindings/index.node.js',
  '/src/wasm/pre.js',
  '/bindings/cli/handover.js',
  '/bindings/tools/',
  '/bindings/wasm_exports.c',
  '/bindings/pre.js',
  '/bindings/',
  '/bindings',
  '/dist/',
  '/dist/other.wasm',
  '/sandbox/server.js',
  '/web/sandbox/index.js',
  '/.git/config',
  '/node_modules/playwright-core/package.json',
  '/index.htm',
  '/APP.JS',
];

const TRAVERSALS = [
  '/../package.json',
  '/bindings/../package.json',
  '/bindings/../../../../etc/passwd',
  '/dist/../web/server.js',
  '/%2e%2e/package.json',
  '/bindings/%2e%2e/package.json',
  '/bindings/%2E%2E/web/server.js',
  '/bindings/..%2fpackage.json',
  '/bindings/..%2Fweb%2Fserver.js',
  '/bindings/..%5cpackage.json',
  '/bindings\\..\\package.json',
  '/./app.js',
  '//etc/passwd',
  '/bindings/%252e%252e/package.json',
  '/bindings/index.web.js%00.png',
  '/v2/../package.json',
  '/v2/%2e%2e/%2e%2e/package.json',
];

describe('dashboard server: files and headers', () => {
  let srv;
  before(async () => {
    srv = await startServer({ port: 0 });
  });
  after(() => srv.close());

  test('listens on loopback, with the sandbox mounted', () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(srv.sandbox);
    assert.equal(srv.upstream, null);
  });

  test('the page: HTML, strict CSP, nosniff, no-referrer, no-store', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await raw(srv.url, { path });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.headers['cache-control'], 'no-store');
      assertSecurityHeaders(res, path);
      assert.match(res.body, /<script type="module" src="\/app.js"><\/script>/);
      assert.doesNotMatch(
        res.body,
        /<script>|<style>| style=| on[a-z]+=/i,
        'no inline script, style or handler',
      );
    }
  });

  test('serves the dashboard, /bindings/*.js, /bindings/tools/*.js and /dist/* with the right types', async () => {
    const expect = {
      '/app.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/bindings/index.web.js': 'text/javascript; charset=utf-8',
      '/bindings/client.js': 'text/javascript; charset=utf-8',
      '/bindings/errors.js': 'text/javascript; charset=utf-8',
      '/bindings/scopes.js': 'text/javascript; charset=utf-8',
      '/bindings/xhr.js': 'text/javascript; charset=utf-8',
      '/bindings/tools/audit.js': 'text/javascript; charset=utf-8',
      '/bindings/tools/plan.js': 'text/javascript; charset=utf-8',
      '/dist/dockerhub_oat.mjs': 'text/javascript; charset=utf-8',
      '/dist/dockerhub_oat.wasm': 'application/wasm',
    };
    for (const [path, type] of Object.entries(expect)) {
      const res = await raw(srv.url, { path });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
      assertSecurityHeaders(res, path);
    }
    const head = await raw(srv.url, { method: 'HEAD', path: '/app.js' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('nothing outside the allow-list is served', async () => {
    for (const path of NOT_SERVED) {
      const res = await raw(srv.url, { path });
      assert.equal(res.status, 404, path);
      assertSecurityHeaders(res, path);
    }
  });

  test('traversal and encoded tricks are refused, never resolved', async () => {
    for (const path of TRAVERSALS) {
      const res = await raw(srv.url, { path });
      assert.ok(res.status === 400 || res.status === 404, `${path} -> ${res.status}`);
      assert.doesNotMatch(res.body, /"name": "dockerhub-oat"|root:x:0|startServer|<html/, path);
      assertSecurityHeaders(res, path);
    }
  });

  test('only GET and HEAD for files', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await raw(srv.url, { method, path: '/' });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
    }
  });

  test('refuses absolute-form request targets', async () => {
    const res = await raw(srv.url, { path: 'http://example.com/v2/auth/token' });
    assert.equal(res.status, 400);
  });

  test('/v2/ reaches the sandbox, under the same headers', async () => {
    const res = await raw(srv.url, {
      method: 'POST',
      path: '/v2/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'acme-owner', secret: 'sandbox-password' }),
    });
    assert.equal(res.status, 200);
    assert.match(JSON.parse(res.body).access_token, /^eyJ/);
    assertSecurityHeaders(res, '/v2/auth/token');
  });

  test('the /_sandbox control routes answer on a loopback server, with the control token only', async () => {
    assert.equal(srv.controlToken, srv.sandbox.controlToken);
    assert.equal((await raw(srv.url, { path: '/_sandbox/requests' })).status, 401);
    const text = await raw(srv.url, {
      method: 'POST',
      path: '/_sandbox/faults',
      body: '{"status":500}',
      headers: { 'content-type': 'text/plain', 'x-sandbox-token': srv.controlToken },
    });
    assert.equal(text.status, 415);
    assert.deepEqual(srv.sandbox.faults.list(), []);
    const ctl = sandboxControl(srv);
    assert.ok(Array.isArray((await ctl.requests()).requests));
    assert.ok((await ctl.state()).orgs.some((o) => o.name === 'acme'));
  });

  test('a Host that does not name this server (DNS rebinding) is refused on every path', async () => {
    const allowed = [`127.0.0.1:${srv.port}`, `localhost:${srv.port}`, `[::1]:${srv.port}`];
    for (const host of allowed)
      assert.equal((await raw(srv.url, { path: '/', headers: { host } })).status, 200, host);
    srv.sandbox.resetRequests();
    const hosts = fc.oneof(
      fc.domain(),
      fc.domain().map((d) => `${d}:${srv.port}`),
      fc.constantFrom(
        `evil.test:${srv.port}`,
        `localhost:${srv.port + 1}`,
        `127.0.0.2:${srv.port}`,
        'localhost',
        `localhost.:${srv.port}`,
      ),
    );
    const paths = fc.constantFrom(
      ['GET', '/'],
      ['GET', '/app.js'],
      ['GET', '/dist/dockerhub_oat.wasm'],
      ['POST', '/v2/auth/token'],
      ['GET', '/v2/orgs/acme/access-tokens'],
      ['GET', '/_sandbox/requests'],
      ['POST', '/_sandbox/faults'],
      ['GET', '/nowhere'],
    );
    await fc.assert(
      fc.asyncProperty(hosts, paths, async (host, [method, path]) => {
        const res = await raw(srv.url, {
          method,
          path,
          body:
            method === 'POST'
              ? '{"status":500,"identifier":"acme-owner","secret":"sandbox-password"}'
              : undefined,
          headers: {
            host,
            'content-type': 'application/json',
            'x-sandbox-token': srv.controlToken,
          },
        });
        assert.equal(res.status, 403, `${method} ${path} Host ${host}`);
        assert.match(res.body, /Host header/);
        assertSecurityHeaders(res, 'a 403');
      }),
      { numRuns: 50 },
    );
    assert.deepEqual(srv.sandbox.requests, [], 'nothing reached the sandbox');
    assert.deepEqual(srv.sandbox.faults.list(), []);
  });

  test('a fault cannot set or join our security headers on this origin; every faulted answer keeps them', async () => {
    const ctl = sandboxControl(srv);
    for (const headers of [
      { 'content-security-policy': "script-src * 'unsafe-inline'" },
      { 'Access-Control-Allow-Origin': '*' },
      { 'x-content-type-options': 'sniff' },
      { 'cross-origin-resource-policy': 'cross-origin' },
      { 'content-type': 'text/javascript' },
    ]) {
      await assert.rejects(
        ctl.addFaults({ path: '^/v2/', status: 200, body: '<script>alert(1)</script>', headers }),
        /HTTP 400/,
      );
    }
    assert.deepEqual(srv.sandbox.faults.list(), []);
    for (const preset of Object.keys(FAULT_PRESETS)) {
      await ctl.addFaults({ path: '^/v2/orgs/', preset });
      const res = await raw(srv.url, { path: '/v2/orgs/acme/access-tokens' });
      assert.equal(res.status, FAULT_PRESETS[preset].status, preset);
      assertSecurityHeaders(res, preset);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.match(res.headers['content-type'], /^(application\/json|text\/plain|text\/html)/);
    }
  });
});

describe('dashboard server: listening beyond loopback', () => {
  let srv;
  const warnings = [];
  before(async () => {
    srv = await startServer({ port: 0, host: '0.0.0.0', warn: (t) => warnings.push(t) });
  });
  after(() => srv.close());

  test('warns loudly', () => {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /WARNING.*not on loopback/);
  });

  test('the /_sandbox control routes are not exposed, even to loopback callers', async () => {
    for (const [method, path] of [
      ['GET', '/_sandbox/requests'],
      ['POST', '/_sandbox/faults'],
      ['GET', '/_sandbox'],
    ]) {
      const res = await raw(srv.url, {
        method,
        path,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{"status":500}' : undefined,
      });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    assert.deepEqual(srv.sandbox.faults.list(), [], 'no fault was added');
  });

  test('a caller on another interface cannot reach /_sandbox either', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return t.skip('this machine has no non-loopback IPv4 address');
    const res = await raw(`http://${external.address}:${srv.port}`, { path: '/_sandbox/requests' });
    assert.equal(res.status, 404);
  });

  test('the dashboard and the sandbox API still work', async () => {
    assert.equal((await raw(srv.url, { path: '/' })).status, 200);
    const res = await raw(srv.url, {
      method: 'POST',
      path: '/v2/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'acme-owner', secret: 'sandbox-password' }),
    });
    assert.equal(res.status, 200);
  });
});

describe('dashboard server: --upstream proxy', () => {
  let upstream;
  let evil;
  let srv;
  const logLines = [];
  before(async () => {
    upstream = await recorder((req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': 'session=upstream; Path=/',
        'x-ratelimit-limit': '180',
        connection: 'close, x-hop',
        'x-hop': 'hop-by-hop',
        'content-security-policy': 'default-src *',
        'x-content-type-options': 'sniff',
        'cross-origin-resource-policy': 'cross-origin',
        'cross-origin-opener-policy': 'unsafe-none',
        'referrer-policy': 'unsafe-url',
        'x-frame-options': 'ALLOWALL',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'authorization',
      });
      res.end(JSON.stringify({ from: 'upstream', url: req.url }));
    });
    evil = await recorder((req, res) => res.end('evil'));
    srv = await startServer({ port: 0, upstream: upstream.url, log: (l) => logLines.push(l) });
  });
  after(async () => {
    await srv.close();
    await upstream.close();
    await evil.close();
  });

  test('no sandbox is mounted', () => {
    assert.equal(srv.sandbox, null);
    assert.equal(srv.upstream, upstream.url);
  });

  test('forwards /v2/ with path and query to the upstream only, minus hop-by-hop and browser headers', async () => {
    const res = await raw(srv.url, {
      path: '/v2/orgs/acme/access-tokens?page=2&page_size=10',
      headers: {
        authorization: 'Bearer eyJsecret.jwt.value',
        cookie: 'dashboard=1',
        connection: 'keep-alive, x-private',
        'x-private': 'only-for-the-next-hop',
        'x-forwarded-for': '203.0.113.9',
        origin: 'http://evil.example',
        referer: 'http://evil.example/page',
        'proxy-authorization': 'Basic abc',
        host: `localhost:${srv.port}`,
        accept: 'application/json',
      },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), {
      from: 'upstream',
      url: '/v2/orgs/acme/access-tokens?page=2&page_size=10',
    });
    assert.equal(upstream.requests.length, 1);
    const got = upstream.requests[0];
    assert.equal(got.method, 'GET');
    assert.equal(got.url, '/v2/orgs/acme/access-tokens?page=2&page_size=10');
    assert.equal(
      got.headers.host,
      new URL(upstream.url).host,
      'Host is the upstream, never taken from the request',
    );
    assert.equal(got.headers.authorization, 'Bearer eyJsecret.jwt.value');
    assert.equal(got.headers.accept, 'application/json');
    for (const name of [
      'cookie',
      'x-private',
      'x-forwarded-for',
      'origin',
      'referer',
      'proxy-authorization',
    ]) {
      assert.equal(got.headers[name], undefined, `${name} is not forwarded`);
    }
    assert.equal(evil.requests.length, 0);
    // The answer: upstream's data, our security headers, none of its cookies or hop-by-hop headers.
    assert.equal(res.headers['x-ratelimit-limit'], '180');
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal(res.headers['x-hop'], undefined);
    assertSecurityHeaders(res, 'a proxied answer');
  });

  test("our security headers win over the upstream's, none is joined, and its CORS headers are dropped", async () => {
    const res = await raw(srv.url, { path: '/v2/orgs/acme/access-tokens' });
    assert.equal(res.status, 200);
    assertSecurityHeaders(res, 'a proxied answer');
    assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    for (const name of Object.keys(res.headers))
      assert.ok(!name.startsWith('access-control-'), `${name} reached the browser`);
    assert.equal(res.headers['content-type'], 'application/json', 'ordinary headers still pass');
  });

  test('a request with a foreign Host reaches neither the upstream nor anything else', async () => {
    const before = upstream.requests.length;
    const res = await raw(srv.url, {
      path: '/v2/orgs/acme/access-tokens',
      headers: { host: `evil.test:${srv.port}`, authorization: 'Bearer eyJx' },
    });
    assert.equal(res.status, 403);
    assert.equal(upstream.requests.length, before);
  });

  test('forwards a POST body as it is', async () => {
    const body = JSON.stringify({ identifier: 'someone', secret: 'dckr_pat_do-not-log' });
    const res = await raw(srv.url, {
      method: 'POST',
      path: '/v2/auth/token',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 200);
    const got = upstream.requests.at(-1);
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/v2/auth/token');
    assert.equal(got.body, body);
  });

  test('forwards nothing but /v2/, and never to another host', async () => {
    const before = upstream.requests.length;
    const evilPort = new URL(evil.url).port;
    const cases = [
      ['/v3/orgs', [404]],
      ['/v2', [404]],
      ['/v1/repositories/x', [404]],
      ['/_sandbox/faults', [404]],
      ['/users/login', [404]],
      ['/v2/../package.json', [400]],
      ['/v2/%2e%2e/%2e%2e/etc/passwd', [400]],
      ['/v2/..%2f..%2fadmin', [400]],
      [`http://127.0.0.1:${evilPort}/v2/orgs`, [400]],
      [`//127.0.0.1:${evilPort}/v2/orgs`, [400]],
      [`127.0.0.1:${evilPort}`, [400]],
    ];
    for (const [path, statuses] of cases) {
      const res = await raw(srv.url, { path, headers: { host: `localhost:${srv.port}` } });
      assert.ok(statuses.includes(res.status), `${path} -> ${res.status}`);
    }
    const connect = await raw(srv.url, { method: 'CONNECT', path: `127.0.0.1:${evilPort}` }).catch(
      () => ({ status: 0 }),
    );
    assert.notEqual(connect.status, 200, 'CONNECT does not tunnel');
    assert.equal(upstream.requests.length, before, 'none of these reached the upstream');
    assert.equal(evil.requests.length, 0, 'nothing reached another host');
    assert.equal(
      (await raw(srv.url, { path: '/' })).status,
      200,
      'the dashboard is still served locally',
    );
  });

  test('the log has method, path and status only: no query, header or body', () => {
    const log = logLines.join('\n');
    assert.match(log, /GET \/v2\/orgs\/acme\/access-tokens 200/);
    for (const secret of [
      'Bearer',
      'eyJsecret',
      'page=2',
      'dckr_pat_do-not-log',
      'authorization',
    ]) {
      assert.ok(!log.includes(secret), `the log holds ${secret}`);
    }
  });

  test('an unreachable upstream answers 502 in JSON', async () => {
    const dead = await recorder(() => {});
    const deadUrl = dead.url;
    await dead.close();
    const s = await startServer({ port: 0, upstream: deadUrl });
    try {
      const res = await raw(s.url, { path: '/v2/orgs/acme/access-tokens' });
      assert.equal(res.status, 502);
      assert.match(JSON.parse(res.body).message, /could not be reached/);
      assertSecurityHeaders(res, 'a 502');
    } finally {
      await s.close();
    }
  });

  test('--upstream takes an http(s) origin only', () => {
    assert.equal(parseUpstream('https://hub.docker.com').origin, 'https://hub.docker.com');
    assert.equal(parseUpstream('https://hub.docker.com/').origin, 'https://hub.docker.com');
    for (const bad of [
      'hub.docker.com',
      'ftp://hub.docker.com',
      'https://hub.docker.com/v2/',
      'https://u:p@hub.docker.com',
      'https://hub.docker.com/?x=1',
      'file:///etc/passwd',
      'not a url',
    ]) {
      assert.throws(() => parseUpstream(bad), /upstream/, bad);
    }
  });
});
