// The sandbox's control plane and its Host check, tried as an attacker would (issue 11, defect 3),
// the rate-limit styles of Docker Hub (issue 12), and what a fault may and may not change.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { startSandbox, FAULT_PRESETS, PROTECTED_HEADERS } from '../../web/sandbox/index.js';
import { raw } from '../fixtures/raw-request.js';
import { sandboxControl } from '../fixtures/sandbox-control.js';

async function login(sb, identifier = 'acme-owner', secret = 'sandbox-password') {
  const r = await raw(sb.url, {
    method: 'POST',
    path: '/v2/auth/token',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, secret }),
  });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

const CONTROL_ROUTES = [
  ['POST', '/_sandbox/faults'],
  ['GET', '/_sandbox/faults'],
  ['DELETE', '/_sandbox/faults'],
  ['GET', '/_sandbox/requests'],
  ['DELETE', '/_sandbox/requests'],
  ['GET', '/_sandbox/state'],
];
const FAULT = JSON.stringify({ status: 500, body: { message: 'injected' } });

describe('control token', () => {
  let sb;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.clearFaults();
    sb.resetRequests();
  });

  test('is random per start, long, and offered with a helper that sets the headers', async () => {
    const other = await startSandbox({ port: 0 });
    try {
      assert.match(sb.controlToken, /^[A-Za-z0-9_-]{32,}$/);
      assert.notEqual(sb.controlToken, other.controlToken);
      assert.deepEqual(sb.controlHeaders(), {
        'x-sandbox-token': sb.controlToken,
        'content-type': 'application/json',
      });
      const r = await sb.control('POST', '/_sandbox/faults', { status: 500 });
      assert.equal(r.status, 201);
      assert.equal(r.body.added, 1);
      assert.equal(sb.pendingFaults().length, 1);
      // The other sandbox's token opens nothing here.
      const wrong = await raw(sb.url, {
        method: 'DELETE',
        path: '/_sandbox/faults',
        headers: { 'x-sandbox-token': other.controlToken },
      });
      assert.equal(wrong.status, 401);
      assert.equal(sb.pendingFaults().length, 1);
    } finally {
      await other.close();
    }
  });

  test('every control route refuses a request without the token, or with a wrong one, and changes nothing', async () => {
    sb.faults({ status: 503, path: 'never-matches' });
    const wrongTokens = [
      undefined,
      '',
      'x',
      sb.controlToken.slice(0, -1),
      `${sb.controlToken}x`,
      sb.controlToken.toUpperCase(),
    ];
    for (const [method, path] of CONTROL_ROUTES) {
      for (const token of wrongTokens) {
        const headers = { 'content-type': 'application/json' };
        if (token !== undefined) headers['x-sandbox-token'] = token;
        const r = await raw(sb.url, {
          method,
          path,
          headers,
          body: method === 'POST' ? FAULT : undefined,
        });
        assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(token?.slice(0, 4))}`);
        assert.match(r.json.message, /X-Sandbox-Token/);
        assert.ok(!r.text.includes(sb.controlToken), 'the answer never shows the token');
        assert.equal(r.json.requests, undefined, 'nothing was read');
      }
    }
    assert.equal(sb.pendingFaults().length, 1, 'no fault added or cleared');
    assert.equal(sb.pendingFaults()[0].status, 503);
  });

  test('the token in the query or as a bearer does not count', async () => {
    for (const r of [
      await raw(sb.url, { path: `/_sandbox/requests?token=${sb.controlToken}` }),
      await raw(sb.url, {
        path: '/_sandbox/requests',
        headers: { authorization: `Bearer ${sb.controlToken}` },
      }),
    ])
      assert.equal(r.status, 401);
  });

  test('JSON only: a cross-site "simple" POST (text/plain, form, none) is refused even with the token', async () => {
    for (const type of [
      undefined,
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      'text/json',
      'application/json-seq',
    ]) {
      const headers = { 'x-sandbox-token': sb.controlToken };
      if (type) headers['content-type'] = type;
      const r = await raw(sb.url, {
        method: 'POST',
        path: '/_sandbox/faults',
        headers,
        body: FAULT,
      });
      assert.equal(r.status, 415, String(type));
      assert.match(r.json.message, /application\/json/);
    }
    assert.equal(sb.pendingFaults().length, 0);
    const ok = await raw(sb.url, {
      method: 'POST',
      path: '/_sandbox/faults',
      headers: {
        'x-sandbox-token': sb.controlToken,
        'content-type': 'Application/JSON; charset=utf-8',
      },
      body: FAULT,
    });
    assert.equal(ok.status, 201);
  });

  test('GET /_sandbox/state shows the world with hashes only; the helper drives every route', async () => {
    const ctl = sandboxControl(sb);
    const state = await ctl.state();
    assert.ok(state.orgs.some((o) => o.name === 'acme'));
    assert.doesNotMatch(JSON.stringify(state), /dckr_oat_|dckr_pat_|sandbox-password/);
    assert.equal((await ctl.addFaults([{ status: 500 }, { status: 502 }])).added, 2);
    assert.equal((await ctl.pendingFaults()).length, 2);
    await ctl.clearFaults();
    assert.deepEqual(await ctl.pendingFaults(), []);
    await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
    assert.deepEqual((await ctl.requests()).requests, [
      { method: 'GET', path: '/v2/orgs/acme/access-tokens', query: {} },
    ]);
    await ctl.resetRequests();
    assert.deepEqual((await ctl.requests()).requests, []);
  });
});

describe('Host check', () => {
  let sb;
  let owner;
  before(async () => {
    sb = await startSandbox({
      port: 0,
      seed: {
        orgs: [{ name: 'bigcorp', plan: 'business', owners: ['acme-owner'], generateTokens: 5 }],
      },
    });
    owner = await login(sb);
  });
  after(() => sb.close());

  const allowed = () => [
    `127.0.0.1:${sb.port}`,
    `localhost:${sb.port}`,
    `LocalHost:${sb.port}`,
    `[::1]:${sb.port}`,
  ];

  test('loopback names with the right port are served', async () => {
    for (const host of allowed()) {
      const r = await raw(sb.url, {
        path: '/v2/orgs/acme/access-tokens',
        headers: { host, authorization: `Bearer ${owner}` },
      });
      assert.equal(r.status, 200, host);
      const c = await raw(sb.url, {
        path: '/_sandbox/requests',
        headers: { host, 'x-sandbox-token': sb.controlToken },
      });
      assert.equal(c.status, 200, host);
    }
  });

  test('any other Host (DNS rebinding) is refused on every route, before anything happens', async () => {
    const hosts = fc
      .oneof(
        fc.domain(),
        fc.domain().map((d) => `${d}:${sb.port}`),
        fc.constantFrom(
          'evil.example',
          `evil.test:${sb.port}`,
          `localhost:${sb.port + 1}`,
          `127.0.0.1:${sb.port}0`,
          `127.0.0.2:${sb.port}`,
          `localhost.:${sb.port}`,
          `localhost:${sb.port}@evil.test`,
          'localhost',
          '127.0.0.1',
          `[::1]:${sb.port + 1}`,
          `0.0.0.0:${sb.port}`,
          `localhost.evil.test:${sb.port}`,
          `${sb.port}`,
          ':',
        ),
      )
      .filter(
        (h) =>
          !allowed()
            .map((a) => a.toLowerCase())
            .includes(h.toLowerCase()),
      );
    await fc.assert(
      fc.asyncProperty(
        hosts,
        fc.constantFrom(
          ...CONTROL_ROUTES,
          ['GET', '/v2/orgs/acme/access-tokens'],
          ['POST', '/v2/auth/token'],
        ),
        async (host, [method, path]) => {
          sb.resetRequests();
          sb.clearFaults();
          const r = await raw(sb.url, {
            method,
            path,
            body: method === 'POST' ? FAULT : undefined,
            headers: {
              host,
              'x-sandbox-token': sb.controlToken,
              authorization: `Bearer ${owner}`,
              'content-type': 'application/json',
            },
          });
          assert.equal(r.status, 403, `${method} ${path} Host ${JSON.stringify(host)}`);
          assert.match(r.json.message, /Host/);
          assert.equal(r.json.results, undefined);
          assert.equal(sb.pendingFaults().length, 0, 'no fault added');
          assert.equal(sb.requests.length, 0, 'not even recorded');
        },
      ),
      { numRuns: 60 },
    );
  });

  test('hostNames adds a name (as --host NAME does); still with the right port only', async () => {
    const named = await startSandbox({ port: 0, hostNames: ['hub.test'] });
    try {
      assert.equal(
        (
          await raw(named.url, {
            path: '/v2/orgs/acme/access-tokens',
            headers: { host: `HUB.test:${named.port}` },
          })
        ).status,
        401,
        'served (401: no JWT)',
      );
      assert.equal(
        (
          await raw(named.url, {
            path: '/v2/orgs/acme/access-tokens',
            headers: { host: `hub.test:${named.port + 1}` },
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await raw(named.url, {
            path: '/v2/orgs/acme/access-tokens',
            headers: { host: `evil.hub.test:${named.port}` },
          })
        ).status,
        403,
      );
    } finally {
      await named.close();
    }
  });

  test("next and previous are built from the sandbox's own origin, never from Host", async () => {
    for (const host of allowed()) {
      const r = await raw(sb.url, {
        path: '/v2/orgs/bigcorp/access-tokens?page=2&page_size=2',
        headers: { host, authorization: `Bearer ${owner}` },
      });
      assert.equal(r.json.next, `${sb.url}/v2/orgs/bigcorp/access-tokens?page=3&page_size=2`, host);
      assert.equal(
        r.json.previous,
        `${sb.url}/v2/orgs/bigcorp/access-tokens?page=1&page_size=2`,
        host,
      );
    }
  });
});

describe('what a fault may set', () => {
  let sb;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());
  beforeEach(() => sb.clearFaults());

  test('never a security, CORS, cookie or framing header, in any spelling', () => {
    for (const name of [
      'content-security-policy',
      'x-content-type-options',
      'cross-origin-resource-policy',
      'cross-origin-opener-policy',
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'set-cookie',
      'strict-transport-security',
      'x-frame-options',
      'content-length',
      'transfer-encoding',
    ]) {
      assert.ok(PROTECTED_HEADERS.includes(name) || name.startsWith('access-control-'), name);
    }
    const names = fc
      .oneof(
        fc.constantFrom(...PROTECTED_HEADERS),
        fc.stringMatching(/^[a-z-]{1,20}$/).map((s) => `access-control-${s}`),
      )
      .chain((n) =>
        fc.constant(n).map((x) => [...x].map((ch, i) => (i % 2 ? ch.toUpperCase() : ch)).join('')),
      );
    fc.assert(
      fc.property(names, fc.string(), (name, value) => {
        assert.throws(
          () => sb.faults({ status: 200, body: 'x', headers: { [name]: value } }),
          /may not set/,
        );
      }),
    );
    assert.equal(sb.pendingFaults().length, 0);
  });

  test('a content type only of JSON, plain text or HTML: nothing a browser would run', () => {
    for (const type of [
      'text/javascript',
      'application/javascript',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/wasm',
      'text/css',
      'text/html/x',
    ]) {
      assert.throws(
        () => sb.faults({ status: 200, body: 'alert(1)', headers: { 'content-type': type } }),
        /content-type/,
        type,
      );
    }
    for (const type of ['application/json', 'text/plain; charset=utf-8', 'text/html']) {
      assert.equal(
        sb.faults({ status: 200, body: 'x', headers: { 'Content-Type': type } }),
        1,
        type,
      );
    }
  });

  test('over HTTP the refusal is a 400 that names the header; ordinary headers pass', async () => {
    const r = await sb.control('POST', '/_sandbox/faults', {
      status: 200,
      body: '<script>',
      headers: { 'Content-Security-Policy': "script-src * 'unsafe-inline'" },
    });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /content-security-policy/);
    assert.equal(sb.pendingFaults().length, 0);
    sb.faults({
      status: 503,
      headers: { 'retry-after': '2', 'x-anything': 'ok', 'www-authenticate': 'Bearer' },
      body: { message: 'busy' },
    });
    const a = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
    assert.equal(a.status, 503);
    assert.equal(a.headers['retry-after'], '2');
    assert.equal(a.headers['x-anything'], 'ok');
    assert.equal(a.headers['x-content-type-options'], 'nosniff', "the sandbox's own nosniff stays");
  });
});

describe('faults and the rate limit (README: the fault answers, the request still counts)', () => {
  test('a faulted request uses up the window but gets the fault, even past the limit', async () => {
    const sb = await startSandbox({
      port: 0,
      rateLimit: 2,
      now: () => Date.parse('2026-03-18T21:15:00Z'),
    });
    try {
      sb.faults({ status: 503, body: { message: 'first' } });
      const a = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
      assert.equal(a.status, 503);
      assert.equal(a.headers['x-ratelimit-remaining'], '1', 'counted');
      assert.equal(
        (await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' })).headers[
          'x-ratelimit-remaining'
        ],
        '0',
      );
      sb.faults({ status: 502, body: { message: 'past the limit' } });
      const c = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
      assert.equal(c.status, 502, 'the fault answers, not the limiter');
      assert.equal(c.headers['x-ratelimit-remaining'], '0');
      sb.faults({ delayMs: 1 });
      assert.equal(
        (await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' })).status,
        429,
        'a delay-only fault passes on to the limiter',
      );
      assert.equal((await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' })).status, 429);
    } finally {
      await sb.close();
    }
  });
});

describe("Docker Hub's 429 styles (rateLimitStyle, rate-limit-* presets)", () => {
  const NOW = Date.parse('2026-03-18T21:15:00.250Z');
  const nowS = NOW / 1000;
  const STYLES = {
    seconds: (h, wait, reset) => {
      assert.equal(h['retry-after'], String(wait));
      assert.equal(h['x-retry-after'], undefined);
      assert.equal(h['x-ratelimit-reset'], String(reset));
    },
    unix: (h, wait, reset) => {
      assert.equal(
        h['retry-after'],
        String(reset),
        'Retry-After holds the moment (hub-feedback #2459)',
      );
      assert.equal(h['x-ratelimit-reset'], h['retry-after'], 'equal to X-RateLimit-Reset');
      assert.equal(h['x-retry-after'], undefined);
    },
    'x-retry-after': (h, wait, reset) => {
      assert.equal(h['x-retry-after'], String(reset));
      assert.equal(h['retry-after'], undefined);
      assert.equal(h['x-ratelimit-reset'], String(reset));
    },
    'reset-only': (h, wait, reset) => {
      assert.equal(h['retry-after'], undefined);
      assert.equal(h['x-retry-after'], undefined);
      assert.equal(h['x-ratelimit-reset'], String(reset));
    },
  };

  for (const [style, check] of Object.entries(STYLES)) {
    test(`rateLimitStyle '${style}': the sandbox's own 429`, async () => {
      const sb = await startSandbox({
        port: 0,
        rateLimit: 1,
        rateLimitStyle: style,
        now: () => NOW,
      });
      try {
        await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
        const r = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
        assert.equal(r.status, 429);
        assert.deepEqual(r.json, { detail: 'Rate limit exceeded', error: false });
        assert.equal(r.headers['x-ratelimit-remaining'], '0');
        const reset = Math.ceil(nowS + 60);
        check(r.headers, 60, reset);
      } finally {
        await sb.close();
      }
    });

    test(`preset 'rate-limit-${style}': a 429 in that style, waitSeconds long`, async () => {
      const sb = await startSandbox({ port: 0, now: () => NOW });
      try {
        assert.ok(Object.hasOwn(FAULT_PRESETS, `rate-limit-${style}`));
        for (const [spec, wait] of [
          [{ preset: `rate-limit-${style}` }, 2],
          [{ preset: `rate-limit-${style}`, waitSeconds: 30 }, 30],
        ]) {
          sb.faults({ ...spec, path: '/access-tokens$' });
          const r = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
          assert.equal(r.status, 429);
          assert.deepEqual(r.json, { detail: 'Rate limit exceeded', error: false });
          assert.equal(r.headers['x-ratelimit-remaining'], '0');
          check(r.headers, wait, Math.ceil(nowS + wait));
        }
      } finally {
        await sb.close();
      }
    });
  }

  test('a spec header still overrides the style; a bad style or waitSeconds is refused', async () => {
    const sb = await startSandbox({ port: 0, now: () => NOW });
    try {
      sb.faults({ preset: 'rate-limit-unix', headers: { 'retry-after': '5' } });
      const r = await raw(sb.url, { path: '/v2/orgs/acme/access-tokens' });
      assert.equal(r.headers['retry-after'], '5');
      assert.throws(() => sb.faults({ preset: 'rate-limit-unix', waitSeconds: -1 }), /waitSeconds/);
      assert.throws(() => sb.faults({ status: 500, waitSeconds: 3 }), /waitSeconds/);
    } finally {
      await sb.close();
    }
    await assert.rejects(startSandbox({ port: 0, rateLimitStyle: 'minutes' }), /rateLimitStyle/);
  });
});

