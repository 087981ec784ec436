// Redirects in a real browser (Chromium, playwright-core). The client asks fetch() not to follow
// them (redirect: 'manual'), so a browser sends nothing to the new URL and the client refuses the
// answer (unexpected_status). On a host with XMLHttpRequest and no fetch, the XHR follows a
// redirect before the client sees anything: the client refuses any answer that came from another
// URL than the one it asked, and this file records what Chromium sent on the way, which is what
// the README says such a host may still have sent.
// A page on a loopback origin loads the web build (bindings/index.web.js); every call it makes is
// answered with a redirect; another loopback origin plays the place redirected to.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCH = CHROMIUM_LAUNCH;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY21lLW93bmVyIn0.c2lnbmF0dXJlLXJlZGlyZWN0';
const TOKEN = JSON.stringify({
  id: 't1',
  label: 'ci',
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  expires_at: null,
  last_used_at: null,
  resources: [],
});
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const PAGE = `<!doctype html><meta charset="utf-8"><title>redirect</title>
<script type="module">
  import { createClient } from '/bindings/index.web.js';
  // xhrOnly: the client is made while the page has no fetch (the wasm handed over as bytes), so
  // it uses the browser's own XMLHttpRequest, as on a host without fetch.
  window.run = async (baseUrl, op, xhrOnly) => {
    const auth = op === 'sign-in' ? { credentials: { identifier: 'acme-owner', secret: 'not-a-real-secret-0123' } } : { token: '${JWT}' };
    let hub;
    if (xhrOnly) {
      const wasm = await (await fetch('/dist/dockerhub_oat.wasm')).arrayBuffer();
      const realFetch = window.fetch;
      window.fetch = undefined;
      try {
        hub = await createClient({ baseUrl, ...auth, maxRetries: 0, wasm });
      } finally {
        window.fetch = realFetch;
      }
    } else {
      hub = await createClient({ baseUrl, ...auth, maxRetries: 0 });
    }
    try {
      const data = op === 'create'
        ? await hub.createAccessToken('acme', { label: 'ci', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }] })
        : await hub.getAccessToken('acme', 't1');
      return { ok: true, data };
    } catch (e) {
      return { ok: false, name: e.name, code: e.code, status: e.status, message: e.message, maybeCreated: e.maybeCreated };
    } finally {
      hub.close();
    }
  };
  window.ready = true;
</script>`;

