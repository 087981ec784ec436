// SIGINT and SIGTERM, real signals to a child CLI: during apply the step in flight finishes, no
// other starts, the CLI says what was done and what was not and exits 130; a second signal stops
// at once and says what it abandons. The signal is sent by the hand-over command itself (its
// parent is the CLI), so it lands at a known point; the order is read from the sandbox's log.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorld } from '../fixtures/hub.js';
import { runCli } from '../fixtures/cli-run.js';

let world;
let dir;
beforeEach(async () => {
  world = await openWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-signal-'));
});
afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A hand-over command that sends the CLI these signals, then takes the secret. (Two of one kind
 * could merge into one while pending, as POSIX allows: a second signal is of another kind.) */
const signaller = (
  signals,
) => `const fs = require('fs'); for (const s of ${JSON.stringify(signals)}) process.kill(process.ppid, s);
fs.writeFileSync(process.argv[1] || 'x', fs.readFileSync(0));`;

async function applyWithSignal(...signals) {
  writeFileSync(join(dir, 'sig.js'), signaller(signals));
  const m = {
    tokens: {
      first: { secret: { exec: `${process.execPath} sig.js first.token` } },
      second: { secret: { out: 'second.token' } },
      third: { secret: { out: 'third.token' } },
    },
  };
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify(m, null, 2));
  world.sb.resetRequests();
  return runCli(['apply', '-f', 'tokens.json', '--yes'], { cwd: dir, env: world.ownerEnv() });
}

const creates = () =>
  world.sb.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/access-tokens'));
const labels = () => world.sb.state.orgs.find((o) => o.name === 'acme').tokens.map((t) => t.label);

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(`${signal} during apply: the step in flight finishes, no other starts, done / not done, exit 130`, async () => {
    const r = await applyWithSignal(signal);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, new RegExp(`${signal}: stopping after the step in flight`));
    assert.match(
      r.stderr,
      /Interrupted: the step in flight finished, and nothing after it was started\.\nDone:\n {2}\+ create first.*\nNot done:\n {2}\+ create second.*\n {2}\+ create third/,
    );
    assert.equal(creates().length, 1, 'one create: the step in flight');
    assert.ok(labels().includes('first') && !labels().includes('second'));
  });
}

test('a second signal stops at once and says what it abandons', async () => {
  // Both are sent back to back; the system may deliver them in either order. Whichever comes
  // second stops at once.
  const r = await applyWithSignal('SIGINT', 'SIGTERM');
  assert.equal(r.code, 130, r.stderr);
  const [, first] = /(SIGINT|SIGTERM): stopping after the step in flight/.exec(r.stderr) ?? [];
  assert.ok(first, r.stderr);
  const second = first === 'SIGINT' ? 'SIGTERM' : 'SIGINT';
  assert.match(
    r.stderr,
    new RegExp(
      `${second}, a second signal: stopping at once; abandoned: step 1 of 3 \\(create first\\) in flight, and 2 after it; run plan to see whether it happened\\.`,
    ),
  );
  assert.equal(creates().length, 1);
});
