// Rule: the sandbox's types declare what its banner, its 401 message and its README tell a user to
// write (sb.controlToken, CONTROL_TOKEN_HEADER, the documented fault fields), so the code that drives
// the control routes passes `tsc --strict` (tests/types/sandbox-control.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tests/types/sandbox-control.ts type-checks under strict (controlToken, control, lose, waitSeconds)', () => {
  const r = spawnSync(
    join(root, 'node_modules/.bin/tsc'),
    ['-p', 'tests/types/tsconfig.sandbox-control.json', '--noEmit'],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.error, undefined);
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
