// Rule: every command the CLI prints as advice (the audit's "To fix" and each finding's `fix` argv
// in --json; `plan --save`'s "apply it with") runs as printed, in the same shell, whichever way the admin named the organization and
// the server: with --org and --base-url flags (no DOCKERHUB_ORG, no DOCKERHUB_BASE_URL) the advice
// carries those flags, so running it reaches the same org on the same server, and the finding is
// then gone. Walked from the packed, installed package against its own sandbox (dockerhub-oat/sandbox).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedProject } from './helpers/installed.js';

const SECRETS = { DOCKERHUB_IDENTIFIER: 'acme-owner', DOCKERHUB_SECRET: 'sandbox-password' };
const FIX_HEAD = '\nTo fix (each command as printed; the finding is then gone):\n';

let project;
let sb;

before(async () => {
  project = await installedProject('dh-journey-advice-');
  const entry = join(
    project.project,
    'node_modules',
    'dockerhub-oat',
    'web',
    'sandbox',
    'index.js',
  );
  const { startSandbox } = await import(pathToFileURL(entry).href);
  sb = await startSandbox({ port: 0 });
});

after(async () => {
  await sb?.close();
  await project?.remove();
});

/** The audit, with the org and the server given only as flags. */
const audit = (extra = []) =>
  project.cli(['audit', '--org', 'acme', '--base-url', sb.url, ...extra], { env: SECRETS });

/** Runs a printed command in the project, the installed bin standing for `dockerhub-oat`. */
function runPrinted(argv) {
  assert.equal(
    argv[0],
    'dockerhub-oat',
    `advice starts with the program's name: ${argv.join(' ')}`,
  );
  return project.cli(argv.slice(1), { env: SECRETS });
}

test('the table\'s "To fix" commands, run as printed after an audit with --org and --base-url, fix their findings', async () => {
  const before_ = await audit();
  assert.equal(before_.code, 0, before_.stderr);
  const fixes =
    before_.stdout
      .split(FIX_HEAD)[1]
      ?.trim()
      .split('\n')
      .map((l) => l.trim().split(/ +/)) ?? [];
  assert.ok(fixes.length >= 1, before_.stdout);
  const kindsBefore = before_.stdout.match(/^(?:medium|low) +\S+/gm);
  for (const argv of fixes) {
    const r = await runPrinted(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}\n${r.stderr}`);
  }
  const after_ = await audit();
  assert.equal(after_.code, 0, after_.stderr);
  assert.ok(
    !after_.stdout.includes(FIX_HEAD),
    `no advice left after following it:\n${after_.stdout}`,
  );
  assert.ok(kindsBefore.length > 0);
});

test("each --json finding's fix argv, run as given, reaches the org and server the audit named by flags", async () => {
  const made = await project.cli(
    [
      'create',
      '--org',
      'acme',
      '--base-url',
      sb.url,
      '--label',
      'old-unused',
      '--repo',
      'acme/api=image-pull',
      '--expires',
      'never',
    ],
    { env: SECRETS },
  );
  assert.equal(made.code, 0, made.stderr);
  const r = await audit(['--json']);
  assert.equal(r.code, 0, r.stderr);
  const fixes = JSON.parse(r.stdout)
    .findings.map((f) => f.fix)
    .filter(Boolean);
  assert.ok(fixes.length >= 1, r.stdout);
  for (const argv of fixes) {
    assert.ok(
      argv.includes('--org') && argv.includes('--base-url'),
      `the fix names the org and server: ${argv.join(' ')}`,
    );
    const done = await runPrinted(argv);
    assert.equal(done.code, 0, `${argv.join(' ')}\n${done.stderr}`);
  }
});

test('plan --save\'s "apply it with" command, run as printed (with --yes, as CI runs it), applies that plan', async () => {
  writeFileSync(
    join(project.project, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: {
        'release-pull': {
          resources: { repositories: { 'acme/web': ['image-pull'] } },
          expires: '30d',
          secret: { out: 'release-pull.token' },
        },
      },
    }),
  );
  const planned = await project.cli(
    ['plan', '-f', 'tokens.json', '--org', 'acme', '--base-url', sb.url, '--save', 'plan.json'],
    { env: SECRETS },
  );
  assert.equal(planned.code, 2, planned.stderr);
  const advice = /apply it with '([^']+)'/.exec(planned.stderr)?.[1];
  assert.ok(advice, planned.stderr);
  const applied = await runPrinted([...advice.split(' '), '--yes']);
  assert.equal(applied.code, 0, `${advice}\n${applied.stderr}`);
  const listed = await project.cli(['list', '--json', '--org', 'acme', '--base-url', sb.url], {
    env: SECRETS,
  });
  assert.ok(
    JSON.parse(listed.stdout).results.some((t) => t.label === 'release-pull'),
    listed.stdout,
  );
});
