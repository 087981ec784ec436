// The admin dashboard in Chromium (playwright-core, /usr/bin/chromium) against web/server.js with its
// embedded sandbox: sign in, create (the secret once), list, details, edit, (de)activate, delete,
// sign out; XSS as text; no secret in storage; a 429 countdown; a 401 back to sign-in; screenshots.
// No sleeps: every wait is on a locator or a page condition.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSP } from '../../web/server.js';
import { dashboardSuite, ARTIFACTS, PASSWORD } from './helpers/dashboard.js';

const XSS_LABEL = '<img src=x onerror="window.__xss=1">';
// An organization with no tokens, owned by the seeded owner, for the empty state.
// And one with 30 (token-0001 newest ... token-0030), for the pages.
const SEED = {
  orgs: [
    { name: 'initech', plan: 'team', owners: ['acme-owner'], repositories: ['app'], tokens: [] },
    {
      name: 'hooli',
      plan: 'business',
      owners: ['acme-owner'],
      repositories: ['app'],
      generateTokens: 30,
    },
  ],
};

describe('admin dashboard (Chromium)', () => {
  const d = dashboardSuite({ seed: SEED, signIn: false });
  let secretSeen = null;

  const tokensTable = () => d.tokensTable();
  const rowOf = (label) => d.rowOf(label);
  const alertWith = (re) => d.page.getByRole('alert').filter({ hasText: re });
  const activeDialogId = () =>
    d.page.evaluate(() => document.activeElement?.closest('dialog')?.id ?? null);
  const tokenInSandbox = (label) =>
    d.srv.sandbox.store
      .snapshot()
      .orgs.find((o) => o.name === 'acme')
      .tokens.find((t) => t.label === label);

  /** Every string the page holds in its DOM and its form fields. */
  const pageText = () =>
    d.page.evaluate(() =>
      [
        document.documentElement.outerHTML,
        ...[...document.querySelectorAll('input, textarea, select')].map((e) => e.value),
      ].join('\n'),
    );

  test('the page comes with a strict CSP; a wrong password is refused with a message', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    const res = await d.page.goto(`${d.srv.url}/`);
    await d.page.waitForFunction(() => !document.querySelector('#signin-button').disabled);
    await d.page.screenshot({ path: `${ARTIFACTS}signin-390x844.png` });
    await d.page.setViewportSize({ width: 1280, height: 800 });
    assert.equal(res.status(), 200);
    const headers = res.headers();
    assert.equal(headers['content-security-policy'], CSP);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal(headers['cache-control'], 'no-store');
    await d.fillSignIn('acme', 'acme-owner', 'not-the-password');
    await alertWith(/Sign-in failed/).waitFor();
    assert.equal(
      await d.page.getByLabel('Password or access token').inputValue(),
      '',
      'the password field is cleared',
    );
    assert.ok(!d.page.url().includes('not-the-password'));
  });

  test('signs in by keyboard; the list shows the seeded tokens with their status', async () => {
    const org = d.page.getByLabel('Organization');
    await org.fill('acme');
    await org.focus();
    await d.page.keyboard.press('Tab');
    await d.page.keyboard.type('acme-owner');
    await d.page.keyboard.press('Tab');
    await d.page.keyboard.type(PASSWORD);
    assert.equal(await d.page.evaluate(() => document.activeElement.id), 'signin-secret');
    await d.page.keyboard.press('Enter');
    await rowOf('ci-pull').waitFor();
    assert.equal(
      await d.page.getByLabel('Password or access token').inputValue(),
      '',
      'the password field is cleared',
    );
    assert.equal(await tokensTable().getByRole('row').count(), 4, 'a header row and three tokens');
    for (const name of ['Label', 'Status', 'Created by', 'Created', 'Last used', 'Expires']) {
      await tokensTable().getByRole('columnheader', { name, exact: true }).waitFor();
    }
    await rowOf('ci-pull').getByText('Active', { exact: true }).waitFor();
    await rowOf('legacy-deploy').getByText('Inactive', { exact: true }).waitFor();
    await rowOf('q1-audit').getByText('Expired', { exact: true }).waitFor();
    await rowOf('legacy-deploy').getByText('Never', { exact: true }).waitFor();
    const created = rowOf('ci-pull').locator('time').first();
    assert.match(await created.textContent(), /ago$/);
    assert.ok(await created.getAttribute('title'), 'the exact date is in a title');
    await d.page.getByText('3 tokens').waitFor();
    await d.page.getByRole('button', { name: 'Previous page' }).waitFor();
    await d.page.getByRole('button', { name: 'Next page' }).waitFor();
    assert.deepEqual(await d.page.getByLabel('Page size').locator('option').allTextContents(), [
      '10',
      '25',
      '100',
    ]);
  });

  test('Escape closes a dialog and focus returns to its opener', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.waitFor();
    assert.equal(await activeDialogId(), 'token-dialog', 'focus moved into the dialog');
    await d.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await d.page.evaluate(() => document.activeElement.id), 'new-token');
  });

  test('creates a token with a repository and public read; its secret is shown once', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.waitFor();
    await dialog.getByLabel('Label').fill('ci-push');
    await dialog.getByLabel('Description').fill('Pushes the api image from CI');
    await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: '90 days' });
    await dialog.getByLabel('Repository', { exact: true }).fill('acme/api');
    const pull = dialog.getByRole('checkbox', { name: 'Images: pull', exact: true });
    const push = dialog.getByRole('checkbox', { name: 'Images: push (and pull)', exact: true });
    await pull.check();
    await push.check();
    assert.ok(
      (await pull.isChecked()) && (await pull.isDisabled()),
      'push checks and disables pull',
    );
    await dialog.getByRole('checkbox', { name: 'Public repositories (read)' }).check();
    await d.page.screenshot({ path: `${ARTIFACTS}new-token-1280x800.png` });
    await dialog.getByRole('button', { name: 'Create' }).click();

    const secretDialog = d.page.getByRole('dialog', { name: 'Copy your access token' });
    await secretDialog.waitFor();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await activeDialogId(), 'secret-dialog', 'focus moved into the secret dialog');
    const field = secretDialog.getByLabel('Access token');
    secretSeen = await field.inputValue();
    assert.match(secretSeen, /^dckr_oat_[A-Za-z0-9]{32}$/);
    assert.equal(await field.getAttribute('readonly'), '');
    await secretDialog.getByText(/will not be shown again/).waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}secret-1280x800.png` });
    await secretDialog.getByRole('button', { name: 'Copy' }).click();
    await secretDialog
      .getByRole('status')
      .filter({ hasText: /Copied|Selected/ })
      .waitFor();
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await secretDialog.waitFor({ state: 'hidden' });
    assert.equal(await d.page.locator('#secret-value').inputValue(), '');
    assert.ok(!(await d.page.content()).includes(secretSeen), 'the secret left the DOM');
    assert.ok(!(await pageText()).includes('dckr_oat_'), 'no token value in the DOM or a field');
    assert.equal(
      await d.heapHolds(secretSeen),
      false,
      'no JS object of the page still holds the token value',
    );

    const saved = tokenInSandbox('ci-push');
    assert.ok(saved, 'the sandbox has the token');
    assert.deepEqual(saved.resources, [
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
    ]);
    assert.equal(saved.description, 'Pushes the api image from CI');
    const days = (Date.parse(saved.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 89.9 && days <= 90, `expires in 90 days (${days})`);

    await rowOf('ci-push').getByText('Active', { exact: true }).waitFor();
    await rowOf('ci-push').getByText('in 3 months').waitFor();
    await d.page.getByText('4 tokens').waitFor();
  });

  test('the details show resources and who made it; the label can be edited', async () => {
    await rowOf('ci-push').getByRole('button', { name: 'ci-push' }).click();
    const details = d.page.getByRole('dialog', { name: 'ci-push' });
    await details.waitFor();
    assert.equal(await activeDialogId(), 'details-dialog');
    await details.getByText('acme/api', { exact: true }).waitFor();
    await details.getByText('*/*/public', { exact: true }).waitFor();
    await details.getByText('Public repositories', { exact: true }).waitFor();
    await details
      .getByRole('list', { name: 'Scopes for acme/api' })
      .getByText('Images: push (and pull)', { exact: true })
      .waitFor();
    await details
      .getByRole('list', { name: 'Scopes for acme/api' })
      .getByText('Images: pull', { exact: true })
      .waitFor();
    await details.getByText('acme-owner', { exact: true }).waitFor();
    await details.getByText('Pushes the api image from CI').waitFor();

    await details.getByRole('button', { name: 'Edit' }).click();
    const edit = d.page.getByRole('dialog', { name: 'Edit access token' });
    await edit.waitFor();
    assert.equal(await edit.getByLabel('Label').inputValue(), 'ci-push');
    assert.equal(await edit.getByLabel('Repository', { exact: true }).inputValue(), 'acme/api');
    assert.ok(
      await edit
        .getByRole('checkbox', { name: 'Images: push (and pull)', exact: true })
        .isChecked(),
    );
    assert.ok(await edit.getByRole('checkbox', { name: 'Public repositories (read)' }).isChecked());
    await edit.getByLabel('Label').fill('ci-push-api');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await d.page
      .getByRole('dialog', { name: 'ci-push-api' })
      .getByRole('status')
      .filter({ hasText: 'Saved' })
      .waitFor();
    await rowOf('ci-push-api').waitFor();
    const saved = tokenInSandbox('ci-push-api');
    assert.ok(saved, 'renamed in the sandbox');
    assert.equal(saved.resources.length, 2, 'the resources are unchanged');
  });

  test('deactivates, then activates the token', async () => {
    const details = d.page.getByRole('dialog', { name: 'ci-push-api' });
    await details.getByRole('button', { name: 'Deactivate' }).click();
    await details.getByRole('button', { name: 'Activate' }).waitFor();
    await details.getByText('Inactive', { exact: true }).first().waitFor();
    await rowOf('ci-push-api').getByText('Inactive', { exact: true }).waitFor();
    assert.equal(tokenInSandbox('ci-push-api').is_active, false);
    await details.getByRole('button', { name: 'Activate' }).click();
    await details.getByRole('button', { name: 'Deactivate' }).waitFor();
    await rowOf('ci-push-api').getByText('Active', { exact: true }).waitFor();
    assert.equal(tokenInSandbox('ci-push-api').is_active, true);
  });

  test('deletes after a confirmation that names the token', async () => {
    const details = d.page.getByRole('dialog', { name: 'ci-push-api' });
    await details.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = d.page.getByRole('dialog', { name: 'Delete access token' });
    await confirm.waitFor();
    await confirm.getByText('“ci-push-api”').waitFor();
    assert.equal(
      await d.page.evaluate(() => document.activeElement.textContent),
      'Cancel',
      'the safe choice has focus',
    );
    await confirm.getByRole('button', { name: 'Delete token' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await details.waitFor({ state: 'hidden' });
    await rowOf('ci-push-api').waitFor({ state: 'detached' });
    await d.page.getByText('3 tokens').waitFor();
    await d.page.getByRole('status').filter({ hasText: 'Deleted “ci-push-api”' }).waitFor();
    assert.equal(tokenInSandbox('ci-push-api'), undefined);
  });

  test('a label made of markup shows as text and runs nothing', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Label').fill(XSS_LABEL);
    await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: 'Never' });
    await dialog.getByLabel('Repository', { exact: true }).fill('acme/web');
    await dialog.getByRole('checkbox', { name: 'Images: pull', exact: true }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secretDialog = d.page.getByRole('dialog', { name: 'Copy your access token' });
    await secretDialog.waitFor();
    await d.page.keyboard.press('Escape');
    await secretDialog.waitFor({ state: 'hidden' });
    assert.equal(
      await d.page.locator('#secret-value').inputValue(),
      '',
      'Escape clears the secret too',
    );

    const button = rowOf(XSS_LABEL).getByRole('button', { name: XSS_LABEL, exact: true });
    await button.waitFor();
    assert.equal(await button.textContent(), XSS_LABEL);
    await button.click();
    const details = d.page.getByRole('dialog', { name: XSS_LABEL });
    await details.getByText('acme/web', { exact: true }).waitFor();
    assert.equal(await d.page.locator('#details-title').textContent(), XSS_LABEL);
    assert.equal(await d.page.locator('img').count(), 0, 'no element was made from the label');
    assert.equal(await d.page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(d.nativeDialogs, []);
    await details.getByRole('button', { name: 'Close' }).click();
    await details.waitFor({ state: 'hidden' });
    assert.equal(await d.page.evaluate(() => window.__xss), undefined);
  });

  test('screenshots at 1280x800 and 390x844 (tests/artifacts/)', async () => {
    await d.page.screenshot({ path: `${ARTIFACTS}dashboard-1280x800.png` });
    await rowOf('ci-pull').getByRole('button').click();
    await d.page.getByRole('dialog', { name: 'ci-pull' }).getByText('acme/api').first().waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}details-1280x800.png` });
    await d.page.keyboard.press('Escape');
    await d.page.getByRole('dialog', { name: 'ci-pull' }).waitFor({ state: 'hidden' });

    await d.page.setViewportSize({ width: 390, height: 844 });
    await tokensTable().waitFor();
    assert.equal(
      await tokensTable().getByRole('row').count(),
      5,
      'still a table with rows for assistive technology',
    );
    const noSideScroll = await d.page.evaluate(
      () => document.documentElement.scrollWidth <= window.innerWidth,
    );
    assert.ok(noSideScroll, 'nothing overflows sideways at 390px');
    await d.page.screenshot({ path: `${ARTIFACTS}dashboard-390x844.png`, fullPage: true });
    await d.page.getByRole('button', { name: 'New token' }).click();
    await d.page.getByRole('dialog', { name: 'New access token' }).waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}new-token-390x844.png` });
    await d.page.keyboard.press('Escape');
    await d.page.getByRole('dialog', { name: 'New access token' }).waitFor({ state: 'hidden' });
    await d.page.setViewportSize({ width: 1280, height: 800 });
  });

  test('a custom expiry date; a token expiring within 7 days reads "Expires soon"', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Label').fill('short-lived');
    await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: 'Custom date…' });
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const ymd = `${inThreeDays.getFullYear()}-${String(inThreeDays.getMonth() + 1).padStart(2, '0')}-${String(inThreeDays.getDate()).padStart(2, '0')}`;
    await dialog.getByLabel('Expiration date').fill(ymd);
    await dialog.getByRole('checkbox', { name: 'Public repositories (read)' }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await d.page
      .getByRole('dialog', { name: 'Copy your access token' })
      .getByRole('button', { name: 'Done' })
      .click();
    await rowOf('short-lived').getByText('Expires soon', { exact: true }).waitFor();
    const days = (Date.parse(tokenInSandbox('short-lived').expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 3 && days < 4, `the end of the chosen day (${days} days)`);
  });

  test('failures show a human message in an alert: a 400 in the dialog, a 502 on the list', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Label').fill('wrong-repo');
    await dialog.getByLabel('Repository', { exact: true }).fill('globex/app');
    await dialog.getByRole('checkbox', { name: 'Images: pull', exact: true }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'Resource 1 (path)' });
    await alert.waitFor();
    assert.match(await alert.textContent(), /not a repository of acme/);
    assert.ok(await alert.isVisible(), 'scrolled into view');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The client retries a 502 on a GET by itself (maxRetries 3): fail every attempt.
    d.srv.sandbox.faults.add({
      method: 'GET',
      path: '/access-tokens$',
      preset: 'html502',
      times: 10,
    });
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await alertWith('Docker Hub had a problem (HTTP 502)').waitFor();
    d.srv.sandbox.faults.clear();
  });

  test('a 429 shows when to retry and counts down', async () => {
    d.srv.sandbox.faults.add({
      method: 'GET',
      path: '/access-tokens$',
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { detail: 'Rate limit exceeded', error: false },
    });
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    const alert = alertWith(/rate limit/i);
    await alert.waitFor();
    const first = await alert.textContent();
    assert.match(first, /Try again in (1 h 0 min 0 s|59 min \d+ s)/);
    await d.page.waitForFunction((before) => {
      const el = [...document.querySelectorAll('[role=alert]')].find((a) =>
        /rate limit/i.test(a.textContent),
      );
      return el && el.textContent !== before;
    }, first);
    assert.match(await alert.textContent(), /Try again in 59 min \d+ s/);
    await d.page.screenshot({ path: `${ARTIFACTS}rate-limited-1280x800.png` });
    // The next refresh works and clears the message.
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await alert.waitFor({ state: 'hidden' });
    await d.page.getByRole('status').filter({ hasText: 'Up to date.' }).waitFor();
  });

  test('a 401 returns to sign-in with the reason', async () => {
    d.srv.sandbox.faults.add({
      path: '^/v2/',
      status: 401,
      body: { message: 'Token has expired.', errinfo: {} },
      times: 4,
    });
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await alertWith(/signed out/i)
      .filter({ hasText: 'Token has expired.' })
      .waitFor();
    await d.page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await tokensTable().isVisible(), false);
    d.srv.sandbox.faults.clear();
  });

  test('an organization without tokens says so and offers the first one', async () => {
    await d.fillSignIn('initech');
    await d.page.getByRole('heading', { name: 'initech has no access tokens yet' }).waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}empty-1280x800.png` });
    await d.page.getByRole('button', { name: 'Create the first token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.waitFor();
    assert.equal(
      await dialog.getByLabel('Repository', { exact: true }).getAttribute('placeholder'),
      'initech/api or initech/*',
    );
    await d.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('pages: total, Next page / Previous page, page size', async () => {
    await d.page.getByRole('button', { name: 'Sign out' }).click();
    await d.fillSignIn('hooli');
    await rowOf('token-0001').waitFor();
    await d.page.getByText('30 tokens').waitFor();
    await d.page.getByText('Page 1 of 3').waitFor();
    assert.equal(await tokensTable().getByRole('row').count(), 11);
    assert.ok(await d.page.getByRole('button', { name: 'Previous page' }).isDisabled());
    await d.page.getByRole('button', { name: 'Next page' }).click();
    await rowOf('token-0011').waitFor();
    await d.page.getByText('Page 2 of 3').waitFor();
    await d.page.getByLabel('Page size').selectOption('25');
    await d.page.getByText('Page 1 of 2').waitFor();
    assert.equal(await tokensTable().getByRole('row').count(), 26);
    await d.page.getByRole('button', { name: 'Next page' }).click();
    await rowOf('token-0030').waitFor();
    await d.page.getByText('Page 2 of 2').waitFor();
    assert.equal(await tokensTable().getByRole('row').count(), 6);
    assert.ok(await d.page.getByRole('button', { name: 'Next page' }).isDisabled());
    await d.page.getByRole('button', { name: 'Previous page' }).click();
    await rowOf('token-0001').waitFor();
    const asked = d.srv.sandbox.requests
      .filter((r) => r.path === '/v2/orgs/hooli/access-tokens')
      .map((r) => `${r.query.page}/${r.query.page_size}`);
    assert.deepEqual(asked, ['1/10', '2/10', '1/25', '2/25', '1/25']);
  });

  test('an empty last page (a wrong total) costs one request per click, never a loop', async () => {
    // On page 1 of 2 (25 a page). Docker Hub (here a fault) now answers every page empty but still
    // counts 30 tokens. The old page asked for "the last page" again and again: 201 requests a click.
    const listed = () =>
      d.srv.sandbox.requests.filter((r) => r.path === '/v2/orgs/hooli/access-tokens').length;
    await d.page.getByText('Page 1 of 2').waitFor();
    d.srv.sandbox.resetRequests();
    d.srv.sandbox.faults.add({
      method: 'GET',
      path: '/orgs/hooli/access-tokens$',
      times: 1000,
      status: 200,
      body: { total: 30, next: null, previous: null, results: [] },
    });
    try {
      await d.page.getByRole('button', { name: 'Next page' }).click();
      // A bound of its own, so a loop fails here rather than at the suite's end.
      await d.page
        .getByRole('status')
        .filter({ hasText: 'Page 2 is empty, although Docker Hub counts 30 tokens' })
        .waitFor({ timeout: 5000 });
      assert.equal(listed(), 1, 'one click, one request');
      assert.ok(
        await d.page.getByRole('button', { name: 'Next page' }).isDisabled(),
        'nothing lies beyond an empty page',
      );
      await d.page.getByRole('button', { name: 'Refresh' }).click();
      await d.page
        .getByRole('status')
        .filter({ hasText: 'Up to date.' })
        .waitFor({ timeout: 5000 });
      assert.equal(
        listed(),
        2,
        'the refresh asked once, and nothing kept asking in the background',
      );
      // A total that points back at an earlier page: one step back, then it stops there.
      d.srv.sandbox.faults.clear();
      d.srv.sandbox.faults.add({
        method: 'GET',
        path: '/orgs/hooli/access-tokens$',
        times: 1000,
        status: 200,
        body: { total: 3, next: null, previous: null, results: [] },
      });
      await d.page.getByRole('button', { name: 'Refresh' }).click();
      await d.page.getByText('Page 1 of 1').waitFor({ timeout: 5000 });
      await d.page
        .getByRole('status')
        .filter({ hasText: 'Up to date.' })
        .waitFor({ timeout: 5000 });
      assert.deepEqual(
        d.srv.sandbox.requests
          .filter((r) => r.path === '/v2/orgs/hooli/access-tokens')
          .slice(2)
          .map((r) => r.query.page),
        ['2', '1'],
      );
    } finally {
      d.srv.sandbox.faults.clear();
    }
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await rowOf('token-0001').waitFor();
  });

  test('whatever a server answers (any total, next, page), no click on the list costs more than two requests', async () => {
    const listed = () =>
      d.srv.sandbox.requests.filter((r) => r.path === '/v2/orgs/hooli/access-tokens').length;
    const item = (i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      label: `fake-${i}`,
      created_by: 'x',
      is_active: true,
      created_at: '2026-01-01T00:00:00.000000Z',
      expires_at: null,
      last_used_at: null,
    });
    const answer = fc.record({
      total: fc.integer({ min: 0, max: 80 }),
      rows: fc.integer({ min: 0, max: 2 }),
      next: fc.boolean(),
    });
    const action = fc.constantFrom('next', 'prev', 'refresh', 'size');
    const settled = () =>
      d.page.waitForFunction(
        () => !document.querySelector('#tokens-table').hasAttribute('aria-busy'),
        null,
        { timeout: 5000 },
      );
    let acted = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(answer, action), { minLength: 1, maxLength: 5 }),
          async (steps) => {
            for (const [a, act] of steps) {
              d.srv.sandbox.faults.clear();
              d.srv.sandbox.faults.add({
                method: 'GET',
                path: '/orgs/hooli/access-tokens$',
                times: 1000,
                status: 200,
                body: {
                  total: a.total,
                  next: a.next ? `${d.srv.url}/v2/orgs/hooli/access-tokens?page=99` : null,
                  previous: null,
                  results: Array.from({ length: a.rows }, (_, i) => item(i)),
                },
              });
              const before = listed();
              const button = { next: 'Next page', prev: 'Previous page', refresh: 'Refresh' }[act];
              if (act === 'size') {
                if (!(await d.page.getByLabel('Page size').isVisible())) continue;
                const now = await d.page.getByLabel('Page size').inputValue();
                await d.page.getByLabel('Page size').selectOption(now === '10' ? '25' : '10');
              } else {
                const b = d.page.getByRole('button', { name: button, exact: true });
                if (!(await b.isVisible()) || (await b.isDisabled())) continue;
                await b.click();
              }
              await settled();
              acted++;
              assert.ok(
                listed() - before >= 1 && listed() - before <= 2,
                `${act} on ${JSON.stringify(a)} made ${listed() - before} requests`,
              );
            }
          },
        ),
        { numRuns: 12 },
      );
    } finally {
      d.srv.sandbox.faults.clear();
    }
    assert.ok(acted >= 12, `only ${acted} actions could be taken`);
    await d.page
      .getByLabel('Page size')
      .selectOption('10')
      .catch(() => {});
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await settled();
  });

  test('the sign-in page says what is kept, where and until when', async () => {
    const text = (await d.page.locator('#signin-keeps').textContent()).replace(/\s+/g, ' ');
    assert.match(
      text,
      /keeps your password or personal access token in its memory \(the WebAssembly heap/,
    );
    assert.match(
      text,
      /never written to browser storage \(no cookie, localStorage, sessionStorage or IndexedDB\)/,
    );
    assert.match(text, /wiped when you sign out, and gone when you close this tab/);
    assert.doesNotMatch(await d.page.content(), /is not stored/);
  });

  test('signs out: the session and the list are gone', async () => {
    await d.page.getByRole('button', { name: 'Sign out' }).click();
    await d.page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await d.page.locator('#rows tr').count(), 0, 'no token data left in the page');
    assert.equal(await d.page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
  });

  test('no secret, JWT or token value in storage, cookies, the URL or the DOM', async () => {
    const stored = await d.page.evaluate(async () => {
      const dump = (s) =>
        Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i))}`);
      const databases = (await indexedDB.databases()).map((d) => `indexedDB:${d.name}`);
      const caches = (await globalThis.caches?.keys()) ?? [];
      return [
        ...dump(localStorage),
        ...dump(sessionStorage),
        ...databases,
        ...caches.map((c) => `cache:${c}`),
        document.cookie,
      ].join('\n');
    });
    const cookies = JSON.stringify(await d.context.cookies());
    const storageState = JSON.stringify(await d.context.storageState({ indexedDB: true }));
    assert.deepEqual(JSON.parse(storageState).cookies, []);
    assert.ok(
      JSON.parse(storageState).origins.every(
        (o) => o.localStorage.length === 0 && !o.indexedDB?.length,
      ),
      storageState.slice(0, 200),
    );
    const everything = [stored, cookies, storageState, d.page.url(), await pageText()].join('\n');
    for (const needle of ['dckr_oat_', PASSWORD, 'eyJ', secretSeen]) {
      assert.ok(!everything.includes(needle), `found ${needle.slice(0, 12)}… where it must not be`);
    }
    assert.equal(stored, '', 'nothing stored at all');
  });

  test('no page error, console error or CSP violation happened', () => {
    assert.deepEqual(d.problems, []);
    assert.deepEqual(d.nativeDialogs, []);
  });
});
