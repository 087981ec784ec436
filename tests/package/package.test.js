// What `npm pack` ships, and that the packed package works once installed elsewhere: imported by
// name from a fresh folder outside the repository, all five operations against a sandbox, the
// ./sandbox export, the bin, and the web entry resolving (and bundling) without any Node module.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readdir, readFile, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSandbox } from '../../web/sandbox/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Everything that ships, by name, but web/sandbox/ (see below).
const SHIPPED = [
  'LICENSE',
  'README.md',
  'package.json',
  'bindings/tools/audit-report.js',
  'bindings/tools/audit.js',
  'bindings/cli.js',
  'bindings/cli/args.js',
  'bindings/cli/credentials.js',
  'bindings/cli/help.js',
  'bindings/cli/output.js',
  'bindings/cli/secret.js',
  'bindings/cli/terminal.js',
  'bindings/cli/interrupt.js',
  'bindings/cli/saved-plan.js',
  'bindings/cli/saved-plan-check.js',
  'bindings/cli/token-ref.js',
  'bindings/cli/labels.js',
  'bindings/label-rule.js',
  'bindings/cli/commands/activate.js',
  'bindings/cli/commands/apply.js',
  'bindings/cli/commands/audit.js',
  'bindings/cli/commands/create.js',
  'bindings/cli/commands/dashboard.js',
  'bindings/cli/commands/delete.js',
  'bindings/cli/commands/export.js',
  'bindings/cli/commands/get.js',
  'bindings/cli/commands/index.js',
  'bindings/cli/commands/list.js',
  'bindings/cli/commands/plan.js',
  'bindings/cli/commands/prune.js',
  'bindings/cli/commands/rotate.js',
  'bindings/cli/commands/scopes.js',
  'bindings/cli/commands/sandbox.js',
  'bindings/cli/commands/update.js',
  'bindings/answer.js',
  'bindings/boundary.js',
  'bindings/checks.js',
  'bindings/client.js',
  'bindings/module.js',
  'bindings/errors.js',
  'bindings/tools/export.js',
  'bindings/exports.js',
  'bindings/fetch-wasm.js',
  'bindings/find.js',
  'bindings/cli/handover.js',
  'bindings/index.d.ts',
  'bindings/index.inline.js',
  'bindings/index.node.js',
  'bindings/index.web.js',
  'bindings/index.workerd.js',
  'bindings/tools/plan.js',
  'bindings/tools/rotate.js',
  'bindings/tools/retired.js',
  'bindings/tools/plan-retired.js',
  'bindings/scope-catalogue.js',
  'bindings/scopes.js',
  'bindings/text.js',
  'bindings/time.js',
  'bindings/token-status.js',
  'bindings/tools/tools.js',
  'bindings/words.js',
  'bindings/xhr.js',
  'dist/dockerhub_oat.inline.mjs',
  'dist/dockerhub_oat.mjs',
  'dist/dockerhub_oat.wasm',
  'dist/dockerhub_oat_tools.inline.mjs',
  'dist/dockerhub_oat_tools.mjs',
  'dist/dockerhub_oat_tools.wasm',
  'dist/wasm-url.mjs',
  'schema/tokens.schema.json',
  'web/server.js',
  'web/server/headers.js',
  'web/server/proxy.js',
  'web/server/static.js',
];

/** Every file under web/sandbox/ and web/dashboard/ ships: the sandbox is a tool of the package
 * (the ./sandbox export), the dashboard its page (`dockerhub-oat dashboard`). */
async function shippedFolders() {
  const files = [];
  for (const folder of ['web/sandbox', 'web/dashboard']) {
    const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) =>
          relative(root, join(e.parentPath ?? e.path, e.name))
            .split(sep)
            .join('/'),
        ),
    );
  }
  return files;
}

let work;
let pack;

before(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'dh-pack-')));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 16 << 20,
    timeout: 120_000,
  });
  [pack] = JSON.parse(stdout);
});

after(() => rm(work, { recursive: true, force: true }));