describe('Docker Hub facts the client relies on', () => {
  test('a bearer from /v2/auth/token lasts 10 minutes by default', async () => {
    let nowMs = Date.parse('2026-03-18T21:15:00Z');
    const sb = await startSandbox({ port: 0, now: () => nowMs });
    try {
      const jwt = await login(sb);
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
      assert.equal(claims.exp - claims.iat, 600);
      nowMs += 599_000;
      assert.equal(
        (
          await raw(sb.url, {
            path: '/v2/orgs/acme/access-tokens',
            headers: { authorization: `Bearer ${jwt}` },
          })
        ).status,
        200,
      );
      nowMs += 1_000;
      const r = await raw(sb.url, {
        path: '/v2/orgs/acme/access-tokens',
        headers: { authorization: `Bearer ${jwt}` },
      });
      assert.equal(r.status, 401);
      assert.match(r.json.message, /expired/);
    } finally {
      await sb.close();
    }
  });

  test('an OAT signs in with the org name, and its JWT gets 403 on the OAT routes with a Docker-like message', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const oat = sb.credentials.tokens.find(
        (t) => t.org === 'acme' && t.status === 'active',
      ).secret;
      const jwt = await login(sb, 'acme', oat);
      const r = await raw(sb.url, {
        path: '/v2/orgs/acme/access-tokens',
        headers: { authorization: `Bearer ${jwt}` },
      });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json.errinfo, {});
      assert.match(
        r.json.message,
        /organization access token cannot manage organization access tokens/i,
      );
    } finally {
      await sb.close();
    }
  });
});