/** A loopback server; `seen` records every request that reached it, body included. */
async function server(handle) {
  const seen = [];
  const receive = async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({
      method: req.method,
      path: req.url,
      authorization: req.headers.authorization ?? null,
      body,
    });
    handle(req, res);
  };
  const srv = createServer((req, res) => {
    receive(req, res).catch(() => res.destroy()); // a request cut off mid-body
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { srv, seen, origin: `http://127.0.0.1:${srv.address().port}` };
}

describe('redirects in Chromium', () => {
  let app; // serves the page and the build; answers the API with redirects
  let other; // another origin, where the redirects point
  let browser;
  let page;

  before(async () => {
    other = await server((req, res) => {
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
        'access-control-allow-methods': '*',
      };
      if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
      res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(TOKEN);
    });
    app = await server(async (req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/')
        return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      if (url.pathname.startsWith('/bindings/') || url.pathname.startsWith('/dist/')) {
        const ext = url.pathname.slice(url.pathname.lastIndexOf('.'));
        try {
          const file = await readFile(ROOT + url.pathname.slice(1));
          return res
            .writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream' })
            .end(file);
        } catch {
          return res.writeHead(404).end();
        }
      }
      // The API: /same/... redirects on this origin, /cross/... to the other one. 302 for a GET,
      // 307 (method and body kept) for a POST.
      const code = req.method === 'POST' ? 307 : 302;
      if (url.pathname.startsWith('/same/v2/'))
        return res.writeHead(code, { location: '/landed' }).end();
      if (url.pathname.startsWith('/cross/v2/'))
        return res.writeHead(code, { location: `${other.origin}/landed` }).end();
      if (url.pathname === '/landed')
        return res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN);
      res.writeHead(404).end();
    });
    browser = await chromium.launch(LAUNCH);
    page = await (await browser.newContext()).newPage();
    await page.goto(`${app.origin}/`);
    await page.waitForFunction(() => window.ready === true);
  });

  after(async () => {
    await browser?.close();
    app?.srv.close();
    other?.srv.close();
  });

  const landed = (s) => s.seen.filter((r) => r.path === '/landed');
  const run = (base, op, xhrOnly = false) =>
    page.evaluate(([b, o, x]) => window.run(b, o, x), [base, op, xhrOnly]);

  describe('with fetch (every browser today): nothing is sent to the new URL', () => {
    for (const [what, where, op] of [
      ['a GET redirected on the same origin', 'same', 'get'],
      ['a GET redirected to another origin', 'cross', 'get'],
      [
        'a sign-in (the secret in its body) answered with 307 to another origin',
        'cross',
        'sign-in',
      ],
      ['a create answered with 307', 'same', 'create'],
    ]) {
      test(`${what}: refused with unexpected_status, not followed`, async () => {
        app.seen.length = 0;
        other.seen.length = 0;
        const got = await run(`${app.origin}/${where}`, op);
        assert.equal(got.ok, false, 'the redirect must not be taken as the answer');
        assert.equal(got.name, 'DockerHubError');
        assert.equal(got.code, 'unexpected_status');
        assert.match(got.message, /another URL/);
        assert.doesNotMatch(got.message, /not-a-real-secret/);
        if (op === 'create') assert.equal(got.maybeCreated, true);
        assert.deepEqual(landed(app), [], 'nothing reached the URL redirected to');
        assert.deepEqual(other.seen, [], 'nothing reached the other origin, not even a preflight');
      });
    }
  });

  describe('with only XMLHttpRequest: the browser follows, the client refuses the answer', () => {
    test('a GET redirected on the same origin is refused; the same origin got the bearer again', async () => {
      app.seen.length = 0;
      const got = await run(`${app.origin}/same`, 'get', true);
      assert.equal(got.ok, false, 'the redirected answer must not be taken as the token');
      assert.equal(got.code, 'unexpected_status');
      assert.match(got.message, /another URL/);
      assert.deepEqual(
        landed(app).map((r) => [r.method, r.authorization]),
        [['GET', `Bearer ${JWT}`]],
      );
    });

    test('a GET redirected to another origin is refused, and Chromium dropped the bearer on the way', async () => {
      other.seen.length = 0;
      const got = await run(`${app.origin}/cross`, 'get', true);
      assert.equal(got.code, 'unexpected_status');
      const there = landed(other);
      assert.ok(
        there.some((r) => r.method === 'GET'),
        'the browser followed the redirect',
      );
      assert.ok(
        there.every((r) => r.authorization === null),
        'Authorization is removed on a cross-origin redirect',
      );
    });

    test('a sign-in answered with 307 to another origin is refused; Chromium re-sent the body there', async () => {
      other.seen.length = 0;
      const got = await run(`${app.origin}/cross`, 'sign-in', true);
      assert.equal(got.code, 'unexpected_status');
      assert.doesNotMatch(got.message, /not-a-real-secret/);
      // What the README warns of: an origin that allows the preflight gets the secret.
      const posts = landed(other).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1);
      assert.match(posts[0].body, /not-a-real-secret-0123/);
    });

    test('a create answered with 307 is refused and says the token may exist; the body was re-sent', async () => {
      app.seen.length = 0;
      const got = await run(`${app.origin}/same`, 'create', true);
      assert.equal(got.code, 'unexpected_status');
      assert.equal(got.maybeCreated, true);
      assert.match(got.message, /may have been created/);
      const posts = landed(app).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1, 'a 307 keeps the method');
      assert.match(posts[0].body, /"label":"ci"/, 'and the body');
    });
  });
});