describe('npm pack', () => {
  test('ships exactly the allow-list', async () => {
    const files = pack.files.map((f) => f.path).sort();
    const expected = [...SHIPPED, ...(await shippedFolders())].sort();
    const extra = files.filter((f) => !expected.includes(f));
    const missing = expected.filter((f) => !files.includes(f));
    assert.deepEqual({ extra, missing }, { extra: [], missing: [] });
  });

  test('no build input, C source, test or state file slips in', () => {
    for (const { path } of pack.files) {
      assert.doesNotMatch(
        path,
        /\.(c|h|cmake|o|a|tgz|json\.tmp)$|(^|\/)(pre|library_dh)\.js$|^(src|tests|build|scripts)\//,
        path,
      );
      if (path.startsWith('web/'))
        assert.match(
          path,
          /^web\/(sandbox\/.*\.(js|d\.ts|md)|dashboard\/[\w.-]+\.(html|js|css|svg)|server\.js|server\/[\w-]+\.js)$/,
          path,
        );
    }
  });

  test("every file the dashboard's server serves is in the package (dockerhub-oat dashboard)", async () => {
    const { buildRoutes } = await import('../../web/server/static.js');
    const files = new Set(pack.files.map((f) => f.path));
    const served = [
      ...new Set(
        [...buildRoutes().values()].map((r) => relative(root, r.file).split(sep).join('/')),
      ),
    ];
    assert.ok(
      served.includes('web/dashboard/index.html') && served.includes('dist/dockerhub_oat.wasm'),
      served.join(', '),
    );
    assert.deepEqual(
      served.filter((f) => !files.has(f)),
      [],
    );
    for (const f of ['web/server.js', 'web/server/static.js', 'bindings/cli/commands/dashboard.js'])
      assert.ok(files.has(f), f);
  });

  test('the wasm and the glue are the built ones, and the CLI is a script', async () => {
    const size = (p) => pack.files.find((f) => f.path === p)?.size;
    const wasm = await readFile(join(root, 'dist/dockerhub_oat.wasm'));
    assert.equal(size('dist/dockerhub_oat.wasm'), wasm.length);
    assert.deepEqual([...wasm.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
    assert.ok(size('dist/dockerhub_oat.mjs') > 1000);
    // The inline build carries the same bytes, base64 (4 characters per 3 bytes).
    const inline = await readFile(join(root, 'dist/dockerhub_oat.inline.mjs'), 'utf8');
    assert.ok(inline.includes(`'${wasm.toString('base64')}'`));
    assert.equal(size('dist/dockerhub_oat.inline.mjs'), Buffer.byteLength(inline));
    const cli = await readFile(join(root, 'bindings/cli.js'), 'utf8');
    assert.ok(cli.startsWith('#!/usr/bin/env node\n'));
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.bin, { 'dockerhub-oat': 'bindings/cli.js' });
  });

  test('npm pack builds what it ships (prepack), and every host gets its entry, workerd before browser', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.prepack, 'bash scripts/build.sh');
    const conditions = Object.keys(pkg.exports['.']);
    assert.deepEqual(conditions, [
      'types',
      'workerd',
      'deno',
      'worker',
      'browser',
      'node',
      'default',
    ]);
    for (const target of Object.values(pkg.exports['.']))
      assert.ok(
        pack.files.some((f) => `./${f.path}` === target),
        target,
      );
    assert.deepEqual(pkg.exports['./sandbox'], {
      types: './web/sandbox/index.d.ts',
      default: './web/sandbox/index.js',
    });
  });
});

