// Rotate in the dashboard (Chromium against web/server.js and its sandbox): the library's verified
// rotation, each phase shown and each checked against the sandbox's request log, which says who
// each sign-in was: the new token is created, signs in (as the org, with its own secret) before
// anything happens to the old one, its secret is shown once, and only when the person says it is
// stored is the old one relabelled and deactivated (or kept working for an overlap). "Not stored"
// and a refused sign-in delete the new token again and leave the old one as it was; a refused
// retire leaves both working and says so. The secret leaves the page. Screenshots at 1280 and 390.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardSuite, writes, ARTIFACTS } from './helpers/dashboard.js';
import { parseRetired } from '../../bindings/tools/retired.js';
import { createClient } from '../../bindings/index.node.js';

const SECRET = /^dckr_oat_[A-Za-z0-9]{32}$/;

describe('Rotate in the dashboard (Chromium)', () => {
  const d = dashboardSuite();
  const dialog = () => d.page.getByRole('dialog', { name: /^Rotate “/ });
  const phaseState = (phase) =>
    dialog().locator(`li[data-phase="${phase}"]`).getAttribute('data-state');
  const holders = (label) => d.tokens().filter((t) => t.label === label);
  /** The log as "METHOD path [signed in as token ID]" lines. */
  const log = () =>
    d.srv.sandbox.requests.map(
      (r) => `${r.method} ${r.path}${r.signedIn?.tokenId ? ` as ${r.signedIn.tokenId}` : ''}`,
    );

  async function startRotation(label, { overlap } = {}) {
    const details = await d.details(label);
    d.srv.sandbox.resetRequests(); // from here on, the rotation's requests only
    await details.getByRole('button', { name: 'Rotate…' }).click();
    await dialog().waitFor();
    if (overlap) {
      await dialog().getByLabel('Kept working for an overlap').check();
      await dialog().getByLabel('Overlap', { exact: true }).selectOption({ label: overlap });
    }
    await dialog().getByRole('button', { name: 'Rotate', exact: true }).click();
    await dialog().getByLabel('The new secret', { exact: true }).waitFor();
  }

  test('create, sign in with the new token, hand over, then retire: in that order, each phase shown', async () => {
    const [old] = holders('ci-pull');
    await startRotation('ci-pull');

    // Hand-over: the new token exists and has signed in; the old one is untouched so far.
    const secret = await dialog().getByLabel('The new secret', { exact: true }).inputValue();
    assert.match(secret, SECRET);
    const fresh = holders('ci-pull').find((t) => t.id !== old.id);
    assert.ok(fresh, 'the new token is made');
    assert.deepEqual(
      log(),
      [
        `GET /v2/orgs/acme/access-tokens/${old.id}`,
        'POST /v2/orgs/acme/access-tokens',
        `POST /v2/auth/token as ${fresh.id}`,
        `GET /v2/orgs/acme/access-tokens/${fresh.id}`,
      ],
      'read, create, then a sign-in with the new token (its probe read too): no write to the old one',
    );
    assert.deepEqual(
      [
        await phaseState('create'),
        await phaseState('verify'),
        await phaseState('handover'),
        await phaseState('retire'),
      ],
      ['done', 'done', 'running', 'waiting'],
    );
    assert.equal(
      holders('ci-pull').find((t) => t.id === old.id).is_active,
      true,
      'the old one still works',
    );
    await dialog()
      .getByText(/only time the new token is shown/)
      .waitFor();
    assert.equal(
      await d.page.keyboard.press('Escape').then(() => dialog().isVisible()),
      true,
      'Escape does not walk away from a hand-over',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-handover-1280x800.png` });
    await dialog().getByRole('button', { name: 'Copy' }).click();
    await dialog()
      .getByRole('status')
      .filter({ hasText: /Copied|Selected/ })
      .waitFor();

    await dialog().getByRole('button', { name: 'Stored it: retire the old token' }).click();
    await dialog()
      .getByText(/^Rotated “ci-pull”/)
      .waitFor();
    assert.deepEqual(
      log().slice(4),
      [`PATCH /v2/orgs/acme/access-tokens/${old.id}`],
      'the retire, after the hand-over',
    );
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => r.method),
      ['POST', 'PATCH'],
    );
    for (const phase of ['create', 'verify', 'handover', 'retire'])
      assert.equal(await phaseState(phase), 'done', phase);

    const retired = d.tokens().find((t) => t.id === old.id);
    assert.equal(retired.is_active, false, 'deactivated at once');
    const r = parseRetired(retired.label);
    assert.equal(r?.label, 'ci-pull', `relabelled as retired: ${retired.label}`);
    assert.equal(r.activeUntil, null);
    assert.deepEqual(
      holders('ci-pull').map((t) => t.id),
      [fresh.id],
      'one token has the label: the new one',
    );
    await dialog()
      .getByText(`was deactivated and relabelled “${retired.label}”`, { exact: false })
      .waitFor();
    assert.equal(await d.page.locator('#rotate-secret').inputValue(), '');
    assert.ok(!(await d.page.content()).includes(secret), 'the secret left the page');
    assert.equal(await d.heapHolds(secret), false, 'no JS object of the page still holds it');
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-done-1280x800.png` });

    await dialog().getByRole('button', { name: 'Close' }).click();
    await dialog().waitFor({ state: 'hidden' });
    await d.rowOf(retired.label).waitFor();
    await d.rowOf('ci-pull').getByText('Active', { exact: true }).waitFor();
  });

  test('kept for an overlap: relabelled, still active until the overlap ends', async () => {
    const [old] = holders('ci-pull');
    await startRotation('ci-pull', { overlap: '1 day' });
    await dialog().getByRole('button', { name: 'Stored it: retire the old token' }).click();
    await dialog()
      .getByText(/^Rotated “ci-pull”/)
      .waitFor();
    const kept = d.tokens().find((t) => t.id === old.id);
    const r = parseRetired(kept.label);
    assert.equal(kept.is_active, true, 'still working during the overlap');
    assert.ok(
      r &&
        r.activeUntil > Date.now() + 86_400_000 - 120_000 &&
        r.activeUntil <= Date.now() + 86_400_000 + 120_000,
      `active until a day from now: ${kept.label}`,
    );
    assert.equal(holders('ci-pull').length, 1);
    const verified = d.srv.sandbox.requests.findIndex((q) => q.signedIn?.kind === 'oat');
    const retired = d.srv.sandbox.requests.findIndex(
      (q) => q.method === 'PATCH' && q.path.endsWith(old.id),
    );
    assert.ok(
      verified >= 0 && verified < retired,
      'the sign-in with the new token came before the retire',
    );
    await dialog()
      .getByText(/keeps working until/)
      .waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
  });

  test('"Not stored" deletes the new token again and leaves the old one as it was', async () => {
    const [old] = holders('ci-pull');
    await startRotation('ci-pull');
    const fresh = holders('ci-pull').find((t) => t.id !== old.id);
    const leaving = () =>
      d.page.evaluate(() => {
        const e = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(e);
        return e.defaultPrevented;
      });
    assert.equal(await leaving(), true, 'leaving the page mid-hand-over is asked about first');
    await dialog().getByRole('button', { name: 'Not stored: delete the new token' }).click();
    await dialog().getByRole('alert').filter({ hasText: 'so it was deleted again' }).waitFor();
    assert.equal(await phaseState('handover'), 'failed');
    assert.equal(await phaseState('undo'), 'done');
    assert.equal(await phaseState('retire'), 'skipped');
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => `${r.method} ${r.path}`),
      ['POST /v2/orgs/acme/access-tokens', `DELETE /v2/orgs/acme/access-tokens/${fresh.id}`],
      'no write to the old token',
    );
    const now = holders('ci-pull');
    assert.deepEqual(
      now.map((t) => [t.id, t.is_active]),
      [[old.id, true]],
      'the old one, untouched',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-not-stored-1280x800.png` });
    assert.equal(await leaving(), false, 'once the rotation is over, the page may be left freely');
    await dialog().getByRole('button', { name: 'Close' }).click();
  });

  test('a new token that cannot sign in is deleted again, and its secret is never shown', async () => {
    const [old] = holders('ci-pull');
    d.srv.sandbox.resetRequests();
    d.srv.sandbox.faults.add({
      method: 'POST',
      path: '^/v2/auth/token$',
      status: 401,
      body: { message: 'Incorrect authentication credentials.', errinfo: {} },
      times: 1,
    });
    const details = await d.details('ci-pull');
    await details.getByRole('button', { name: 'Rotate…' }).click();
    await dialog().getByRole('button', { name: 'Rotate', exact: true }).click();
    await dialog().getByRole('alert').filter({ hasText: 'could not sign in' }).waitFor();
    assert.equal(await phaseState('verify'), 'failed');
    assert.equal(await phaseState('undo'), 'done');
    assert.equal(await phaseState('handover'), 'skipped');
    assert.equal(await d.page.locator('#rotate-secret').inputValue(), '', 'never shown');
    const w = writes(d.srv.sandbox.requests).map((r) => r.method);
    assert.deepEqual(w, ['POST', 'DELETE']);
    assert.deepEqual(
      holders('ci-pull').map((t) => [t.id, t.is_active]),
      [[old.id, true]],
    );
    assert.ok(
      d.page.url().startsWith(d.srv.url),
      "still signed in: the refusal was the new token's, not the session's",
    );
    await dialog().getByRole('button', { name: 'Close' }).click();
    await d.tokensTable().waitFor();
  });

  test('a retire Docker Hub refuses leaves both tokens working and says what to do', async () => {
    const [old] = holders('ci-pull');
    await startRotation('ci-pull');
    d.srv.sandbox.faults.add({
      method: 'PATCH',
      path: `/access-tokens/${old.id}$`,
      status: 403,
      body: { message: 'Not allowed right now.', errinfo: {} },
      times: 1,
    });
    await dialog().getByRole('button', { name: 'Stored it: retire the old token' }).click();
    const alert = dialog()
      .getByRole('alert')
      .filter({ hasText: 'The new token is in place, but:' });
    await alert.waitFor();
    assert.match(
      await alert.textContent(),
      /could not be retired: Not allowed: Not allowed right now\. It still works/,
    );
    assert.equal(await phaseState('retire'), 'failed');
    const both = holders('ci-pull');
    assert.equal(both.length, 2, 'the old one keeps its label');
    assert.ok(
      both.every((t) => t.is_active),
      'and both work',
    );
    assert.ok(
      d.srv.sandbox.requests.findIndex((q) => q.signedIn?.kind === 'oat') <
        d.srv.sandbox.requests.findIndex((q) => q.method === 'PATCH'),
    );
    await dialog().getByRole('button', { name: 'Close' }).click();
    await d.tokensTable().waitFor();
    // Put the org back as the tests after this expect it: one ci-pull.
    const hub = await createClient({
      baseUrl: d.srv.url,
      credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    try {
      await hub.deleteAccessToken('acme', old.id);
    } finally {
      hub.close();
    }
    await d.page.getByRole('button', { name: 'Refresh' }).click();
  });

  test('a label made of markup is rotated as text: its dialog, phases and outcome run nothing', async () => {
    const label = '<img src=x onerror="window.__xss=1">';
    const hub = await createClient({
      baseUrl: d.srv.url,
      credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
    });
    try {
      await hub.createAccessToken('acme', {
        label,
        resources: [{ type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] }],
      });
    } finally {
      hub.close();
    }
    await d.page.getByRole('button', { name: 'Refresh' }).click();
    await startRotation(label);
    assert.equal(await dialog().locator('#rotate-title').textContent(), `Rotate “${label}”`);
    await dialog().getByRole('button', { name: 'Stored it: retire the old token' }).click();
    await dialog()
      .getByText(/was deactivated and relabelled/)
      .waitFor();
    assert.equal(await d.page.locator('img').count(), 0, 'no element was made from the label');
    assert.equal(await d.page.evaluate(() => window.__xss), undefined);
    assert.equal(holders(label).length, 1);
    await dialog().getByRole('button', { name: 'Close' }).click();
  });

  test('at 390 px the rotation reads without sideways scrolling', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    const details = await d.details('legacy-deploy');
    await d.page.screenshot({ path: `${ARTIFACTS}details-rotate-390x844.png` });
    await details.getByRole('button', { name: 'Rotate…' }).click();
    await dialog().waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-choose-390x844.png` });
    await dialog().getByRole('button', { name: 'Rotate', exact: true }).click();
    await dialog().getByLabel('The new secret', { exact: true }).waitFor();
    assert.ok(
      await d.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'nothing overflows sideways',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-handover-390x844.png` });
    await dialog().getByRole('button', { name: 'Stored it: retire the old token' }).click();
    await dialog()
      .getByText(/^Rotated “legacy-deploy”/)
      .waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}rotate-done-390x844.png` });
    await dialog().getByRole('button', { name: 'Close' }).click();
    await d.page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no page error, console error, CSP violation or native dialog happened', () => {
    assert.deepEqual(d.problems, []);
  });
});
