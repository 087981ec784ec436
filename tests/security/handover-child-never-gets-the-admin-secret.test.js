// Rule: the command that receives a new token's secret never gets the admin's credentials. A
// manifest's { "exec": ... } run by `apply` leaves DOCKERHUB_SECRET and DOCKERHUB_TOKEN out of the
// child's environment, as `create --exec` does, and whatever the child prints goes to stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorld } from '../fixtures/hub.js';

const PROBE = fileURLToPath(new URL('../probes/env-probe.js', import.meta.url));

test('apply: the exec hand-over child gets neither DOCKERHUB_SECRET nor DOCKERHUB_TOKEN', async () => {
  const world = await openWorld();
  const dir = mkdtempSync(join(tmpdir(), 'attack-apply-env-'));
  try {
    writeFileSync(
      join(dir, 'tokens.json'),
      JSON.stringify({
        version: 1,
        tokens: { 'env-probe': { secret: { exec: `${process.execPath} ${PROBE} env.json` } } },
      }),
    );
    const r = await world.cli(['apply', '-f', 'tokens.json', '--yes'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    assert.match(seen.stdin, /^dckr_oat_/, 'the child got the new secret on its stdin');
    assert.equal(
      seen.env.DOCKERHUB_SECRET,
      undefined,
      "the owner's password reached the child's environment",
    );
    assert.ok(!JSON.stringify(seen.env).includes('sandbox-password'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
});