describe('installed from the tarball into a fresh folder', () => {
  let consumer;
  let sb;
  const env = () => ({ ...process.env, SANDBOX_URL: sb.url });

  before(async () => {
    sb = await startSandbox({ port: 0 });
    consumer = join(work, 'consumer');
    await run('mkdir', ['-p', consumer]);
    await writeFile(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    await run(
      npm,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--offline',
        '--loglevel=error',
        join(work, pack.filename),
      ],
      {
        cwd: consumer,
        maxBuffer: 16 << 20,
        timeout: 120_000,
      },
    );
  });

  after(() => sb?.close());

  test('is outside the repository', () => {
    assert.ok(!consumer.startsWith(root), consumer);
  });

  test('imports by name and runs all five operations, and the sandbox export', async () => {
    await writeFile(
      join(consumer, 'check.mjs'),
      `
import { createClient, DockerHubError, ERROR_CODES, SCOPES } from 'dockerhub-oat';
import { startSandbox } from 'dockerhub-oat/sandbox';

const out = { resolved: import.meta.resolve('dockerhub-oat'), sandbox: import.meta.resolve('dockerhub-oat/sandbox') };
const creds = { identifier: 'acme-owner', secret: 'sandbox-password' };
const hub = await createClient({ baseUrl: process.env.SANDBOX_URL, credentials: creds });
out.listed = (await hub.listAccessTokens('acme')).results.map((t) => t.label).sort();
const created = await hub.createAccessToken('acme', {
  label: 'pkg-check', resources: [{ ...SCOPES.PUBLIC_READ, scopes: [...SCOPES.PUBLIC_READ.scopes] }],
});
out.secretShape = /^dckr_oat_[A-Za-z0-9]{32}$/.test(created.token);
out.got = (await hub.getAccessToken('acme', created.id)).resources;
out.updated = await hub.updateAccessToken('acme', created.id, { label: 'pkg-check-2', is_active: false });
out.deleted = await hub.deleteAccessToken('acme', created.id);
try {
  await hub.getAccessToken('acme', created.id);
} catch (err) {
  out.afterDelete = { isDockerHubError: err instanceof DockerHubError, code: err.code, known: ERROR_CODES.includes(err.code) };
}
hub.close();

const own = await startSandbox({ port: 0 });
const hub2 = await createClient({ baseUrl: own.url, credentials: creds });
out.ownSandboxTotal = (await hub2.listAccessTokens('acme')).total;
hub2.close();
await own.close();
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await run(process.execPath, ['check.mjs'], {
      cwd: consumer,
      env: env(),
      timeout: 60_000,
    });
    const out = JSON.parse(stdout);
    const installed = `file://${join(consumer, 'node_modules/dockerhub-oat')}/`;
    assert.equal(out.resolved, `${installed}bindings/index.node.js`);
    assert.equal(out.sandbox, `${installed}web/sandbox/index.js`);
    assert.deepEqual(out.listed, ['ci-pull', 'legacy-deploy', 'q1-audit']);
    assert.equal(out.secretShape, true);
    assert.deepEqual(out.got, [
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
    ]);
    assert.equal(out.updated.label, 'pkg-check-2');
    assert.equal(out.updated.is_active, false);
    assert.equal(out.deleted, undefined);
    assert.deepEqual(out.afterDelete, { isDockerHubError: true, code: 'not_found', known: true });
    assert.equal(out.ownSandboxTotal, 3);
  });

  test('the bin runs through its node_modules/.bin link', async () => {
    const bin = join(consumer, 'node_modules/.bin/dockerhub-oat');
    const { stdout: help } = await run(bin, ['--help'], { cwd: consumer, timeout: 60_000 });
    assert.match(help, /^Usage: dockerhub-oat <command>/);
    const { stdout } = await run(bin, ['list', '--json'], {
      cwd: consumer,
      timeout: 60_000,
      env: {
        ...process.env,
        DOCKERHUB_BASE_URL: sb.url,
        DOCKERHUB_ORG: 'acme',
        DOCKERHUB_IDENTIFIER: 'acme-owner',
        DOCKERHUB_SECRET: 'sandbox-password',
      },
    });
    assert.equal(JSON.parse(stdout).total, 3);
  });

  test('the bin starts the sandbox from the installed package (dockerhub-oat sandbox)', async () => {
    const { stdout } = await run(
      join(consumer, 'node_modules/.bin/dockerhub-oat'),
      ['sandbox', '--help'],
      { cwd: consumer, timeout: 60_000 },
    );
    assert.match(stdout, /--port N/);
    const child = (await import('node:child_process')).spawn(
      join(consumer, 'node_modules/.bin/dockerhub-oat'),
      ['sandbox', '--port', '0', '--quiet'],
      { cwd: consumer },
    );
    try {
      const url = await new Promise((resolve, reject) => {
        let text = '';
        child.stdout.setEncoding('utf8').on('data', (d) => {
          text += d;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`the sandbox exited with ${code}: ${text}`)));
      });
      const res = await fetch(`${url}/v2/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'acme-owner', secret: 'sandbox-password' }),
      });
      assert.equal(res.status, 200);
      assert.equal(typeof (await res.json()).access_token, 'string');
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('the default (web) condition resolves to the web entry and bundles with no Node module', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      stdin: { contents: "export { createClient } from 'dockerhub-oat';", resolveDir: consumer },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => p.split(sep).join('/'));
    assert.ok(
      inputs.some((p) => p.endsWith('node_modules/dockerhub-oat/bindings/index.web.js')),
      inputs.join(', '),
    );
    assert.ok(!inputs.some((p) => p.endsWith('index.node.js')), inputs.join(', '));
    const text = result.outputFiles[0].text;
    assert.doesNotMatch(text, /\brequire\s*\(|\beval\s*\(|new\s+Function\b|["']node:/);
  });
});
