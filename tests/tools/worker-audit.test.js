// The README's scheduled audit recipe (examples/audit-worker.mjs) in real workerd through Miniflare,
// bundled as wrangler bundles it: the package by name through its exports map under wrangler's
// conditions (workerd, worker, browser), the .wasm as a CompiledWasm module. A scheduled event at
// a fixed time runs the audit against the sandbox's hygiene world and posts the markdown to a
// loopback webhook receiver. The posted report must be the library's, word for word.
import { test, before, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, mkdir, rm, symlink, writeFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { auditMarkdown } from '../../bindings/index.node.js';
import { NOW, ORG, OWNER, EXPECTED, openHygieneWorld } from '../fixtures/hygiene.js';
import { readmeExamples } from '../hosts/readme.js';
import { bundleWorker } from '../hosts/wrangler.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RECIPE = readmeExamples(join(root, 'README.md')).get('audit-worker.mjs');
// Miniflare 4 needs Node 20 or later (its undici uses the global File). On an older Node (npm test
// may run on the pinned Node 18), this file runs itself in the pinned Node 22 instead.
const TOO_OLD = typeof File === 'undefined';
const { Miniflare, NoOpLog } = TOO_OLD ? {} : await import('miniflare');
/** test() here; nothing on a Node too old, where the test below runs this file in Node 22. */
const workerTest = TOO_OLD ? () => {} : (name, fn) => void test(name, fn);

if (TOO_OLD) {
  test('the Worker tests pass in the pinned Node 22 (Miniflare needs Node 20 or later)', () => {
    const node22 = join(root, 'node_modules/node22/bin/node');
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT; // else the child reports to this runner's protocol, not as TAP
    const r = spawnSync(node22, ['--test', '--test-reporter=tap', fileURLToPath(import.meta.url)], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^# pass 3$/m);
    assert.match(r.stdout, /^# fail 0$/m);
  });
}

let world;
let sb;
let hook;
const posts = [];
let hookStatus = 200;

let project;

/**
 * The recipe bundled as a user's build would: in a project whose node_modules has the package by
 * name (a link to this repository), as wrangler bundles it.
 */
async function bundle() {
  return bundleWorker(join(project, 'audit-worker.mjs'), join(project, 'dist'));
}

before(async () => {
  if (TOO_OLD) return;
  project = await realpath(await mkdtemp(join(tmpdir(), 'dh-worker-audit-')));
  await mkdir(join(project, 'node_modules'));
  await symlink(root, join(project, 'node_modules', 'dockerhub-oat'), 'dir');
  await writeFile(join(project, 'audit-worker.mjs'), RECIPE);
  world = await openHygieneWorld();
  sb = world.sb;
  hook = createServer((req, res) => {
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (d) => {
        body += d;
      })
      .on('end', () => {
        posts.push({ method: req.method, type: req.headers['content-type'], body });
        res.writeHead(hookStatus).end();
      });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
});
after(async () => {
  await world?.close();
  await new Promise((resolve) => (hook ? hook.close(resolve) : resolve()));
  if (project) await rm(project, { recursive: true, force: true });
});

async function worker(bindings) {
  const { modules, inputs } = await bundle();
  assert.ok(
    inputs.some((p) => p.endsWith('bindings/index.workerd.js')),
    `the workerd entry, not ${inputs.join(', ')}`,
  );
  // The bundle, the core's wasm and the tools' (imported on the first audit).
  assert.deepEqual(
    modules.map((m) => m.type),
    ['ESModule', 'CompiledWasm', 'CompiledWasm'],
  );
  const mf = new Miniflare({
    cf: false, // no fetch of workers.cloudflare.com: loopback only
    log: new NoOpLog(),
    modulesRoot: join(project, 'dist'),
    modules,
    compatibilityDate: '2024-09-23',
    bindings: {
      ORG,
      HUB_URL: sb.url,
      HUB_IDENTIFIER: OWNER.identifier,
      HUB_SECRET: OWNER.secret,
      WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/hook`,
      PLAN: 'team',
      ...bindings,
    },
  });
  return mf;
}

workerTest(
  "a scheduled event audits the org and posts the library's markdown to the webhook",
  async () => {
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

      const report = await world.hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
      assert.equal(text, auditMarkdown(report));
      assert.match(text, /^## Token audit of initech \(2026-12-01\)\n\nTokens used: 10 of 10\./);
      const rows = text.split('\n').filter((l) => /^\| (?!Token |---)/.test(l));
      assert.equal(rows.length, EXPECTED.length);
      assert.ok(!text.includes(OWNER.secret));
    } finally {
      await mf.dispose();
    }
  },
);

workerTest('a webhook that refuses the post makes the scheduled run fail', async () => {
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

/** The recipe bundled for Node (the .wasm import as a module compiling dist's .wasm), to hear the
 * words of its failure: workerd keeps an exception's message to itself. */
async function recipeInNode() {
  const wasmModule = `export default new WebAssembly.Module(await (await import('node:fs/promises')).readFile(${JSON.stringify(join(root, 'dist/dockerhub_oat.wasm'))}));`;
  const result = await esbuild.build({
    entryPoints: [join(project, 'audit-worker.mjs')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [
      {
        name: 'wasm-as-module',
        setup(b) {
          b.onResolve({ filter: /^dockerhub-oat\/dockerhub_oat\.wasm$/ }, () => ({
            path: 'wasm',
            namespace: 'wasm',
          }));
          b.onLoad({ filter: /.*/, namespace: 'wasm' }, () => ({
            contents: wasmModule,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return import(
    `data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString('base64')}`
  );
}

// Rule: the report goes to WEBHOOK_URL and nowhere else. A 307 sent the whole report to another
// host and the run still said ok; a redirect is now a failure that says it was one.
workerTest(
  'a webhook that answers 307 is not followed: the run fails, saying it was a redirect',
  async () => {
    const elsewhere = [];
    const other = createServer((req, res) => {
      elsewhere.push(req.url);
      req.resume().on('end', () => res.writeHead(200).end());
    });
    await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
    const redirecting = createServer((req, res) => {
      req
        .resume()
        .on('end', () =>
          res.writeHead(307, { location: `http://127.0.0.1:${other.address().port}/stolen` }).end(),
        );
    });
    await new Promise((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const WEBHOOK_URL = `http://127.0.0.1:${redirecting.address().port}/hook`;
    const mf = await worker({ WEBHOOK_URL });
    try {
      const w = await mf.getWorker();
      const result = await w.scheduled({ scheduledTime: new Date(NOW) });
      assert.equal(result.outcome, 'exception');
      assert.deepEqual(elsewhere, [], 'nothing reached the host the redirect named');
      const recipe = await recipeInNode();
      const env = {
        ORG,
        HUB_URL: sb.url,
        HUB_IDENTIFIER: OWNER.identifier,
        HUB_SECRET: OWNER.secret,
        PLAN: 'team',
        WEBHOOK_URL,
      };
      await assert.rejects(
        recipe.default.scheduled({ scheduledTime: NOW }, env),
        /^Error: the webhook answered a redirect \(HTTP 307\): not followed/,
      );
      assert.deepEqual(elsewhere, []);
    } finally {
      await mf.dispose();
      await new Promise((resolve) => other.close(resolve));
      await new Promise((resolve) => redirecting.close(resolve));
    }
  },
);
