// A one-call app (createClient + getAccessToken) pays for one call: built by esbuild (the README's
// recipe: --splitting, the .wasm files copied beside the bundle) and by vite (vite build), and
// served without a bundler (<script type=module> with an import map), it is loaded in Chromium,
// which records every file it asks for. The test sums what was downloaded (each file gzip -9, as a
// server would send it) against the budget, and proves from that log that the tools (the audit,
// plan and rotate JS, and dockerhub_oat_tools.wasm) were never asked for. Sizes are
// deterministic: the budget is a byte count, never a time.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCH = CHROMIUM_LAUNCH;
const KiB = 1024;
// Issue 23's target is 20 KiB, not met. What stands in the way: the core .wasm alone is about
// 21 kB gzip'd (code about 16 kB: cJSON's parser, the five calls, sign-in, retries, the
// redactor, decoding; messages about 2 kB), and the JS about 12 kB: the Emscripten glue
// (MINIMAL_RUNTIME's, 2.5 kB, its Fetch API most of it), the XHR over fetch(), the boundary, the
// client and its argument checks, and the errors. esbuild also loads the chunks of what the one
// export list shares with the tools (scopes, the audit report's readers, retired labels: 2.8 kB):
// under --splitting it keeps a bare import of a shared chunk whatever "sideEffects" says (its
// issues 1892, 3704), where vite drops them. Each budget holds the figure reached, so that it can
// only go down.
const BUDGET = { esbuild: 35_100, vite: 33_200 }; // reached: esbuild 35,056 B, vite 33,170 B (the one options check made checks.js a chunk the tools share)
const TOKEN_ID = 'a7a5ef25-8889-43a0-8cc7-f2a94268e861';
const TOKEN = JSON.stringify({
  id: TOKEN_ID,
  label: 'ci',
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  expires_at: null,
  last_used_at: null,
  resources: [],
});
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};
// The tools' files, as the bundlers name their chunks (plan-4TNDKMZX.js, audit-D3eHDEar.js).
const TOOLS = /(^|\/)(tools|plan|audit|rotate)(-[\w]{8})?\.m?js$|_tools\.(wasm|m?js)$/;

const APP = `import { createClient } from 'dockerhub-oat';
const hub = await createClient({ token: 'x', baseUrl: location.origin, maxRetries: 0 });
const token = await hub.getAccessToken('acme', '${TOKEN_ID}');
document.querySelector('#out').textContent = JSON.stringify(token);
`;
const html = (script) =>
  `<!doctype html><meta charset="utf-8"><title>one call</title><pre id="out"></pre>${script}`;

let work;
let browser;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'dh-one-call-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(ROOT, join(work, 'node_modules', 'dockerhub-oat'));
  writeFileSync(join(work, 'main.js'), APP);
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Serves `files(path)` and answers the API on the same origin (Docker Hub sends no CORS headers). */
async function serve(files) {
  const served = new Map(); // url path -> gzip -9 bytes
  const srv = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/v2/'))
      return res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN);
    const file = files(path);
    if (!file || !existsSync(file)) return res.writeHead(404).end();
    const body = readFileSync(file);
    served.set(path, gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length);
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${srv.address().port}`, served, close: () => srv.close() };
}

/** Loads the app in Chromium; returns what it downloaded (own files, gzip -9 bytes each). */
async function load(t, files, budget) {
  const site = await serve(files);
  const page = await (await browser.newContext()).newPage();
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  try {
    const crashed = new Promise((_, reject) =>
      page.on('pageerror', (e) => reject(new Error(`page error: ${e.message}`))),
    );
    crashed.catch(() => {});
    await page.goto(`${site.origin}/`);
    const text = await Promise.race([
      page
        .waitForFunction(() => document.querySelector('#out')?.textContent, null, {
          timeout: 60_000,
        })
        .then((h) => h.jsonValue()),
      crashed,
    ]);
    assert.equal(JSON.parse(text).id, TOKEN_ID);
    const files = [...site.served].filter(([path]) => path !== '/');
    const total = files.reduce((n, [, gz]) => n + gz, 0);
    t.diagnostic(
      `downloaded (gzip -9): ${files.map(([p, gz]) => `${p} ${gz}`).join(', ')}; total ${total} B (budget ${budget} B, issue 23's target ${20 * KiB} B)`,
    );
    return { asked, total, budget };
  } finally {
    await page.close();
    site.close();
  }
}

function check({ asked, total, budget }) {
  assert.deepEqual(
    asked.filter((p) => TOOLS.test(p)),
    [],
    'the one-call app asked for none of the tools',
  );
  assert.ok(
    asked.some((p) => p.endsWith('.wasm')),
    'the core .wasm was fetched as a file',
  );
  assert.ok(
    total <= budget,
    `the one-call app downloads ${total} B gzip'd, over the budget of ${budget} B`,
  );
}

function run(cmd, args) {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', cmd), args, {
    cwd: work,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
}

const under = (dir) => (path) => {
  const file = normalize(join(dir, path === '/' ? 'index.html' : path));
  return file.startsWith(dir) ? file : null;
};

describe('a one-call app downloads the core only', () => {
  test('esbuild (--bundle --splitting --minify, dist/*.wasm copied beside the bundle)', async (t) => {
    const out = join(work, 'site');
    run('esbuild', [
      'main.js',
      '--bundle',
      '--splitting',
      '--minify',
      '--format=esm',
      '--platform=browser',
      `--outdir=${out}`,
    ]);
    for (const f of ['dockerhub_oat.wasm', 'dockerhub_oat_tools.wasm'])
      copyFileSync(join(ROOT, 'dist', f), join(out, f));
    writeFileSync(join(out, 'index.html'), html('<script type="module" src="/main.js"></script>'));
    check(await load(t, under(out), BUDGET.esbuild));
  });

  test('vite (vite build)', async (t) => {
    writeFileSync(join(work, 'index.html'), html('<script type="module" src="/main.js"></script>'));
    run('vite', ['build', '--logLevel', 'warn']);
    check(await load(t, under(join(work, 'dist')), BUDGET.vite));
  });

  test('no bundler: <script type=module> and an import map onto the package as it is', async (t) => {
    const map = JSON.stringify({ imports: { 'dockerhub-oat': '/pkg/bindings/index.web.js' } });
    const page = join(work, 'plain');
    mkdirSync(page, { recursive: true });
    writeFileSync(
      join(page, 'index.html'),
      html(`<script type="importmap">${map}</script><script type="module">${APP}</script>`),
    );
    const pkg = under(ROOT);
    const { asked, total } = await load(
      t,
      (path) => (path.startsWith('/pkg/') ? pkg(path.slice(4)) : under(page)(path)),
      Infinity,
    );
    // Unminified sources, one request each: the budget is for bundled apps; the tools stay unasked.
    t.diagnostic(`unbundled: ${total} B over ${asked.length} requests`);
    assert.deepEqual(
      asked.filter((p) => TOOLS.test(p)),
      [],
    );
  });
});
