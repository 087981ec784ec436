// The scheduled audit recipe (web/worker/audit-worker.js, shown in the README) in real workerd
// through Miniflare: a scheduled event at a fixed time runs the audit against the sandbox's
// hygiene world and posts the markdown to a loopback webhook receiver. The posted report must be
// the library's, word for word.
import { test, before, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { createClient, auditMarkdown } from '../../bindings/index.node.js';
import { NOW, ORG, OWNER, EXPECTED, startHygieneSandbox } from './helpers/hygiene.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RECIPE = join(root, 'web/worker/audit-worker.js');
// Miniflare 4 needs Node 20 or later (its undici uses the global File). On an older Node (npm test
// may run on the pinned Node 18), this file runs itself in the pinned Node 22 instead.
const TOO_OLD = typeof File === 'undefined';
const { Miniflare, NoOpLog } = TOO_OLD ? {} : await import('miniflare');

if (TOO_OLD) {
  test('the Worker tests pass in the pinned Node 22 (Miniflare needs Node 20 or later)', () => {
    const node22 = join(root, 'node_modules/node22/bin/node');
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT; // else the child reports to this runner's protocol, not as TAP
    const r = spawnSync(node22, ['--test', '--test-reporter=tap', fileURLToPath(import.meta.url)], { cwd: root, env, encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^# pass 4$/m);
    assert.match(r.stdout, /^# fail 0$/m);
  });
}

let sb;
let hook;
const posts = [];
let hookStatus = 200;

/** The recipe bundled as a user's build would: the package by name, the .wasm as a module (for
 * Node, a module that compiles dist's .wasm). */
async function bundle({ node = false } = {}) {
  const wasmModule = `export default new WebAssembly.Module(await (await import('node:fs/promises')).readFile(${JSON.stringify(join(root, 'dist/dockerhub_oat.wasm'))}));`;
  const result = await esbuild.build({
    entryPoints: [RECIPE], bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022', logLevel: 'silent',
    plugins: [{
      name: 'package-by-name',
      setup(b) {
        b.onResolve({ filter: /^dockerhub-oat\/dockerhub_oat\.wasm$/ }, () => (node ? { path: 'wasm', namespace: 'wasm' } : { path: './dockerhub_oat.wasm', external: true }));
        b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, external: true }));
        b.onLoad({ filter: /.*/, namespace: 'wasm' }, () => ({ contents: wasmModule, loader: 'js' }));
        b.onResolve({ filter: /^dockerhub-oat$/ }, () => ({ path: join(root, 'bindings/index.web.js') }));
      },
    }],
  });
  return result.outputFiles[0].text;
}

before(async () => {
  if (TOO_OLD) return;
  sb = await startHygieneSandbox();
  hook = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d) => { body += d; }).on('end', () => {
      posts.push({ method: req.method, type: req.headers['content-type'], body });
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await sb?.close();
  await new Promise((resolve) => (hook ? hook.close(resolve) : resolve()));
});

async function worker(bindings) {
  const mf = new Miniflare({
    log: new NoOpLog(),
    modulesRoot: root,
    modules: [
      { type: 'ESModule', path: join(root, 'worker.js'), contents: await bundle() },
      { type: 'CompiledWasm', path: join(root, 'dockerhub_oat.wasm'), contents: await readFile(join(root, 'dist/dockerhub_oat.wasm')) },
    ],
    compatibilityDate: '2024-09-23',
    bindings: {
      ORG, HUB_URL: sb.url, HUB_IDENTIFIER: OWNER.identifier, HUB_SECRET: OWNER.secret,
      WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/hook`, PLAN: 'team', ...bindings,
    },
  });
  return mf;
}

(TOO_OLD ? () => {} : test)('a scheduled event audits the org and posts the library\'s markdown to the webhook', async () => {
  const mf = await worker();
  try {
    posts.length = 0;
    const w = await mf.getWorker();
    const result = await w.scheduled({ scheduledTime: new Date(NOW), cron: '0 8 * * 1' });
    assert.equal(result.outcome, 'ok');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].method, 'POST');
    assert.equal(posts[0].type, 'application/json');
    const { text } = JSON.parse(posts[0].body);

    const hub = await createClient({ baseUrl: sb.url, credentials: OWNER });
    const report = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
    hub.close();
    assert.equal(text, auditMarkdown(report));
    assert.match(text, /^## Token audit of initech \(2026-12-01\)\n\nTokens used: 10 of 10\./);
    const rows = text.split('\n').filter((l) => /^\| (?!Token |---)/.test(l));
    assert.equal(rows.length, EXPECTED.length);
    assert.ok(!text.includes(OWNER.secret));
  } finally {
    await mf.dispose();
  }
});

(TOO_OLD ? () => {} : test)('a webhook that refuses the post makes the scheduled run fail', async () => {
  const mf = await worker();
  try {
    hookStatus = 500;
    posts.length = 0;
    const w = await mf.getWorker();
    const result = await w.scheduled({ scheduledTime: new Date(NOW) });
    assert.equal(result.outcome, 'exception');
    assert.equal(posts.length, 1);
  } finally {
    hookStatus = 200;
    await mf.dispose();
  }
});

// Rule: the report goes to WEBHOOK_URL and nowhere else. A 307 sent the whole report to another
// host and the run still said ok; a redirect is now a failure that says it was one.
(TOO_OLD ? () => {} : test)('a webhook that answers 307 is not followed: the run fails, saying it was a redirect', async () => {
  const elsewhere = [];
  const other = createServer((req, res) => {
    elsewhere.push(req.url);
    req.resume().on('end', () => res.writeHead(200).end());
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const redirecting = createServer((req, res) => {
    req.resume().on('end', () => res.writeHead(307, { location: `http://127.0.0.1:${other.address().port}/stolen` }).end());
  });
  await new Promise((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  const mf = await worker({ WEBHOOK_URL: `http://127.0.0.1:${redirecting.address().port}/hook` });
  try {
    const w = await mf.getWorker();
    const result = await w.scheduled({ scheduledTime: new Date(NOW) });
    assert.equal(result.outcome, 'exception');
    assert.deepEqual(elsewhere, [], 'nothing reached the host the redirect named');
    // workerd keeps the exception's words to itself: the same recipe run in Node says them.
    const recipe = await import(`data:text/javascript;base64,${Buffer.from(await bundle({ node: true })).toString('base64')}`);
    const env = { ORG, HUB_URL: sb.url, HUB_IDENTIFIER: OWNER.identifier, HUB_SECRET: OWNER.secret, PLAN: 'team',
      WEBHOOK_URL: `http://127.0.0.1:${redirecting.address().port}/hook` };
    await assert.rejects(recipe.default.scheduled({ scheduledTime: NOW }, env),
      /^Error: the webhook answered a redirect \(HTTP 307\): not followed/);
    assert.deepEqual(elsewhere, []);
  } finally {
    await mf.dispose();
    await new Promise((resolve) => other.close(resolve));
    await new Promise((resolve) => redirecting.close(resolve));
  }
});

(TOO_OLD ? () => {} : test)('the README shows the recipe exactly as tested', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const recipe = await readFile(RECIPE, 'utf8');
  assert.ok(readme.includes(`\`\`\`js\n${recipe}\`\`\``), 'README.md holds web/worker/audit-worker.js verbatim');
});
