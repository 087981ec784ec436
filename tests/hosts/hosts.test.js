// The host matrix: the README's examples (tests/hosts/readme.js), written into a project that
// installed the packed tarball, run on every host a user runs them on, each against its own
// sandbox on loopback: Node 18, 20 and 22, Deno (network only, to the one port), Bun, workerd
// (through Miniflare, the wasm as a CompiledWasm module, bundled as wrangler bundles), and
// Chromium on an esbuild bundle and on a vite build. Then the hosts' refusals: Deno without
// --allow-net, and workerd handed wasm bytes it may not compile.
// Every run logs the command and when it ran (a `#` diagnostic line in the report).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, extname, join } from 'node:path';
import { Miniflare } from 'miniflare';
import { chromium } from 'playwright-core';
import { createSandboxHandler, startSandbox } from '../../web/sandbox/index.js';
import { installPacked, root } from './pack.js';
import { readmeExamples } from './readme.js';
import { bundleWorker } from './wrangler.js';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.js';

const bin = (p) => join(root, 'node_modules', p);
const NODES = {
  'Node 18': bin('node18/bin/node'),
  'Node 20 (this machine)': process.execPath,
  'Node 22': bin('node22/bin/node'),
};
const DENO = bin('.bin/deno');
const BUN = bin('.bin/bun');
const ESBUILD = bin('.bin/esbuild');
const VITE = bin('.bin/vite');
const CHROMIUM = CHROMIUM_LAUNCH;
const OWNER = { identifier: 'acme-owner', secret: 'sandbox-password' };

/** What examples/tour.mjs returns against a freshly seeded sandbox, on every host. */
const TOUR = {
  secretShown: true,
  resources: 2,
  updated: 'tour-renamed active=false',
  firstPage: '2 of 4',
  labels: ['ci-pull', 'legacy-deploy', 'q1-audit', 'tour-renamed'],
  afterDelete: 'not_found',
};

const README = readFileSync(join(root, 'README.md'), 'utf8');
let installed;
let project;
let work;

before(async () => {
  installed = await installPacked();
  ({ project, work } = installed);
  const examples = readmeExamples(join(root, 'README.md'));
  for (const name of [
    'tour.mjs',
    'node.mjs',
    'deno.mjs',
    'worker.mjs',
    'lambda.mjs',
    'browser.mjs',
    'index.html',
  ])
    assert.ok(examples.has(name), `README.md has no block for examples/${name}`);
  for (const [name, body] of examples) writeFileSync(join(project, name), body);
});

after(() => installed?.remove());

/** Logs the command and the moment it ran, in the test's report. */
function logRun(t, what) {
  t.diagnostic(`${new Date().toISOString()} ${what}`);
}

