// Tokens as code that CI can trust, from `npm install dockerhub-oat` and the README: the installed
// CLI against a sandbox, in the ten steps. export; plan says no changes (0); edit, then
// plan --save (2); apply --plan; the same plan again refused with no write; rotate --expires 90d
// (one token with the label, 90 days, its secret signs in); the file's plan still says no changes;
// a rotate_every that is due rotates on the next apply; a failed hand-over leaves the old token
// working and no stray new one; the README's CI lines (examples/ci.sh) fail with a missing secret
// and a missing file. Order is read from the sandbox's request log: the new token signs in before
// anything retires the old one, and the hand-over (a consumer that signs in with what it got) comes
// before the retire.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installedProject, run } from './helpers/installed.js';
import { readmeExamples } from '../hosts/readme.js';
import { root } from '../hosts/pack.js';
import { startSandbox } from '../../web/sandbox/index.js';

const DAY = 86400e3;
const NPX_ENV = {
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
};
// The hand-over's consumer: signs in to the sandbox with the secret it got on stdin (so the
// sandbox's log shows when the hand-over happened), then keeps it in the file named.
const CONSUMER = `import { readFileSync, writeFileSync } from 'node:fs';
const secret = readFileSync(0, 'utf8');
const r = await fetch(process.env.DOCKERHUB_BASE_URL + '/v2/auth/token', { method: 'POST',
  headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: 'acme', secret }) });
if (r.status !== 200) process.exit(4);
writeFileSync(process.argv[2], secret, { mode: 0o600 });
`;

let project;
let sb;
let clock = null; // null: the real clock; a number: the sandbox's clock is moved, never slept
let env;
const cli = (args, more = {}) => project.cli(args, { env: { ...env, ...more } });
const file = (name) => join(project.project, name);
const org = () => sb.state.orgs.find((o) => o.name === 'acme').tokens;
const holders = (label) => org().filter((t) => t.label === label);
/** The request log in words: "sign-in ID" for an OAT's sign-in, else "METHOD ID-or-path". */
const log = () =>
  sb.requests.map((r) =>
    r.signedIn?.tokenId
      ? `sign-in ${r.signedIn.tokenId}`
      : `${r.method} ${r.path.replace('/v2/orgs/acme/access-tokens/', '')}`,
  );
const writes = () =>
  sb.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/v2/auth/'));
