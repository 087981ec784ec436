// A serverless developer, from `npm install dockerhub-oat` and the README alone: the README's
// scheduled-audit Worker (examples/audit-worker.mjs) is bundled as wrangler bundles it (esbuild with
// wrangler's conditions, the package resolved by name through its exports map, the .wasm a
// CompiledWasm module), run in workerd (Miniflare), and triggered on a schedule: it audits the
// sandbox's hygiene world (the installed package's own ./sandbox export) and posts its report to a
// webhook receiver on loopback. What arrives is the library's report, word for word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Miniflare } from 'miniflare';
import { installedProject } from './helpers/installed.js';
import { readmeExamples } from '../hosts/readme.js';
import { root } from '../hosts/pack.js';
import { bundleWorker } from '../hosts/wrangler.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const OWNER = { identifier: 'initech-owner', secret: 'sandbox-password' };

let project;
let pkg; // the installed package, imported by its path as the user's Node code would by name
let sb;
let hook;
const posts = [];

before(async () => {
  project = await installedProject('dh-journey-serverless-');
  const installed = join(project.project, 'node_modules', 'dockerhub-oat');
  pkg = {
    lib: await import(pathToFileURL(join(installed, 'bindings/index.node.js')).href),
    sandbox: await import(pathToFileURL(join(installed, 'web/sandbox/index.js')).href),
  };
  sb = await pkg.sandbox.startSandbox({ port: 0, seed: 'hygiene', now: () => NOW });
  hook = createServer((req, res) => {
    let body = '';
    req
      .setEncoding('utf8')
      .on('data', (d) => {
        body += d;
      })
      .on('end', () => {
        posts.push({ method: req.method, path: req.url, type: req.headers['content-type'], body });
        res.writeHead(200).end();
      });
  });
  await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await sb?.close();
  await new Promise((resolve) => (hook ? hook.close(resolve) : resolve()));
  await project?.remove();
});

test("the README's audit Worker, bundled as wrangler does, runs on a schedule in workerd and posts its report", async () => {
  const recipe = readmeExamples(join(root, 'README.md')).get('audit-worker.mjs');
  assert.ok(recipe, 'README.md has a block for examples/audit-worker.mjs');
  writeFileSync(join(project.project, 'audit-worker.mjs'), recipe);

  const { modules, inputs } = await bundleWorker(
    join(project.project, 'audit-worker.mjs'),
    join(project.work, 'worker-dist'),
  );
  assert.ok(
    inputs.some((p) => p.endsWith('node_modules/dockerhub-oat/bindings/index.workerd.js')),
    inputs.join(', '),
  );
  assert.deepEqual(
    modules.map((m) => m.type),
    ['ESModule', 'CompiledWasm', 'CompiledWasm'],
    'the bundle, the core, and the tools (imported on the first audit)',
  );

  const mf = new Miniflare({
    cf: false, // no fetch of workers.cloudflare.com: loopback only
    modulesRoot: join(project.work, 'worker-dist'),
    modules,
    compatibilityDate: '2025-01-01',
    bindings: {
      ORG: 'initech',
      HUB_URL: sb.url,
      HUB_IDENTIFIER: OWNER.identifier,
      HUB_SECRET: OWNER.secret,
      WEBHOOK_URL: `http://127.0.0.1:${hook.address().port}/audit`,
      PLAN: 'team',
    },
  });
  try {
    const worker = await mf.getWorker();
    const result = await worker.scheduled({ scheduledTime: new Date(NOW), cron: '0 8 * * 1' });
    assert.equal(result.outcome, 'ok');
  } finally {
    await mf.dispose();
  }

  assert.equal(posts.length, 1);
  assert.deepEqual(
    [posts[0].method, posts[0].path, posts[0].type],
    ['POST', '/audit', 'application/json'],
  );
  const { text } = JSON.parse(posts[0].body);
  const hub = await pkg.lib.createClient({ baseUrl: sb.url, credentials: OWNER });
  try {
    assert.equal(
      text,
      pkg.lib.auditMarkdown(await hub.auditAccessTokens('initech', { now: NOW, plan: 'team' })),
    );
  } finally {
    hub.close();
  }
  assert.match(text, /^## Token audit of initech \(2026-12-01\)\n/);
  assert.ok(!text.includes(OWNER.secret));
  // The Worker read the org through the sandbox: a sign-in, then the list.
  assert.ok(
    sb.requests.some((r) => r.method === 'GET' && r.path === '/v2/orgs/initech/access-tokens'),
  );
});