/** Starts a CLI as a child and resolves with its banner once `Control token` is printed. */
function startCli(script, args) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL(script, import.meta.url)), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const banner = new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (/Control token for this start: \S+\n/.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before its banner: ${out}`)));
  });
  return { child, banner };
}
const stopCli = (child) =>
  new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

describe('the banners', () => {
  for (const [script, name] of [
    ['../../web/sandbox/cli.js', 'sandbox CLI'],
    ['../../web/server.js', 'npm start'],
  ]) {
    test(`${name} prints this start's control token, which opens the control routes`, async () => {
      const extra =
        name === 'sandbox CLI' ? ['--rate-limit', '1', '--rate-limit-style', 'unix'] : [];
      const { child, banner } = startCli(script, ['--port', '0', '--quiet', ...extra]);
      try {
        const text = await banner;
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(text)[1];
        const token = /Control token for this start: (\S+)/.exec(text)[1];
        assert.match(token, /^[A-Za-z0-9_-]{32,}$/);
        const ctl = sandboxControl({ url, controlToken: token });
        assert.ok(Array.isArray((await ctl.requests()).requests));
        assert.equal(
          (await raw(url, { path: '/_sandbox/requests' })).status,
          401,
          'and nothing opens them without it',
        );
        if (extra.length) {
          await raw(url, { path: '/v2/orgs/acme/access-tokens' });
          const r = await raw(url, { path: '/v2/orgs/acme/access-tokens' });
          assert.equal(r.status, 429);
          assert.equal(
            r.headers['retry-after'],
            r.headers['x-ratelimit-reset'],
            '--rate-limit-style unix',
          );
        }
      } finally {
        await stopCli(child);
      }
    });
  }
});
