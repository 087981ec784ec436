// Rule: `export` writes every token of the org, whatever its label: a label is any text the org
// chose, "__proto__" included, and the exported file holds that token as any other (so a
// `plan --prune` of the export deletes nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOwnerWorld, PULL_API } from '../fixtures/hub.js';

test('export keeps a token labelled __proto__ (or constructor), and plan --prune of the export changes nothing', async () => {
  const world = await openOwnerWorld();
  const dir = mkdtempSync(join(tmpdir(), 'dh-export-labels-'));
  try {
    for (const label of ['__proto__', 'constructor', 'hasOwnProperty']) {
      await world.hub.createAccessToken('acme', { label, resources: [PULL_API] });
    }
    const exported = await world.cli(['export'], { cwd: dir });
    assert.equal(exported.code, 0, exported.stderr);
    const tokens = JSON.parse(exported.stdout).tokens;
    for (const label of ['__proto__', 'constructor', 'hasOwnProperty'])
      assert.ok(Object.hasOwn(tokens, label), `${label} is in the export`);
    writeFileSync(join(dir, 'tokens.json'), exported.stdout);
    const plan = await world.cli(['plan', '-f', 'tokens.json', '--prune'], { cwd: dir });
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.doesNotMatch(plan.stdout, /delete/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
});
