// The audit's advice is a command that works as printed: each finding's `fix` (an argv array, in
// --json and in the table's "To fix" lines) is run with the CLI against the sandbox, and after it
// that finding (its token and kind) is gone. Broad scopes need a person: their fix is null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorld, OWNER } from '../fixtures/hub.js';
import { runCli } from '../fixtures/cli-run.js';

const DAY = 86400e3;

test('every fix the audit gives, run as printed, makes its finding go away', async () => {
  let clock = Date.now() - 100 * DAY; // the sandbox's clock: moved, never slept
  const world = await openWorld({ now: () => clock ?? Date.now() });
  try {
    const hub = await world.client({ credentials: OWNER });
    await hub.createAccessToken('acme', {
      label: 'stale',
      expires_at: new Date(Date.now() + 200 * DAY).toISOString(),
    });
    clock = null;
    await hub.createAccessToken('acme', { label: 'forever' });
    await hub.createAccessToken('acme', {
      label: 'soon',
      expires_at: new Date(Date.now() + 5 * DAY).toISOString(),
    });
    const env = world.ownerEnv();
    const json = await runCli(['audit', '--json'], { env });
    assert.equal(json.code, 0, json.stderr);
    const findings = JSON.parse(json.stdout).findings;
    const kinds = new Set(findings.filter((f) => f.fix).map((f) => f.kind));
    assert.deepEqual([...kinds].sort(), ['expired', 'expiring', 'inactive', 'no_expiry', 'unused']);
    for (const f of findings) {
      if (f.kind === 'broad') {
        assert.equal(f.fix, null);
        continue;
      }
      assert.equal(f.fix[0], 'dockerhub-oat');
      const r = await runCli(f.fix.slice(1), { env });
      assert.equal(r.code, 0, `${f.fix.join(' ')}: ${r.stderr}`);
      const after = await hub.auditAccessTokens('acme');
      assert.ok(
        !after.findings.some((g) => g.tokenId === f.tokenId && g.kind === f.kind),
        `${f.kind} of ${f.label} is gone after ${f.fix.join(' ')}`,
      );
    }
  } finally {
    await world.close();
  }
});
