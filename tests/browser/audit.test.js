// The dashboard's token-hygiene panel in Chromium (playwright-core, /usr/bin/chromium) against
// web/server.js with the sandbox's hygiene world, the page's clock and the sandbox's fixed at the
// same moment: the badges equal the library's findings, the chips, the search and the sorts work,
// "Tokens used: 10 of 10", and the Clean up dialog deletes exactly the chosen tokens after one
// confirmation (the request log shows it), by keyboard, at 1280 and 390 wide, with screenshots.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../bindings/index.node.js';
import { NOW, ORG, OWNER, EXPECTED } from '../fixtures/hygiene.js';
import { dashboardSuite, ARTIFACTS } from './helpers/dashboard.js';

describe('token hygiene in the dashboard (Chromium)', () => {
  // The sandbox's clock and the page's Date stand at NOW.
  const d = dashboardSuite({
    seed: 'hygiene',
    now: NOW,
    viewport: { width: 1280, height: 900 },
    signIn: [ORG, OWNER.identifier, OWNER.secret],
  });

  const panel = () => d.page.locator('#audit-view');
  const auditRows = () => d.page.locator('#audit-table tbody tr');
  const shownLabels = () => auditRows().evaluateAll((rows) => rows.map((r) => r.dataset.label));
  /** "label kind[/reason] severity" of every badge on the page, sorted: the form EXPECTED has. */
  const badgeKeys = () =>
    d.page.locator('#audit-table [data-kind]').evaluateAll((badges) =>
      badges
        .map((b) => {
          const label = b.closest('tr').dataset.label;
          return `${label} ${b.dataset.kind}${b.dataset.reason ? `/${b.dataset.reason}` : ''} ${b.dataset.severity}`;
        })
        .sort(),
    );

  test("by keyboard: pick the plan, check the tokens; the badges are the library's findings", async () => {
    await d.page.locator('#audit-plan').focus();
    await d.page.keyboard.press('ArrowDown'); // Unknown -> Team (10 tokens)
    assert.equal(await d.page.locator('#audit-plan').inputValue(), 'team');
    await d.page.keyboard.press('Tab');
    assert.equal(await d.page.evaluate(() => document.activeElement.id), 'audit-run');
    await d.page.keyboard.press('Enter');
    await panel().getByRole('status').filter({ hasText: 'Checked.' }).waitFor();
    assert.match(
      await d.page.locator('#audit-usage').textContent(),
      /^Tokens used: 10 of 10 · 12 findings in 8 tokens · at the limit/,
    );
    assert.deepEqual(await badgeKeys(), EXPECTED);

    const hub = await createClient({ baseUrl: d.srv.url, credentials: OWNER });
    const report = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
    hub.close();
    const sentences = await d.page
      .locator('#audit-table [data-kind]')
      .evaluateAll((b) => b.map((x) => x.title).sort());
    assert.deepEqual(
      sentences,
      report.findings.map((f) => f.sentence).sort(),
      'the same sentences as the library',
    );
    assert.equal(await auditRows().count(), 10);
    await d.page.screenshot({ path: `${ARTIFACTS}audit-1280.png`, fullPage: true });
  });

  test('filter chips, label search and sorting', async () => {
    const chip = (name) => d.page.locator('.filter-chip', { hasText: name });
    await chip('Expired').click();
    assert.deepEqual(await shownLabels(), ['q3-report']);
    assert.equal(await chip('Expired').getAttribute('aria-pressed'), 'true');
    await chip('Unused').click();
    assert.deepEqual((await shownLabels()).sort(), ['nightly-backup', 'onboarding-bot']);
    await chip('Inactive').click();
    assert.deepEqual(await shownLabels(), ['old-deploy']);
    await chip('Expiring soon').click();
    assert.deepEqual(await shownLabels(), ['release-signing']);
    await chip('Needs attention').click();
    assert.deepEqual((await shownLabels()).sort(), [
      'admin-everything',
      'nightly-backup',
      'onboarding-bot',
      'q3-report',
      'release-signing',
    ]);
    assert.match(await chip('Needs attention').textContent(), /Needs attention 5/);
    await chip('All').focus();
    await d.page.keyboard.press('Enter');
    assert.equal(await auditRows().count(), 10);

    await d.page.getByLabel('Search labels').fill('DEPLOY');
    assert.deepEqual((await shownLabels()).sort(), ['deploy-prod', 'old-deploy']);
    await d.page.getByLabel('Search labels').fill('');

    await d.page.getByLabel('Sort by').selectOption('expiry-asc');
    const byExpiry = await shownLabels();
    assert.deepEqual(byExpiry.slice(0, 7), [
      'q3-report',
      'release-signing',
      'ci-pull',
      'deploy-prod',
      'public-mirror',
      'nightly-backup',
      'onboarding-bot',
    ]);
    await d.page.getByLabel('Sort by').selectOption('last-used-asc');
    const byUse = await shownLabels();
    assert.deepEqual(
      byUse.slice(0, 3),
      ['onboarding-bot', 'old-deploy', 'nightly-backup'],
      'never used first, then the oldest use',
    );
    await d.page.getByLabel('Sort by').selectOption('last-used-desc');
    assert.equal((await shownLabels())[0], 'deploy-prod');
  });

  test('at 390 wide the rows become cards', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    await panel().scrollIntoViewIfNeeded();
    const display = await d.page
      .locator('#audit-table tbody tr')
      .first()
      .evaluate((tr) => getComputedStyle(tr).display);
    assert.equal(display, 'grid');
    const overflow = await d.page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth,
    );
    assert.equal(overflow, false, 'nothing wider than the phone');
    await d.page.screenshot({ path: `${ARTIFACTS}audit-390.png`, fullPage: true });
    await panel().evaluate((el) => el.scrollIntoView());
    await d.page.screenshot({ path: `${ARTIFACTS}audit-panel-390.png` });
    await d.page.setViewportSize({ width: 1280, height: 900 });
  });

  test('Clean up: the chosen candidates, one confirmation, progress, a result per token; nothing else deleted', async () => {
    d.srv.sandbox.resetRequests();
    await d.page.locator('#audit-cleanup').focus();
    await d.page.keyboard.press('Enter');
    const dialog = d.page.locator('#cleanup-dialog');
    await dialog.waitFor();
    const items = dialog.locator('.cleanup-list li');
    const listed = await items.evaluateAll((li) =>
      li.map((x) => [x.querySelector('strong').textContent, x.querySelector('input').checked]),
    );
    assert.deepEqual(Object.fromEntries(listed), {
      'q3-report': true,
      'old-deploy': true,
      'nightly-backup': false,
      'onboarding-bot': false,
    });
    // By keyboard: check nightly-backup with Space, uncheck nothing else.
    await dialog.locator('li', { hasText: 'nightly-backup' }).locator('input').focus();
    await d.page.keyboard.press('Space');
    await d.page.setViewportSize({ width: 390, height: 844 });
    await d.page.screenshot({ path: `${ARTIFACTS}cleanup-choose-390.png` });
    await d.page.setViewportSize({ width: 1280, height: 900 });
    const go = d.page.locator('#cleanup-delete');
    assert.equal(await go.textContent(), 'Delete 3 tokens…');
    await go.focus();
    await d.page.keyboard.press('Enter');
    assert.equal(await go.textContent(), 'Yes, delete 3 tokens');
    assert.match(
      await dialog.locator('.cleanup-confirm').textContent(),
      /for good\? This cannot be undone/,
    );
    assert.equal(
      d.srv.sandbox.requests.filter((r) => r.method === 'DELETE').length,
      0,
      'nothing deleted before the confirmation',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}cleanup-confirm-1280.png` });
    await d.page.keyboard.press('Enter');
    await dialog.getByRole('status').filter({ hasText: 'Deleted 3 tokens.' }).waitFor();
    const results = await items.evaluateAll((li) =>
      li.map(
        (x) =>
          `${x.querySelector('strong').textContent}: ${x.querySelector('.result').textContent}`,
      ),
    );
    assert.deepEqual(results.sort(), [
      'nightly-backup: Deleted',
      'old-deploy: Deleted',
      'onboarding-bot: ',
      'q3-report: Deleted',
    ]);
    assert.equal(await dialog.locator('progress').evaluate((p) => `${p.value}/${p.max}`), '3/3');
    await d.page.screenshot({ path: `${ARTIFACTS}cleanup-done-1280.png` });

    const deleted = d.srv.sandbox.requests
      .filter((r) => r.method === 'DELETE')
      .map((r) => r.path.split('/').pop())
      .sort();
    const left = d.srv.sandbox.store.snapshot().orgs.find((o) => o.name === ORG).tokens;
    assert.equal(deleted.length, 3);
    assert.ok(!left.some((t) => deleted.includes(t.id)));
    assert.deepEqual(
      left
        .map((t) => t.label)
        .filter((l) => ['q3-report', 'old-deploy', 'nightly-backup'].includes(l)),
      [],
    );

    assert.equal(await d.page.evaluate(() => document.activeElement.id), 'cleanup-cancel');
    await d.page.keyboard.press('Enter'); // Close: the audit runs again
    await d.page
      .locator('#audit-usage')
      .filter({ hasText: /^Tokens used: 7 of 10/ })
      .waitFor();
    assert.equal(await auditRows().count(), 7);
    assert.deepEqual(d.problems, []);
  });

  test('a failed delete is shown as failed, with the error, and the token stays', async () => {
    await d.page.locator('#audit-cleanup').click();
    const dialog = d.page.locator('#cleanup-dialog');
    await dialog.locator('li', { hasText: 'onboarding-bot' }).locator('input').check();
    const id = await dialog.locator('li', { hasText: 'onboarding-bot' }).getAttribute('data-id');
    d.srv.sandbox.faults.add({
      method: 'DELETE',
      path: `${id}$`,
      preset: 'server-error',
      times: 10,
    });
    await d.page.locator('#cleanup-delete').click();
    await d.page.locator('#cleanup-delete').click();
    await dialog
      .getByRole('status')
      .filter({ hasText: /stopped at the first failure/ })
      .waitFor();
    assert.equal(
      await dialog.locator('li', { hasText: 'onboarding-bot' }).locator('.result').textContent(),
      'Failed',
    );
    await dialog.getByRole('alert').waitFor();
    d.srv.sandbox.faults.clear();
    await d.page.locator('#cleanup-cancel').click();
    assert.ok(
      d.srv.sandbox.store
        .snapshot()
        .orgs.find((o) => o.name === ORG)
        .tokens.some((t) => t.id === id),
    );
  });
});