const manifest = () => JSON.parse(readFileSync(file('tokens.json'), 'utf8'));
const save = (m) => writeFileSync(file('tokens.json'), `${JSON.stringify(m, null, 2)}\n`);
const signsIn = async (secret) =>
  (
    await fetch(`${sb.url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'acme', secret }),
    })
  ).status === 200;

before(async () => {
  project = await installedProject('dh-journey-tac-');
  sb = await startSandbox({ port: 0, now: () => clock ?? Date.now() });
  env = {
    DOCKERHUB_BASE_URL: sb.url,
    DOCKERHUB_ORG: 'acme',
    DOCKERHUB_IDENTIFIER: 'acme-owner',
    DOCKERHUB_SECRET: 'sandbox-password',
  };
  writeFileSync(file('consumer.mjs'), CONSUMER);
});

after(async () => {
  await sb?.close();
  await project?.remove();
});

test('1-2. export, then plan says no changes (exit 0)', async () => {
  const exported = await cli(['export']);
  assert.equal(exported.code, 0, exported.stderr);
  writeFileSync(file('tokens.json'), exported.stdout);
  const plan = await cli(['plan', '-f', 'tokens.json']);
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /^No changes: the tokens of acme match the file\./);
});

test('3-5. edit, plan --save (exit 2), apply --plan; the same plan again is refused with no write', async () => {
  const m = manifest();
  m.tokens['ci-push'] = {
    description: 'CI pushes',
    expires: '90d',
    resources: { repositories: { 'acme/api': ['image-push'] } },
    secret: { exec: 'node consumer.mjs ci-push.secret' },
  };
  save(m);
  const plan = await cli(['plan', '-f', 'tokens.json', '--save', 'plan.json']);
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stdout, /\+ create ci-push/);
  const applied = await cli(['apply', '--plan', 'plan.json', '--yes']);
  assert.equal(applied.code, 0, applied.stderr);
  const [made] = holders('ci-push');
  assert.ok(
    await signsIn(readFileSync(file('ci-push.secret'), 'utf8')),
    'the handed-over secret works',
  );
  assert.ok(made.is_active);

  sb.resetRequests();
  const again = await cli(['apply', '--plan', 'plan.json', '--yes']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /changed since this plan was made/);
  assert.deepEqual(writes(), [], 'no write request');
});

test('6-7. rotate ci-push --expires 90d: one token with the label, 90 days, its secret signs in; the plan says no changes', async () => {
  const [old] = holders('ci-push');
  sb.resetRequests();
  const r = await cli([
    'rotate',
    'ci-push',
    '--expires',
    '90d',
    '--exec',
    'node consumer.mjs ci-push.rotated',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [now] = holders('ci-push');
  assert.equal(holders('ci-push').length, 1, 'one token holds the label');
  assert.notEqual(now.id, old.id);
  const days = (Date.parse(now.expires_at.replace(/(\.\d{3})\d+/, '$1')) - Date.now()) / DAY;
  assert.ok(days > 89.9 && days <= 90, `expires in ${days} days`);
  assert.ok(await signsIn(readFileSync(file('ci-push.rotated'), 'utf8')));
  const steps = log();
  const verify = steps.indexOf(`sign-in ${now.id}`);
  const handedOver = steps.indexOf(`sign-in ${now.id}`, verify + 1);
  const retire = steps.indexOf(`PATCH ${old.id}`);
  assert.ok(
    verify >= 0 && handedOver > verify && retire > handedOver,
    `sign-in with the new token, then the hand-over, then the retire: ${steps.join(', ')}`,
  );
  assert.match(org().find((t) => t.id === old.id).label, /^ci-push~retired~delete-after-/);

  const plan = await cli(['plan', '-f', 'tokens.json']);
  assert.equal(plan.code, 0, plan.stdout);
  assert.match(plan.stdout, /^No changes/);
});

test("8. a rotate_every that is due rotates on the next apply, through the entry's hand-over", async () => {
  // A token made 61 days ago (the sandbox's clock moved back for its create).
  clock = Date.now() - 61 * DAY;
  const hub = await (
    await import(join(project.project, 'node_modules/dockerhub-oat/bindings/index.node.js'))
  ).createClient({
    baseUrl: sb.url,
    credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
  });
  const old = await hub.createAccessToken('acme', {
    label: 'nightly',
    expires_at: new Date(clock + 90 * DAY).toISOString(),
    resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
  });
  hub.close();
  clock = null;
  const m = manifest();
  m.tokens.nightly = {
    expires: '90d',
    rotate_every: '60d',
    resources: { repositories: { 'acme/api': ['image-pull'] } },
    secret: { exec: 'node consumer.mjs nightly.secret' },
  };
  save(m);
  const plan = await cli(['plan', '-f', 'tokens.json']);
  assert.equal(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /~> rotate nightly .*rotate_every 60d, due since/);
  sb.resetRequests();
  const applied = await cli(['apply', '-f', 'tokens.json', '--yes']);
  assert.equal(applied.code, 0, applied.stderr);
  const [fresh] = holders('nightly');
  assert.equal(holders('nightly').length, 1);
  const steps = log();
  assert.ok(
    steps.indexOf(`sign-in ${fresh.id}`) >= 0 &&
      steps.indexOf(`PATCH ${old.id}`) > steps.lastIndexOf(`sign-in ${fresh.id}`),
    `sign-in and hand-over before the retire: ${steps.join(', ')}`,
  );
  assert.ok(await signsIn(readFileSync(file('nightly.secret'), 'utf8')));
  const next = await cli(['plan', '-f', 'tokens.json']);
  assert.equal(next.code, 0, next.stdout);
  assert.match(next.stdout, /Rotation schedule:\n {2}nightly: rotate_every 60d, next due/);
});

test('9. a failed hand-over leaves the old token working and no stray new one', async () => {
  const [old] = holders('ci-push');
  const before = org().length;
  const r = await cli(['rotate', 'ci-push', '--exec', 'node -e process.exit(3)']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /so it was deleted again; the old token .* is untouched and still works/);
  assert.equal(org().length, before, 'no stray new token');
  assert.deepEqual(
    holders('ci-push').map((t) => [t.id, t.is_active]),
    [[old.id, true]],
  );
  assert.ok(
    await signsIn(readFileSync(file('ci-push.rotated'), 'utf8')),
    'the old secret still signs in',
  );
  assert.equal((await cli(['plan', '-f', 'tokens.json'])).code, 0, 'the next plan works');
});

test("10. the README's CI lines fail the job with a missing secret and a missing file, and pass when the plan runs", async () => {
  const script = readmeExamples(join(root, 'README.md')).get('ci.sh');
  assert.ok(script, 'README.md has a block for examples/ci.sh');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.match(
    script,
    new RegExp(`^pinned=${pkg.version.replaceAll('.', '\\.')} `, 'm'),
    'it pins this version',
  );
  writeFileSync(file('ci.sh'), script);
  const sh = (more, cwd = project.project) =>
    run('sh', ['ci.sh'], { cwd, env: { ...NPX_ENV, ...env, ...more } });
  sb.resetRequests();
  const noSecret = await sh({ DOCKERHUB_SECRET: '' });
  assert.equal(noSecret.code, 1, noSecret.stderr);
  assert.match(noSecret.stderr, /no secret for acme-owner/);
  writeFileSync(file('tokens.json.bak'), readFileSync(file('tokens.json')));
  writeFileSync(file('tokens.json'), '');
  const broken = await sh({});
  assert.equal(broken.code, 1, broken.stderr);
  const { rmSync } = await import('node:fs');
  rmSync(file('tokens.json'));
  const missing = await sh({});
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /cannot read tokens\.json: ENOENT/);
  assert.deepEqual(writes(), [], 'nothing was changed');
  writeFileSync(file('tokens.json'), readFileSync(file('tokens.json.bak')));
  const ok = await sh({ GITHUB_REF: 'refs/heads/main' });
  assert.equal(ok.code, 0, ok.stderr);
});
