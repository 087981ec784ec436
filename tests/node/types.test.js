// The package's types (bindings/index.d.ts) against a typed use of the whole API (tests/types),
// with `tsc --strict`; and a control showing the check fails on misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules/.bin/tsc');

function runTsc(args) {
  const r = spawnSync(tsc, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.error, undefined, `could not run ${tsc}: ${r.error}`);
  return r;
}

test('tests/types/usage.ts type-checks under strict (tsc -p tests/types --noEmit)', () => {
  const r = runTsc(['-p', 'tests/types', '--noEmit']);
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

test('control: a wrong error code, a wrong wire name and a wrong retire mode are type errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'misuse.ts'), `
import { DockerHubError, type Client } from 'dockerhub-oat';
export async function f(hub: Client, err: DockerHubError) {
  if (err.code === 'not-found') return;
  await hub.updateAccessToken('acme', 'id', { isActive: false });
  await hub.rotateAccessToken('acme', 'id', { retire: 'revoke' });
}
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'], types: [], paths: { 'dockerhub-oat': [join(root, 'bindings/index.d.ts')] },
    },
    files: ['misuse.ts'],
  }));
  const r = runTsc(['-p', dir, '--noEmit']);
  assert.notEqual(r.status, 0, 'tsc accepted misuse');
  const out = r.stdout + r.stderr;
  assert.match(out, /misuse\.ts\(4,\d+\): error TS2367/, out);
  assert.match(out, /misuse\.ts\(5,\d+\): error TS(2353|2561)/, out);
  assert.match(out, /misuse\.ts\(6,\d+\): error TS2322/, out);
});
