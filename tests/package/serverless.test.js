// The web entry (bindings/index.web.js) as a serverless host runs it: bundled by esbuild for a
// neutral platform into one script, evaluated in a node:vm context that holds only web-standard
// globals (no process, no require), given a precompiled WebAssembly.Module, and driven through a
// Workers-style `export default { async fetch(request, env) }` handler against the sandbox.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { openWorld } from '../fixtures/hub.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ORG = 'acme';

// The worker a user would write; `env` carries the bindings (a Cloudflare-style wasm module import
// arrives as a WebAssembly.Module, like env.WASM here).
const WORKER = `
import { createClient, DockerHubError } from './bindings/index.web.js';

let hub;
const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export default {
  async fetch(request, env) {
    hub ??= createClient({
      wasm: env.WASM,
      baseUrl: env.HUB_URL,
      credentials: { identifier: env.HUB_IDENTIFIER, secret: env.HUB_SECRET },
    });
    const client = await hub;
    const url = new URL(request.url);
    const id = /^\\/tokens\\/([^/]+)$/.exec(url.pathname)?.[1];
    try {
      if (url.pathname === '/tokens' && request.method === 'GET') {
        const page = await client.listAccessTokens(env.ORG, { pageSize: 100, signal: request.signal });
        return json({ total: page.total, labels: page.results.map((t) => t.label), rateLimit: client.rateLimit });
      }
      if (url.pathname === '/tokens' && request.method === 'POST') {
        const { label, resources } = await request.json();
        const t = await client.createAccessToken(env.ORG, { label, resources });
        return json({ id: t.id, label: t.label, token: t.token, resources: t.resources }, 201);
      }
      if (id && request.method === 'GET') return json(await client.getAccessToken(env.ORG, id));
      if (id && request.method === 'PATCH') return json(await client.updateAccessToken(env.ORG, id, await request.json()));
      if (id && request.method === 'DELETE') {
        await client.deleteAccessToken(env.ORG, id);
        return new Response(null, { status: 204 });
      }
      return json({ code: 'not_found', message: 'no such route' }, 404);
    } catch (err) {
      if (err instanceof DockerHubError) return json({ code: err.code, message: err.message }, err.status || 502);
      throw err;
    }
  },
};
`;

/** Only what a browser, a worker or an edge runtime offers. */
function webGlobals() {
  return {
    fetch,
    WebAssembly,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    AbortController,
    AbortSignal,
    Request,
    Response,
    Headers,
    console,
    performance,
  };
}

