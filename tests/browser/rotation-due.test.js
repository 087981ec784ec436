// "Rotation due" in the dashboard (Chromium against web/server.js and its sandbox): once a checked
// tokens.json gives entries a `rotate_every`, each listed token shows when it is next due (the
// plan's rotation_due: its created_at + the interval), a token already due says "Due", a token the
// file gives no schedule says so, and the details say it too. Rotating a due token from the page
// moves its next due date on (the file is planned again).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardSuite, writes, ARTIFACTS } from './helpers/dashboard.js';

const DAY = 86_400_000;

describe('when each token is next due for rotation (Chromium)', () => {
  const d = dashboardSuite();
  const dueCell = (label) => d.rowOf(label).locator('td[data-label="Rotation due"]');
  const dueAt = async (label) =>
    Date.parse(await dueCell(label).locator('time').getAttribute('datetime'));
  const created = (label) => Date.parse(d.tokens().find((t) => t.label === label).created_at);

  test('a file with rotate_every puts a due date on each token it schedules', async () => {
    assert.equal(
      await d.page.locator('#due-head').isHidden(),
      true,
      'no column before a file is checked',
    );
    const file = {
      version: 1,
      tokens: {
        'ci-pull': {
          description: 'CI pulls the api image',
          expires: '90d',
          rotate_every: '60d',
          resources: { repositories: { 'acme/api': ['scope-image-pull'] }, public_read: true },
        },
        'legacy-deploy': {
          description: 'Old deploy job, switched off',
          expires: 'never',
          active: false,
          rotate_every: '30d',
          resources: { repositories: { 'acme/web': ['scope-image-push'] } },
          secret: { out: 'legacy-deploy.token' },
        },
      },
    };
    d.srv.sandbox.resetRequests();
    await d.dropFile('tokens.json', JSON.stringify(file, null, 2));
    await d.page.locator('#due-head').waitFor();
    assert.ok(
      Math.abs((await dueAt('ci-pull')) - (created('ci-pull') + 60 * DAY)) < 1000,
      'created_at + 60 days',
    );
    assert.equal(
      await dueCell('ci-pull').getByText('Due', { exact: true }).count(),
      0,
      'not due yet',
    );
    await dueCell('legacy-deploy').getByText('Due', { exact: true }).waitFor();
    assert.ok(
      Math.abs((await dueAt('legacy-deploy')) - (created('legacy-deploy') + 30 * DAY)) < 1000,
    );
    assert.equal(await dueCell('q1-audit').textContent(), 'No schedule');
    assert.match(
      await d.page.locator('#code-plan').textContent(),
      /rotate_every 60d, next due/,
      'the plan says it as the CLI does',
    );
    assert.deepEqual(writes(d.srv.sandbox.requests), []);
    await d.page.screenshot({ path: `${ARTIFACTS}rotation-due-1280x800.png` });

    const details = await d.details('ci-pull');
    await details.getByText('rotate_every 60d', { exact: false }).waitFor();
    await d.page.keyboard.press('Escape');
  });

  test('rotating a due token from the page moves its next due date on', async () => {
    const details = await d.details('legacy-deploy');
    await details.getByRole('button', { name: 'Rotate…' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'Rotate “legacy-deploy”' });
    await dialog.getByRole('button', { name: 'Rotate', exact: true }).click();
    await dialog.getByRole('button', { name: 'Stored it: retire the old token' }).click();
    await dialog.getByText(/^Rotated “legacy-deploy”/).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await d.page.waitForFunction(() => {
      const row = [...document.querySelectorAll('#rows tr')].find(
        (tr) => tr.querySelector('th button')?.textContent === 'legacy-deploy',
      );
      return row && !row.querySelector('td[data-label="Rotation due"] .badge');
    });
    assert.ok(
      Math.abs((await dueAt('legacy-deploy')) - (created('legacy-deploy') + 30 * DAY)) < 1000,
      'the new token: due 30 days after now',
    );
  });

  test('at 390 px the due dates read without sideways scrolling', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    await d.tokensTable().waitFor();
    assert.ok(
      await d.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    );
    await d.page.screenshot({ path: `${ARTIFACTS}rotation-due-390x844.png` });
    await d.page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no page error, console error, CSP violation or native dialog happened', () => {
    assert.deepEqual(d.problems, []);
  });
});
