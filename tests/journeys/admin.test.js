// An org admin, from `npm install dockerhub-oat` and the README alone: starts the dashboard with the
// README's own "Start here" command (on its embedded sandbox), signs in in Chromium with what it
// printed and sees the tokens; then runs the README's by-label block (examples/by-label.sh: get,
// rotate and deactivate a token by its label) against the same server; then tries a create with a
// label the org already has and one whose --exec program does not exist, both refused with no write
// request. Every effect is read from the sandbox's own request log and state (its control routes,
// with the control token the dashboard printed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { installedProject, run } from './helpers/installed.js';
import { startHereCommand, startServerProcess } from './helpers/server.js';
import { readmeExamples } from '../hosts/readme.js';
import { root } from '../hosts/pack.js';
import { sandboxControl } from '../fixtures/sandbox-control.js';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.js';

const README = readFileSync(join(root, 'README.md'), 'utf8');
const LAUNCH = CHROMIUM_LAUNCH;
// npx finds the installed bin in node_modules/.bin; offline, so it could never reach a registry.
const NPX_ENV = {
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
};

let project;
let dashboard;
let url;
let ctl;
let signIn;

before(async () => {
  project = await installedProject('dh-journey-admin-');
  const [npx, ...args] = startHereCommand(README, 'npx dockerhub-oat dashboard');
  assert.deepEqual(
    [npx, ...args],
    ['npx', 'dockerhub-oat', 'dashboard'],
    'the README starts the dashboard with npx',
  );
  // Port 0: the README's 8080 may be taken on a test machine; everything else is as written.
  dashboard = startServerProcess(npx, [...args, '--port', '0', '--quiet'], {
    cwd: project.project,
    env: NPX_ENV,
  });
  const banner = await dashboard.banner;
  url = /Docker Hub access tokens dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(banner)?.[1];
  assert.ok(url, banner);
  const field = (name) => new RegExp(`^ +${name} +(\\S+)$`, 'm').exec(banner)?.[1];
  signIn = {
    org: field('Organization'),
    user: field('Username'),
    secret: field('Password or access token'),
  };
  assert.deepEqual(signIn, { org: 'acme', user: 'acme-owner', secret: 'sandbox-password' }, banner);
  ctl = sandboxControl({
    url,
    controlToken: /Control token for this start: (\S+)/.exec(banner)[1],
  });
});

after(async () => {
  await dashboard?.stop();
  await project?.remove();
});

/** The requests that change something (not a read, not a sign-in), as "METHOD path". */
async function writes() {
  const { requests } = await ctl.requests();
  return requests
    .filter(
      (r) => r.method !== 'GET' && !r.path.startsWith('/v2/auth/') && r.path !== '/v2/users/login',
    )
    .map((r) => `${r.method} ${r.path}`);
}
const acme = async () => (await ctl.state()).orgs.find((o) => o.name === 'acme').tokens;

test('the dashboard from the installed package: sign in in Chromium with what it printed, see the list', async () => {
  const browser = await chromium.launch(LAUNCH);
  try {
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const res = await page.goto(`${url}/`);
    assert.equal(res.status(), 200);
    await page.getByLabel('Organization').fill(signIn.org);
    await page.getByLabel('Username').fill(signIn.user);
    await page.getByLabel('Password or access token').fill(signIn.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const table = page.getByRole('table', { name: 'Access tokens' });
    for (const label of ['ci-pull', 'legacy-deploy', 'q1-audit']) {
      await table
        .getByRole('row')
        .filter({ has: page.getByRole('button', { name: label, exact: true }) })
        .waitFor();
    }
    assert.deepEqual(problems, []);
    const { requests } = await ctl.requests();
    assert.ok(
      requests.some((r) => r.method === 'GET' && r.path === '/v2/orgs/acme/access-tokens'),
      'the page listed through the server',
    );
  } finally {
    await browser.close();
  }
});

test("the README's by-label block: get, rotate and deactivate ci-pull by its label with the installed CLI", async () => {
  const script = readmeExamples(join(root, 'README.md')).get('by-label.sh');
  assert.ok(script, 'README.md has a block for examples/by-label.sh');
  writeFileSync(join(project.project, 'by-label.sh'), script);
  const [old] = (await acme()).filter((t) => t.label === 'ci-pull');
  await ctl.resetRequests();

  const r = await run('sh', ['by-label.sh'], {
    cwd: project.project,
    env: { ...NPX_ENV, DOCKERHUB_BASE_URL: url },
  });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(r.stdout.includes(old.id), 'get printed the token the label names');

  const now = (await acme()).filter((t) => t.label === 'ci-pull');
  assert.equal(now.length, 1, 'one token has the label: the new one');
  const [fresh] = now;
  assert.notEqual(fresh.id, old.id);
  assert.equal(fresh.is_active, false, 'deactivate reached the new token by the same label');
  const secretFile = join(project.project, 'ci-pull.secret');
  assert.match(readFileSync(secretFile, 'utf8'), /^dckr_oat_[A-Za-z0-9]{32}$/);
  assert.equal(statSync(secretFile).mode & 0o777, 0o600);
  assert.doesNotMatch(r.stdout + r.stderr, /dckr_oat_[A-Za-z0-9]{8}/, 'no secret on the terminal');

  const done = await writes();
  const create = done.indexOf('POST /v2/orgs/acme/access-tokens');
  const retire = done.indexOf(`DELETE /v2/orgs/acme/access-tokens/${old.id}`);
  assert.ok(
    create >= 0 && retire > create,
    `created, then the old one deleted: ${done.join(', ')}`,
  );
  assert.equal(done.at(-1), `PATCH /v2/orgs/acme/access-tokens/${fresh.id}`);
});

test('a create with a label the org has, and one whose --exec cannot start, are refused with no write request', async () => {
  const env = {
    ...NPX_ENV,
    DOCKERHUB_BASE_URL: url,
    DOCKERHUB_ORG: 'acme',
    DOCKERHUB_IDENTIFIER: signIn.user,
    DOCKERHUB_SECRET: signIn.secret,
  };
  const before = await acme();
  await ctl.resetRequests();

  const dup = await run('npx', ['dockerhub-oat', 'create', '--label', 'legacy-deploy'], {
    cwd: project.project,
    env,
  });
  assert.notEqual(dup.code, 0);
  assert.match(
    dup.stderr,
    /acme already has a token labelled "legacy-deploy" \([0-9a-f-]{36}\); nothing was created/,
  );
  assert.match(dup.stderr, /--allow-duplicate-label/);

  const dead = await run(
    'npx',
    [
      'dockerhub-oat',
      'create',
      '--label',
      'deploy-bot',
      '--exec',
      'gh-secret-set-that-is-not-installed',
    ],
    { cwd: project.project, env },
  );
  assert.notEqual(dead.code, 0);
  assert.match(
    dead.stderr,
    /--exec: the command "gh-secret-set-that-is-not-installed" is not found or not executable; nothing was created/,
  );

  assert.deepEqual(await writes(), []);
  assert.deepEqual((await acme()).map((t) => t.id).sort(), before.map((t) => t.id).sort());
});