async function bundle(define = {}) {
  const result = await esbuild.build({
    stdin: { contents: WORKER, resolveDir: root, sourcefile: 'worker.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'worker',
    platform: 'neutral', // a node: import fails to resolve here
    target: 'es2022',
    logLevel: 'silent',
    define,
  });
  return result.outputFiles[0].text;
}

/** Evaluates the bundle in a fresh context; returns the handler and the context. */
function load(code) {
  const context = vm.createContext(webGlobals());
  const before = new Set(Object.getOwnPropertyNames(context));
  new vm.Script(code, { filename: 'worker.bundle.js' }).runInContext(context);
  const added = Object.getOwnPropertyNames(context).filter((k) => !before.has(k));
  return { handler: context.worker.default, context, added };
}

describe('web entry in a web-standard vm context (Workers-style handler)', () => {
  let world;
  let sb;
  let env;
  let code;
  let worker;
  const call = (method, path, body) =>
    worker.handler.fetch(
      new Request(
        `https://worker.example${path}`,
        body === undefined
          ? { method }
          : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      ),
      env,
    );

  before(async () => {
    world = await openWorld();
    sb = world.sb;
    const module = await WebAssembly.compile(
      await readFile(new URL('../../dist/dockerhub_oat.wasm', import.meta.url)),
    );
    env = {
      WASM: module,
      HUB_URL: sb.url,
      HUB_IDENTIFIER: 'acme-owner',
      HUB_SECRET: 'sandbox-password',
      ORG,
    };
    // An ESM host (Workers, Deno, Vercel Edge) has import.meta.url; an iife bundle leaves it empty.
    code = await bundle({ 'import.meta.url': JSON.stringify('https://worker.example/worker.js') });
    worker = load(code);
  });
  after(() => world.close());

  test('the bundle uses no Node module, no require, no process, no eval', () => {
    /** null, or the first match with some context (the bundle is too long for a diff). */
    const find = (text, re) => {
      const m = re.exec(text);
      return (
        m &&
        `${JSON.stringify(m[0])} in ...${text.slice(Math.max(0, m.index - 80), m.index + 80)}...`
      );
    };
    for (const re of [
      /\brequire\s*\(/,
      /\beval\s*\(/,
      /new\s+Function\b/,
      /["']node:/,
      /\bimport\s*\(/,
    ]) {
      assert.equal(find(code, re), null, String(re));
    }
    // The Emscripten glue's one environment probe is guarded by typeof and never true here.
    const probe =
      /typeof process\s*==\s*"object"\s*&&\s*typeof process\.versions\s*==\s*"object"\s*&&\s*typeof process\.versions\.node\s*==\s*"string"/g;
    assert.equal(find(code.replace(probe, 'false'), /\bprocess\./), null);
  });

  test("the context has no Node globals, and loading defined no global but the bundle's own", () => {
    for (const name of [
      'process',
      'require',
      'Buffer',
      'global',
      'module',
      'XMLHttpRequest',
      'setImmediate',
    ]) {
      assert.equal(vm.runInContext(`typeof ${name}`, worker.context), 'undefined', name);
    }
    assert.deepEqual(worker.added, ['worker']);
  });

  test("GET /tokens lists the org's tokens", async () => {
    const res = await call('GET', '/tokens');
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.total, 3);
    assert.deepEqual(body.labels.sort(), ['ci-pull', 'legacy-deploy', 'q1-audit']);
    assert.equal(typeof body.rateLimit.remaining, 'number');
  });

  test('create, get, update and delete through Request/Response', async () => {
    const resources = [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }];
    let res = await call('POST', '/tokens', { label: 'edge-ci', resources });
    assert.equal(res.status, 201);
    const created = await res.json();
    assert.match(created.token, /^dckr_oat_[A-Za-z0-9]{32}$/);
    assert.deepEqual(created.resources, resources);

    res = await call('GET', `/tokens/${created.id}`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).label, 'edge-ci');

    res = await call('PATCH', `/tokens/${created.id}`, { is_active: false });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).is_active, false);

    res = await call('DELETE', `/tokens/${created.id}`);
    assert.equal(res.status, 204);

    res = await call('GET', `/tokens/${created.id}`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).code, 'not_found');
  });

  test('an API error becomes a Response with the DockerHubError code and status', async () => {
    sb.faults({
      method: 'GET',
      path: '/access-tokens$',
      status: 403,
      body: { message: 'not your org', errinfo: {} },
      times: 1,
    });
    const res = await call('GET', '/tokens');
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { code: 'forbidden', message: 'not your org' });
  });
});

describe('iife bundle without import.meta.url (some bundlers, classic workers)', () => {
  // The glue computes new URL('dockerhub_oat.wasm', import.meta.url) at start-up unless the factory
  // is given locateFile, which client.js does.
  test('a precompiled module still instantiates', async (t) => {
    const { sb, close } = await openWorld();
    t.after(close);
    const module = await WebAssembly.compile(
      await readFile(new URL('../../dist/dockerhub_oat.wasm', import.meta.url)),
    );
    const { handler } = load(await bundle());
    const env = {
      WASM: module,
      HUB_URL: sb.url,
      HUB_IDENTIFIER: 'acme-owner',
      HUB_SECRET: 'sandbox-password',
      ORG,
    };
    const res = await handler.fetch(new Request('https://worker.example/tokens'), env);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).total, 3);
  });
});