/** Runs a host's command in the project. @returns {Promise<{ code, stdout, stderr }>} */
function runHost(t, cmd, args, { env = {}, timeout = 120_000 } = {}) {
  logRun(t, `(cd ${project} && ${[cmd, ...args].join(' ')})`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
      timeout,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const lastJson = (text) => JSON.parse(text.trim().split('\n').at(-1));

/** The tour's requests, from the sandbox's log: every operation, and the second page fetched by the client. */
function assertTourRequests(sb) {
  const seen = sb.requests.map(
    (r) => `${r.method} ${r.path.replace(/access-tokens\/[^/]+$/, 'access-tokens/ID')}`,
  );
  for (const route of [
    'POST /v2/auth/token',
    'POST /v2/orgs/acme/access-tokens',
    'GET /v2/orgs/acme/access-tokens/ID',
    'PATCH /v2/orgs/acme/access-tokens/ID',
    'GET /v2/orgs/acme/access-tokens',
    'DELETE /v2/orgs/acme/access-tokens/ID',
  ])
    assert.ok(seen.includes(route), `no ${route} in ${seen.join(', ')}`);
  const pages = sb.requests
    .filter((r) => r.method === 'GET' && r.path === '/v2/orgs/acme/access-tokens')
    .map((r) => r.query.page ?? '1');
  assert.deepEqual(
    pages,
    ['1', '1', '2'],
    'one page by hand, then pages 1 and 2 by listAllAccessTokens',
  );
}

async function withSandbox(fn) {
  const sb = await startSandbox({ port: 0 });
  try {
    return await fn(sb);
  } finally {
    await sb.close();
  }
}

test('the README says what the tour prints, and that is what every host below must print', () => {
  const printed = /It prints `([^`]+)`/.exec(README)?.[1];
  assert.ok(printed, 'README.md: "It prints `...`" not found');
  assert.deepEqual(JSON.parse(printed.replaceAll('\n', '')), TOUR);
});

describe('Node and Bun run examples/node.mjs', () => {
  for (const [name, node] of [...Object.entries(NODES), ['Bun', BUN]]) {
    test(name, (t) =>
      withSandbox(async (sb) => {
        const r = await runHost(t, node, ['node.mjs'], { env: { DOCKERHUB_BASE_URL: sb.url } });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(lastJson(r.stdout), TOUR);
        assertTourRequests(sb);
      }),
    );
  }

  test('each is the version it says (npm puts a node18 first on PATH: scripts/test.sh takes it off)', async (t) => {
    const majors = [];
    for (const node of Object.values(NODES))
      majors.push((await runHost(t, node, ['--version'])).stdout.trim().split('.')[0]);
    assert.deepEqual(majors, ['v18', 'v20', 'v22']);
  });

  test('each resolves the node entry of the installed package', async (t) => {
    writeFileSync(
      join(project, 'resolve.mjs'),
      "console.log(import.meta.resolve('dockerhub-oat'));\n",
    );
    for (const host of [...Object.values(NODES), BUN]) {
      const r = await runHost(t, host, ['resolve.mjs']);
      assert.equal(
        r.stdout.trim(),
        `file://${project}/node_modules/dockerhub-oat/bindings/index.node.js`,
        host,
      );
    }
  });
});

