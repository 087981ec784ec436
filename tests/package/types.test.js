// The package's types (bindings/index.d.ts, web/sandbox/index.d.ts) against a typed use of the
// whole API (tests/types), with `tsc --strict`, under both `nodenext` and `bundler` resolution: in
// the repository, and in a project that installed the packed tarball; and a control showing the
// check fails on misuse.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPacked } from '../hosts/pack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules/.bin/tsc');

function runTsc(args, cwd = root) {
  const r = spawnSync(tsc, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.error, undefined, `could not run ${tsc}: ${r.error}`);
  return r;
}

const CONFIGS = {
  nodenext: 'tests/types/tsconfig.json',
  bundler: 'tests/types/tsconfig.bundler.json',
};

for (const [resolution, config] of Object.entries(CONFIGS)) {
  test(`tests/types/usage.ts type-checks under strict, ${resolution} resolution (tsc -p ${config})`, () => {
    const r = runTsc(['-p', config, '--noEmit']);
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });
}

describe('the same user code against the installed tarball', () => {
  let installed;
  before(async () => {
    installed = await installPacked('dh-types-');
    for (const f of ['usage.ts', 'tsconfig.json', 'tsconfig.bundler.json'])
      copyFileSync(join(root, 'tests/types', f), join(installed.project, f));
  });
  after(() => installed?.remove());

  for (const [resolution, config] of Object.entries(CONFIGS)) {
    test(`${resolution}: tsc --strict finds both .d.ts files through the exports map`, () => {
      const file = config.replace('tests/types/', '');
      const r = runTsc(['-p', file, '--noEmit', '--traceResolution'], installed.project);
      const out = r.stdout + r.stderr;
      assert.equal(
        r.status,
        0,
        `tsc failed:\n${out
          .split('\n')
          .filter((l) => /error TS/.test(l))
          .join('\n')}`,
      );
      assert.match(
        out,
        /'dockerhub-oat' was successfully resolved to '[^']*node_modules\/dockerhub-oat\/bindings\/index\.d\.ts'/,
      );
      assert.match(
        out,
        /'dockerhub-oat\/sandbox' was successfully resolved to '[^']*node_modules\/dockerhub-oat\/web\/sandbox\/index\.d\.ts'/,
      );
    });
  }
});

test('control: a wrong error code, a wrong wire name and a wrong retire mode are type errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'misuse.ts'),
    `
import { DockerHubError, type Client } from 'dockerhub-oat';
export async function f(hub: Client, err: DockerHubError) {
  if (err.code === 'not-found') return;
  await hub.updateAccessToken('acme', 'id', { isActive: false });
  await hub.rotateAccessToken('acme', 'id', { retire: 'revoke' });
}
`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM'],
        types: [],
        paths: { 'dockerhub-oat': [join(root, 'bindings/index.d.ts')] },
      },
      files: ['misuse.ts'],
    }),
  );
  const r = runTsc(['-p', dir, '--noEmit']);
  assert.notEqual(r.status, 0, 'tsc accepted misuse');
  const out = r.stdout + r.stderr;
  assert.match(out, /misuse\.ts\(4,\d+\): error TS2367/, out);
  assert.match(out, /misuse\.ts\(5,\d+\): error TS(2353|2561)/, out);
  assert.match(out, /misuse\.ts\(6,\d+\): error TS2322/, out);
});
