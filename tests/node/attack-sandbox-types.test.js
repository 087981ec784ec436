// Attack, as a strict TypeScript user: the sandbox's control token (printed in its banner, named in
// its 401 message as sb.controlToken) and its documented fault fields must be declared, or
// `tsc --strict` refuses the code that drives the control routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tests/types/attack-sandbox.ts type-checks under strict (controlToken, control, lose, waitSeconds)', () => {
  const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tests/types/tsconfig.attack.json', '--noEmit'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.error, undefined);
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