describe('Deno', () => {
  test('runs examples/deno.mjs with only --allow-net=127.0.0.1:PORT (the inline-wasm entry)', (t) =>
    withSandbox(async (sb) => {
      assert.ok(
        README.includes('deno run --allow-net=127.0.0.1:4010 deno.mjs http://127.0.0.1:4010'),
        'the README gives this command',
      );
      const r = await runHost(
        t,
        DENO,
        ['run', `--allow-net=127.0.0.1:${sb.port}`, 'deno.mjs', sb.url],
        {
          env: { DENO_DIR: join(work, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' },
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(lastJson(r.stdout), TOUR);
      assertTourRequests(sb);
      writeFileSync(
        join(project, 'resolve.mjs'),
        "console.log(import.meta.resolve('dockerhub-oat'));\n",
      );
      const where = await runHost(t, DENO, ['run', 'resolve.mjs'], {
        env: { DENO_DIR: join(work, 'deno-dir') },
      });
      assert.equal(
        where.stdout.trim(),
        `file://${project}/node_modules/dockerhub-oat/bindings/index.inline.js`,
      );
    }));

  test('without --allow-net: a network DockerHubError that names the permission, and no request', (t) =>
    withSandbox(async (sb) => {
      writeFileSync(
        join(project, 'deno-refused.mjs'),
        `
import { createClient, DockerHubError } from 'dockerhub-oat';
const hub = await createClient({ baseUrl: Deno.args[0], credentials: ${JSON.stringify(OWNER)}, timeoutMs: 60000 });
try {
  await hub.listAccessTokens('acme');
  console.log(JSON.stringify({ listed: true }));
} catch (err) {
  console.log(JSON.stringify({ isDockerHubError: err instanceof DockerHubError, code: err.code, message: err.message }));
}
hub.close();
`,
      );
      const r = await runHost(t, DENO, ['run', '--no-prompt', 'deno-refused.mjs', sb.url], {
        env: { DENO_DIR: join(work, 'deno-dir') },
      });
      assert.equal(r.code, 0, r.stderr);
      const out = lastJson(r.stdout);
      assert.equal(out.isDockerHubError, true);
      assert.equal(out.code, 'network');
      assert.match(out.message, /permission/i);
      assert.equal(sb.requests.length, 0);
    }));
});

async function runWorker(t, entry, outDir, options, conditions) {
  const { modules, inputs } = await bundleWorker(entry, outDir, conditions);
  logRun(
    t,
    `miniflare (workerd): ${modules.map((m) => `${m.type} ${basename(m.path)}`).join(', ')}, bundled from ${basename(entry)}`,
  );
  const mf = new Miniflare({
    cf: false,
    modulesRoot: outDir,
    modules,
    compatibilityDate: '2025-01-01',
    ...options,
  });
  try {
    const res = await mf.dispatchFetch('http://worker.example/');
    return { status: res.status, body: await res.json(), inputs, modules };
  } finally {
    await mf.dispose();
  }
}

describe('workerd (Miniflare)', () => {
  test('runs examples/worker.mjs: the workerd entry, the wasm as a CompiledWasm module, fetch to the sandbox', (t) =>
    withSandbox(async (sb) => {
      const r = await runWorker(t, join(project, 'worker.mjs'), join(work, 'worker-dist'), {
        bindings: {
          DOCKERHUB_BASE_URL: sb.url,
          DOCKERHUB_ORG: 'acme',
          DOCKERHUB_IDENTIFIER: OWNER.identifier,
          DOCKERHUB_SECRET: OWNER.secret,
        },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, TOUR);
      assert.ok(
        r.inputs.some((p) => p.endsWith('node_modules/dockerhub-oat/bindings/index.workerd.js')),
        r.inputs.join(', '),
      );
      assert.deepEqual(
        r.modules.map((m) => m.type),
        ['ESModule', 'CompiledWasm', 'CompiledWasm'],
        'the bundle, the core, and the tools (imported on first use)',
      );
      assertTourRequests(sb);
    }));

  test('handed the wasm as bytes, which workerd may not compile: invalid_argument saying what to pass', async (t) => {
    writeFileSync(
      join(project, 'worker-bytes.mjs'),
      `
import { createClient, DockerHubError } from 'dockerhub-oat';
export default {
  async fetch(request, env) {
    try {
      await createClient({ wasm: new Uint8Array(env.WASM_BYTES) });
      return Response.json({ created: true });
    } catch (err) {
      return Response.json({ isDockerHubError: err instanceof DockerHubError, code: err.code, message: err.message });
    }
  },
};
`,
    );
    const r = await runWorker(
      t,
      join(project, 'worker-bytes.mjs'),
      join(work, 'worker-bytes-dist'),
      {
        dataBlobBindings: {
          WASM_BYTES: join(project, 'node_modules/dockerhub-oat/dist/dockerhub_oat.wasm'),
        },
      },
    );
    assert.equal(r.body.isDockerHubError, true, JSON.stringify(r.body));
    assert.equal(r.body.code, 'invalid_argument');
    assert.match(r.body.message, /disallowed/i);
    assert.match(r.body.message, /WebAssembly\.Module/);
  });

  test('bundled without the workerd condition (the default entry, no wasm option): invalid_argument, not a TypeError', async (t) => {
    writeFileSync(
      join(project, 'worker-default.mjs'),
      `
import { createClient, DockerHubError } from 'dockerhub-oat';
export default {
  async fetch() {
    try {
      await createClient({});
      return Response.json({ created: true });
    } catch (err) {
      return Response.json({ isDockerHubError: err instanceof DockerHubError, name: err.name, code: err.code, message: err.message });
    }
  },
};
`,
    );
    const r = await runWorker(
      t,
      join(project, 'worker-default.mjs'),
      join(work, 'worker-default-dist'),
      {},
      [],
    );
    assert.ok(
      r.inputs.some((p) => p.endsWith('node_modules/dockerhub-oat/bindings/index.web.js')),
      r.inputs.join(', '),
    );
    assert.deepEqual(
      [r.body.isDockerHubError, r.body.name, r.body.code],
      [true, 'DockerHubError', 'invalid_argument'],
      JSON.stringify(r.body),
    );
    assert.match(r.body.message, /Pass `wasm`: a WebAssembly\.Module/);
  });
});

describe('AWS Lambda style (Node 20)', () => {
  test('examples/lambda.mjs reaches the sandbox from DOCKERHUB_BASE_URL, unedited', (t) =>
    withSandbox(async (sb) => {
      writeFileSync(
        join(project, 'invoke-lambda.mjs'),
        "const { handler } = await import('./lambda.mjs');\nconsole.log(JSON.stringify(await handler({}, {})));\n",
      );
      const r = await runHost(t, process.execPath, ['invoke-lambda.mjs'], {
        env: {
          DOCKERHUB_BASE_URL: sb.url,
          DOCKERHUB_ORG: 'acme',
          DOCKERHUB_IDENTIFIER: OWNER.identifier,
          DOCKERHUB_SECRET: OWNER.secret,
        },
      });
      assert.equal(r.code, 0, r.stderr);
      const res = lastJson(r.stdout);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(JSON.parse(res.body), TOUR);
      assertTourRequests(sb);
    }));
});

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** The built site and the sandbox on one origin, as the README says a page needs (no CORS at Docker Hub). */
async function serveSite(dir, handler) {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    if (handler.handles(pathname)) return handler.handle(req, res);
    const file = join(dir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    let body;
    try {
      body = readFileSync(file);
    } catch {
      return res.writeHead(404).end();
    }
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
}

describe('Chromium', () => {
  let browser;
  before(async () => {
    browser = await chromium.launch(CHROMIUM);
  });
  after(() => browser?.close());

  async function runPage(t, siteDir) {
    const handler = createSandboxHandler({});
    const site = await serveSite(siteDir, handler);
    const page = await browser.newPage();
    const failed = [];
    // The site's own files must all load (the API's answers, the tour's 404 included, are the tour's).
    const ownFile = (url) => !new URL(url).pathname.startsWith('/v2/');
    page.on('requestfailed', (r) => {
      if (ownFile(r.url())) failed.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && ownFile(r.url())) failed.push(`${r.status()} ${r.url()}`);
    });
    try {
      logRun(t, `chromium ${CHROMIUM.executablePath} ${site.url}/ (${basename(siteDir)}/)`);
      const crashed = new Promise((_, reject) =>
        page.on('pageerror', (e) => reject(new Error(`page error: ${e.message}`))),
      );
      crashed.catch(() => {});
      await page.goto(`${site.url}/`);
      const text = await Promise.race([
        page
          .waitForFunction(() => document.querySelector('#out')?.textContent, null, {
            timeout: 60_000,
          })
          .then((h) => h.jsonValue()),
        crashed,
      ]);
      assert.deepEqual(JSON.parse(text), TOUR);
      assert.deepEqual(failed, []);
      assertTourRequests(handler);
    } finally {
      await page.close();
      await site.close();
      handler.close();
    }
  }

  test('an esbuild bundle (--bundle --splitting, no loader flag, dist/*.wasm copied beside it): the browser entry fetches its wasm', async (t) => {
    const args = [
      'browser.mjs',
      '--bundle',
      '--splitting',
      '--platform=browser',
      '--format=esm',
      '--out-extension:.js=.mjs',
      '--outdir=site',
    ];
    assert.ok(
      README.includes(
        `npx esbuild ${args.join(' ')} && cp index.html node_modules/dockerhub-oat/dist/*.wasm site/`,
      ),
      'the README gives this command',
    );
    const r = await runHost(t, ESBUILD, [...args, '--metafile=site/meta.json']);
    assert.equal(r.code, 0, r.stderr);
    copyFileSync(join(project, 'index.html'), join(project, 'site/index.html'));
    for (const f of ['dockerhub_oat.wasm', 'dockerhub_oat_tools.wasm'])
      copyFileSync(join(project, 'node_modules/dockerhub-oat/dist', f), join(project, 'site', f));
    const inputs = Object.keys(
      JSON.parse(readFileSync(join(project, 'site/meta.json'), 'utf8')).inputs,
    );
    assert.ok(
      inputs.some((p) => p.endsWith('node_modules/dockerhub-oat/bindings/index.web.js')),
      inputs.join(', '),
    );
    await runPage(t, join(project, 'site'));
  });

  test('a vite build (vite build)', async (t) => {
    assert.ok(README.includes('npx vite build'), 'the README gives this command');
    const r = await runHost(t, VITE, ['build', '--logLevel', 'warn']);
    assert.equal(r.code, 0, r.stderr);
    await runPage(t, join(project, 'dist'));
  });
});
