// The CLI's token-hygiene commands, run as users run them (a child `node` process) against the
// sandbox's hygiene world at a fixed clock: audit (the same findings as the library, --fail-on,
// --markdown, the table and its progress line), prune (the plan, --yes, the stop at the first
// failure, proved by the request log), and the secret hand-over of create and rotate (--exec,
// --out), proved by /proc/<child>/cmdline and environ and the CLI's stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOW, ORG, OWNER, EXPECTED, keys, openHygieneWorld } from '../fixtures/hygiene.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));
const PROBE = fileURLToPath(new URL('../probes/exec-probe.js', import.meta.url));
const NOW_ISO = new Date(NOW).toISOString();

let world;
let sb;
let dir;
const allStderr = [];

before(async () => {
  world = await openHygieneWorld();
  sb = world.sb;
  dir = mkdtempSync(join(tmpdir(), 'dh-cli-audit-'));
});
after(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI; `onSpawn(child)` may run beside it. @returns {Promise<{ code, stdout, stderr }>} */
function cli(args, { env = {}, during } = {}) {
  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    DOCKERHUB_BASE_URL: sb.url,
    DOCKERHUB_ORG: ORG,
    DOCKERHUB_IDENTIFIER: OWNER.identifier,
    DOCKERHUB_SECRET: OWNER.secret,
    DOCKERHUB_OAT_NOW: NOW_ISO,
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: root,
      env: base,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
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
    const side = during ? during(child) : Promise.resolve();
    child.on('close', (code) => {
      allStderr.push(stderr);
      side.then(() => resolve({ code, stdout, stderr }), reject);
    });
    child.stdin.end('');
  });
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const tokenRecord = (label) =>
  sb.state.orgs.find((o) => o.name === ORG).tokens.find((t) => t.label === label);
const requestsOf = (method) => sb.requests.filter((r) => r.method === method);

/** No 8-character run of `secret` in `text`. */
function assertNoRunOf(secret, text, where) {
  for (let i = 0; i + 8 <= secret.length; i++) {
    assert.ok(!text.includes(secret.slice(i, i + 8)), `${where} holds part of a secret`);
  }
}

test("audit --json gives exactly the library's findings for the same world and clock", async () => {
  const { hub } = world;
  const lib = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
  const r = await cli(['audit', '--json', '--plan', 'team']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(keys(report.findings), EXPECTED);
  assert.deepEqual(report.findings, lib.findings);
  assert.deepEqual(report.summary, lib.summary);
  assert.match(r.stderr, /Reading token resources: 10 of 10/);
});

test('audit prints a table with every finding, the summary line, and progress on stderr only', async () => {
  const r = await cli(['audit', '--limit', '10']);
  assert.equal(r.code, 0, r.stderr);
  const [tableText, fixText] = r.stdout.split(
    '\nTo fix (each command as printed; the finding is then gone):\n',
  );
  const lines = tableText.trimEnd().split('\n');
  assert.match(fixText, /^ {2}dockerhub-oat (delete|deactivate|rotate) [0-9a-f-]{36}/m);
  assert.match(lines[0], /^SEVERITY\s+TOKEN\s+ID\s+FINDING$/);
  assert.equal(lines.length, 1 + EXPECTED.length + 1);
  assert.match(lines[1], /^high +admin-everything /, 'the highest severity first');
  assert.equal(
    lines.at(-1),
    'Tokens used: 10 of 10. 12 findings (3 high, 5 medium, 4 low) in 8 of 10 tokens.',
  );
  assert.doesNotMatch(r.stdout, /Reading token resources/);
});

test('audit --fail-on gates: exit 3 at or above the severity, 0 below it, 1 for a wrong one', async () => {
  // acme (the default world, same sandbox): one medium (expired), two low findings, no high.
  const acme = { DOCKERHUB_ORG: 'acme', DOCKERHUB_IDENTIFIER: 'acme-owner' };
  const high = await cli(['audit', '--fail-on', 'high'], { env: acme });
  assert.equal(high.code, 0, high.stderr);
  for (const level of ['medium', 'low']) {
    const r = await cli(['audit', '--fail-on', level], { env: acme });
    assert.equal(r.code, 3, `${level}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`findings at or above ${level}`));
  }
  assert.equal((await cli(['audit', '--fail-on', 'high'])).code, 3);
  assert.equal((await cli(['audit'])).code, 0, 'no gate, no failure');
  const wrong = await cli(['audit', '--fail-on', 'urgent']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /--fail-on needs low, medium, high/);
  assert.equal((await cli(['audit', '--json', '--markdown'])).code, 1);
  assert.equal((await cli(['audit', '--unused', 'soon'])).code, 1);
});

test('audit --markdown: a heading, the usage line and one table row per finding', async () => {
  const r = await cli(['audit', '--markdown', '--plan', 'team']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^## Token audit of initech \(2026-12-01\)\n\nTokens used: 10 of 10\. 12 findings/,
  );
  assert.match(r.stdout, /\*\*The organization is at its token limit\*\*/);
  assert.equal(
    r.stdout.split('\n').filter((l) => /^\| (?!Token |---)/.test(l)).length,
    EXPECTED.length,
  );
  assert.match(r.stdout, /\| admin-everything \| high \| Grants admin scopes on initech\/\\\*/);
});

test('prune without --yes prints the plan and deletes nothing: the request log has no DELETE', async () => {
  sb.resetRequests();
  const r = await cli(['prune', '--expired', '--inactive', '--unused', '100d']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Would delete 4 tokens from initech:/);
  for (const label of ['q3-report', 'old-deploy', 'nightly-backup', 'onboarding-bot'])
    assert.match(r.stdout, new RegExp(label));
  assert.doesNotMatch(r.stdout, /release-signing|admin-everything|ci-pull/);
  assert.match(r.stderr, /Nothing was deleted\. Run again with --yes/);
  assert.ok(sb.requests.length > 0);
  assert.deepEqual(
    sb.requests.filter((x) => x.method !== 'GET' && x.path !== '/v2/auth/token'),
    [],
  );
  const json = await cli(['prune', '--json']);
  assert.deepEqual(
    JSON.parse(json.stdout)
      .plan.map((c) => c.label)
      .sort(),
    ['old-deploy', 'q3-report'],
  );
  assert.equal(requestsOf('DELETE').length, 0);
});

test('prune --yes stops at the first failure and says what was deleted, what failed, what was not tried', async () => {
  const own = await openHygieneWorld();
  const { sb: other, hub } = own;
  try {
    const listed = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results;
    // Candidates go in list order (newest first): find the second one and fail its DELETE.
    const candidates = ['q3-report', 'old-deploy', 'nightly-backup', 'onboarding-bot'];
    const order = listed.filter((t) => candidates.includes(t.label)).map((t) => t.label);
    const second = listed.find((t) => t.label === order[1]);
    other.faults({ method: 'DELETE', path: `${second.id}$`, preset: 'server-error', times: 10 });
    other.resetRequests();
    const r = await cli(['prune', '--expired', '--inactive', '--unused', '100d', '--yes'], {
      env: { DOCKERHUB_BASE_URL: other.url },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`could not delete ${order[1]} \\(${second.id}\\)`));
    assert.match(r.stderr, new RegExp(`Deleted 1 of 4: ${order[0]}\\.`));
    assert.match(
      r.stderr,
      new RegExp(
        `Not deleted: ${order[1]} \\(failed\\), ${order[2]}, ${order[3]} \\(not attempted\\)\\.`,
      ),
    );
    const deletes = other.requests
      .filter((x) => x.method === 'DELETE')
      .map((x) => x.path.split('/').pop());
    assert.equal(
      new Set(deletes).size,
      2,
      'the first candidate, then the failing one (with its retries); nothing after',
    );
    const left = other.state.orgs.find((o) => o.name === ORG).tokens.map((t) => t.label);
    assert.ok(!left.includes(order[0]));
    for (const label of order.slice(1)) assert.ok(left.includes(label));
  } finally {
    await own.close();
  }
});

/** Starts a probe-backed --exec run: returns the CLI result and what the probe's /proc showed. */
async function execRun(args) {
  const probeDir = mkdtempSync(join(dir, 'probe-'));
  const ready = join(probeDir, 'ready');
  const go = join(probeDir, 'go');
  const out = join(probeDir, 'out');
  for (const f of [ready, go]) assert.equal(spawnSync('mkfifo', [f]).status, 0);
  const seen = {};
  const r = await cli([...args, '--exec', `${process.execPath} ${PROBE} ${ready} ${go} ${out}`], {
    during: (child) => {
      // A CLI that ends without starting the probe would leave the fifo read waiting: end it.
      let reading = true;
      child.on('exit', () => {
        if (reading) writeFile(ready, '').catch(() => {});
      });
      return (async () => {
        const pid = (await readFile(ready, 'utf8')).trim();
        reading = false;
        if (!pid) return;
        seen.cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        seen.environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        await writeFile(go, 'go');
      })();
    },
  });
  seen.stdin = existsSync(out) ? readFileSync(out, 'utf8') : null;
  return { r, seen };
}

test("create --exec: the secret reaches the child's stdin only, never its argv, its environment or a log", async () => {
  sb.resetRequests();
  // Make room: the world is at its limit.
  const { hub } = world;
  await hub.deleteAccessToken(ORG, tokenRecord('q3-report').id);
  const { r, seen } = await execRun([
    'create',
    '--label',
    'exec-made',
    '--repo',
    'initech/api=image-pull',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const record = tokenRecord('exec-made');
  assert.match(seen.stdin, /^dckr_oat_[A-Za-z0-9]{32}$/, 'the secret, with no newline after it');
  assert.equal(sha256(seen.stdin), record.sha256, "the child got the created token's secret");
  assert.match(seen.cmdline, /exec-probe\.js/);
  for (const [where, text] of [
    ['cmdline', seen.cmdline],
    ['environ', seen.environ],
    ['stderr', r.stderr],
    ['stdout', r.stdout],
  ])
    assertNoRunOf(seen.stdin, text, where);
  assert.ok(!seen.environ.includes(OWNER.secret), 'DOCKERHUB_SECRET is not passed to the child');
  assert.match(
    r.stderr,
    new RegExp(
      `Created token exec-made \\(${record.id}\\) in initech; its secret went to the command`,
    ),
  );
  assert.equal(r.stdout, '');
});

test('rotate --exec: the old token is retired only after the hand-over worked', async () => {
  const old = tokenRecord('legacy-ci');
  const { hub } = world;
  await hub.deleteAccessToken(ORG, tokenRecord('nightly-backup').id); // room: the org is at its limit
  const { r, seen } = await execRun(['rotate', old.id]);
  assert.equal(r.code, 0, r.stderr);
  const fresh = sb.state.orgs
    .find((o) => o.name === ORG)
    .tokens.find((t) => t.label === 'legacy-ci' && t.id !== old.id);
  assert.equal(sha256(seen.stdin), fresh.sha256);
  const retired = sb.state.orgs.find((o) => o.name === ORG).tokens.find((t) => t.id === old.id);
  assert.equal(retired.is_active, false);
  assert.match(retired.label, /^legacy-ci~retired~delete-after-/);
  assert.match(r.stderr, new RegExp(`Deactivated and relabelled the old token ${old.id}`));
  for (const text of [seen.cmdline, seen.environ, r.stderr, r.stdout])
    assertNoRunOf(seen.stdin, text, 'rotate');
});

test('a failed hand-over: rotate deletes the new token again and keeps the old one; create names the token; no secret shown', async () => {
  const { hub } = world;
  const old = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.find(
    (t) => t.label === 'ci-pull',
  ); // a 90-day span: within the year the sandbox allows from its clock
  // Room for two new tokens.
  for (const label of ['old-deploy', 'exec-made'])
    await hub.deleteAccessToken(ORG, tokenRecord(label).id);
  const before = new Set(sb.state.orgs.find((o) => o.name === ORG).tokens.map((t) => t.id));
  const r = await cli(['rotate', old.id, '--retire', 'delete', '--exec', 'false']);
  assert.equal(r.code, 1, r.stderr);
  const made = /Created the new token ([0-9a-f-]{36})\./.exec(r.stderr)?.[1];
  assert.ok(made, 'Docker Hub created the new token');
  assert.match(
    r.stderr,
    new RegExp(
      `error: handover_failed: the new token ${made} could not be handed over \\(handover_failed: its secret could not be handed to the command false: false exited with status 1\\), so it was deleted again; the old token ${old.id} is untouched and still works`,
    ),
  );
  assert.match(r.stderr, new RegExp(`Deleted the new token ${made} again\\.`));
  const after = sb.state.orgs.find((o) => o.name === ORG).tokens;
  assert.deepEqual(
    after.filter((t) => !before.has(t.id)),
    [],
    'no stray new token',
  );
  assert.ok(after.some((t) => t.id === old.id && t.is_active && t.label === 'ci-pull'));
  assert.doesNotMatch(r.stdout + r.stderr, /dckr_oat_/);

  // A program that cannot start is found out before the create: nothing to recover from.
  const requests = sb.requests.length;
  const c = await cli(['create', '--label', 'lost', '--exec', 'no-such-command-here']);
  assert.notEqual(c.code, 0);
  assert.match(
    c.stderr,
    /--exec: the command "no-such-command-here" is not found or not executable; nothing was created/,
  );
  assert.equal(sb.requests.length, requests, 'no request at all');
  assert.equal(tokenRecord('lost'), undefined);
});

test('create --out: a new 0600 file with the secret; an existing file or a planted link is refused before any create', async () => {
  const file = join(dir, 'secret.txt');
  const r = await cli(['create', '--label', 'to-file', '--out', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const secret = readFileSync(file, 'utf8');
  assert.equal(sha256(secret), tokenRecord('to-file').sha256);
  assertNoRunOf(secret, r.stderr + r.stdout, 'create --out output');

  const taken = join(dir, 'taken.txt');
  writeFileSync(taken, 'keep me');
  const link = join(dir, 'link.txt');
  symlinkSync(join(dir, 'elsewhere.txt'), link);
  sb.resetRequests();
  for (const target of [taken, link]) {
    const again = await cli(['create', '--label', 'never', '--out', target]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /the file exists; refusing to overwrite it/);
  }
  assert.equal(readFileSync(taken, 'utf8'), 'keep me');
  assert.ok(!existsSync(join(dir, 'elsewhere.txt')));
  assert.equal(
    requestsOf('POST').filter((x) => x.path.includes('access-tokens')).length,
    0,
    'nothing was created',
  );

  // A create that fails writes nothing: the org is at its limit again.
  const hub2 = world.hub;
  const room = 10 - (await hub2.listAccessTokens(ORG)).total;
  for (let i = 0; i < room; i++) await hub2.createAccessToken(ORG, { label: `filler-${i}` });
  const full = join(dir, 'never.txt');
  const failed = await cli(['create', '--label', 'over', '--out', full]);
  assert.equal(failed.code, 1);
  assert.ok(!existsSync(full), 'no file where the create failed');
  assert.equal((await cli(['create', '--label', 'x', '--out', full, '--exec', 'cat'])).code, 1);
  assert.equal((await cli(['create', '--label', 'x', '--exec-shell'])).code, 1);
  assert.equal((await cli(['create', '--label', 'x', '--exec', "cat 'open"])).code, 1);
});

test('no stderr of any run above held a token secret', () => {
  for (const text of allStderr) assert.doesNotMatch(text, /dckr_oat_[A-Za-z0-9]{8}/);
});
