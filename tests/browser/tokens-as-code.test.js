// "Tokens as code" in the dashboard (Chromium against web/server.js and its sandbox): the download
// is the CLI's `export` of the same org; a file dropped in (or chosen) shows the plan the CLI's
// `plan -f` prints, word for word, with no write request; a broken file names its line; text from
// a file is shown as text. And create refuses a label the org already has before any write, until
// the person allows the duplicate (the CLI's --allow-duplicate-label); the scope picker words each
// scope as the catalogue (bindings/scopes.js) does. Screenshots at 1280 and 390.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardSuite, writes, ARTIFACTS, PASSWORD } from './helpers/dashboard.js';
import { SCOPES, SCOPE_WORDS } from '../../bindings/scopes.js';

const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));

/** The CLI against the dashboard's sandbox, signed in as the seeded owner. */
function cli(url, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH,
        DOCKERHUB_BASE_URL: url,
        DOCKERHUB_ORG: 'acme',
        DOCKERHUB_IDENTIFIER: 'acme-owner',
        DOCKERHUB_SECRET: PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tokens as code, unique labels and scope words in the dashboard (Chromium)', () => {
  const d = dashboardSuite();
  const dir = mkdtempSync(join(tmpdir(), 'dash-code-'));

  test("Download tokens.json gives the CLI's export of the org, byte for byte", async () => {
    const [download] = await Promise.all([
      d.page.waitForEvent('download'),
      d.page.getByRole('button', { name: 'Download tokens.json' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'tokens.json');
    const text = readFileSync(await download.path(), 'utf8');
    const exported = await cli(d.srv.url, ['export']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(text, exported.stdout, 'the same bytes');
    assert.deepEqual(
      Object.keys(JSON.parse(text).tokens),
      ['q1-audit', 'legacy-deploy', 'ci-pull'],
      'oldest first, as the CLI',
    );
    assert.ok(!/dckr_oat_/.test(text), 'no secret');
    await d.page
      .getByRole('status')
      .filter({ hasText: 'Downloaded tokens.json: 3 tokens.' })
      .waitFor();
  });

  test('a dropped file shows the plan the CLI prints for it, with no write request', async () => {
    const manifest = JSON.parse((await cli(d.srv.url, ['export'])).stdout);
    manifest.tokens['ci-pull'].description = 'CI pulls the api image, reviewed';
    manifest.tokens['<img src=x onerror="window.__xss=1">'] = {
      expires: 'never',
      resources: { public_read: true },
      secret: { out: 'img.token' },
    };
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    const file = join(dir, 'tokens.json');
    writeFileSync(file, text);
    const planned = await cli(d.srv.url, ['plan', '-f', file]);
    assert.match(planned.stdout, /1 to create, 1 to update/);

    d.srv.sandbox.resetRequests();
    await d.dropFile('tokens.json', text);
    const shown = d.page.locator('#code-plan');
    await d.page.getByRole('heading', { name: 'Plan of tokens.json: 2 changes' }).waitFor();
    assert.equal(await shown.textContent(), planned.stdout, "the CLI's words, line for line");
    assert.deepEqual(writes(d.srv.sandbox.requests), [], 'read-only: nothing but reads');
    assert.equal(
      await d.page.locator('img').count(),
      0,
      'a label from the file is text, not markup',
    );
    assert.equal(await d.page.evaluate(() => window.__xss), undefined);
    assert.equal(d.tokens().length, 3, 'no token was made');
    await d.page
      .locator('#code-view')
      .screenshot({ path: `${ARTIFACTS}tokens-as-code-1280x800.png` });
  });

  test('a file chosen with "Check a file…" is planned the same; --prune counts the unlisted', async () => {
    const file = join(dir, 'only-ci.json');
    writeFileSync(
      file,
      JSON.stringify(
        {
          version: 1,
          tokens: {
            'ci-pull': JSON.parse((await cli(d.srv.url, ['export'])).stdout).tokens['ci-pull'],
          },
        },
        null,
        2,
      ),
    );
    const [chooser] = await Promise.all([
      d.page.waitForEvent('filechooser'),
      d.page.getByRole('button', { name: 'Check a file…' }).click(),
    ]);
    await chooser.setFiles(file);
    await d.page.getByRole('heading', { name: 'Plan of only-ci.json: no changes' }).waitFor();
    assert.equal(
      await d.page.locator('#code-plan').textContent(),
      (await cli(d.srv.url, ['plan', '-f', file])).stdout,
    );
    d.srv.sandbox.resetRequests();
    await d.page.getByLabel('Count the tokens the file does not list as deletes').check();
    await d.page.getByRole('heading', { name: 'Plan of only-ci.json: 2 changes' }).waitFor();
    assert.equal(
      await d.page.locator('#code-plan').textContent(),
      (await cli(d.srv.url, ['plan', '-f', file, '--prune'])).stdout,
    );
    assert.deepEqual(
      writes(d.srv.sandbox.requests),
      [],
      'a plan with prune deletes nothing either',
    );
    await d.page.getByLabel('Count the tokens the file does not list as deletes').uncheck();
    await d.page.getByRole('heading', { name: 'Plan of only-ci.json: no changes' }).waitFor();
  });

  test('a chosen file that can no longer be read is reported in the panel, never left "Planning…"', async () => {
    // The page keeps the chosen file and reads it again when --prune is toggled (or after a
    // change to the tokens): by then it may be gone from the disk, and the read rejects.
    const file = join(dir, 'vanishing.json');
    writeFileSync(file, JSON.stringify({ version: 1, tokens: {} }, null, 2));
    const [chooser] = await Promise.all([
      d.page.waitForEvent('filechooser'),
      d.page.getByRole('button', { name: 'Check a file…' }).click(),
    ]);
    await chooser.setFiles(file);
    await d.page.getByRole('heading', { name: 'Plan of vanishing.json: no changes' }).waitFor();
    rmSync(file);
    const prune = d.page.getByLabel('Count the tokens the file does not list as deletes');
    await prune.check();
    const alert = d.page.locator('#code-view').getByRole('alert');
    await alert.filter({ hasText: 'vanishing.json could not be read' }).waitFor();
    assert.equal(
      await d.page.locator('#code-view [role=status]').textContent(),
      '',
      'no "Planning…" left behind',
    );
    assert.equal(await d.page.locator('#code-view .code-result').isHidden(), true);
    assert.deepEqual(d.problems, [], 'no unhandled rejection in the page');
    await prune.uncheck();
  });

  test('a file that creates a token without saying where its secret goes is refused, as the CLI refuses it', async () => {
    const text =
      '{\n  "tokens": {\n    "nowhere": { "resources": { "public_read": true } }\n  }\n}\n';
    const file = join(dir, 'nowhere.json');
    writeFileSync(file, text);
    const refused = await cli(d.srv.url, ['plan', '-f', file]);
    assert.equal(refused.code, 1);
    await d.dropFile('nowhere.json', text);
    const alert = d.page.locator('#code-view').getByRole('alert');
    await alert
      .filter({ hasText: 'nowhere.json was not planned: apply would refuse it.' })
      .waitFor();
    assert.match(
      await alert.textContent(),
      /line 3: token "nowhere" would be created, but the file does not say where its secret goes/,
    );
    assert.doesNotMatch(await d.page.locator('#code-view').textContent(), /onSecret/);
    assert.equal(await d.page.locator('#code-view .code-result').isHidden(), true);
  });

  test('a broken file is refused with its line, before any request', async () => {
    d.srv.sandbox.resetRequests();
    await d.dropFile('broken.json', '{\n  "version": 1,\n  "tokens": 3\n}\n');
    const alert = d.page.locator('#code-view').getByRole('alert');
    await alert.filter({ hasText: 'broken.json was not planned.' }).waitFor();
    assert.match(await alert.textContent(), /line 3/);
    assert.deepEqual(d.srv.sandbox.requests, [], 'refused before any request');
    assert.equal(
      await d.page.locator('#code-view .code-result').isHidden(),
      true,
      'the earlier plan is not left showing',
    );
  });

  test('create refuses a label the org has, with no write request, until the duplicate is allowed', async () => {
    d.srv.sandbox.resetRequests();
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Label').fill('ci-pull');
    await dialog.getByRole('checkbox', { name: 'Public repositories (read)' }).check();
    const allow = dialog.getByRole('checkbox', { name: 'Create it anyway, as a duplicate' });
    assert.equal(await allow.isHidden(), true, 'offered only once the label is found taken');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'This label is taken.' });
    await alert.waitFor();
    const pullId = d.tokens().find((t) => t.label === 'ci-pull').id;
    assert.match(
      await alert.textContent(),
      new RegExp(`acme already has a token labelled “ci-pull” \\(${pullId}\\)`),
    );
    assert.deepEqual(writes(d.srv.sandbox.requests), [], 'no write request');
    await allow.waitFor();
    await d.page.screenshot({ path: `${ARTIFACTS}duplicate-label-1280x800.png` });

    await allow.check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secret = d.page.getByRole('dialog', { name: 'Copy your access token' });
    await secret.waitFor();
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => `${r.method} ${r.path}`),
      ['POST /v2/orgs/acme/access-tokens'],
    );
    assert.equal(d.tokens().filter((t) => t.label === 'ci-pull').length, 2, 'allowed, it is made');
    await secret.getByRole('button', { name: 'Done' }).click();

    d.srv.sandbox.resetRequests();
    await d.page.getByRole('button', { name: 'New token' }).click();
    await dialog.getByLabel('Label').fill('ci-pull');
    await dialog.getByRole('checkbox', { name: 'Public repositories (read)' }).check();
    assert.equal(await allow.isHidden(), true, 'the allowance is not kept for the next token');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await alert.waitFor();
    assert.match(await alert.textContent(), /\(.+, .+\)/, 'both ids are named');
    await dialog.getByLabel('Label').fill('ci-pull-2');
    assert.equal(await allow.isHidden(), true, 'another label is another question');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await secret.waitFor();
    await secret.getByRole('button', { name: 'Done' }).click();
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => `${r.method} ${r.path}`),
      ['POST /v2/orgs/acme/access-tokens'],
    );
  });

  test('edit refuses a label another token has, with no write request, until the duplicate is allowed', async () => {
    d.srv.sandbox.resetRequests();
    const row = d.page
      .locator('#rows tr')
      .filter({ has: d.page.getByRole('button', { name: 'ci-pull-2', exact: true }) });
    await row.getByRole('button', { name: 'ci-pull-2', exact: true }).click();
    const details = d.page.getByRole('dialog', { name: 'ci-pull-2' });
    await details.getByRole('button', { name: 'Edit' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'Edit access token' });
    await dialog.getByLabel('Label').fill('ci-pull');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'This label is taken.' });
    await alert.waitFor();
    assert.match(
      await alert.textContent(),
      /acme already has a token labelled “ci-pull” \(.+, .+\)/,
    );
    assert.deepEqual(writes(d.srv.sandbox.requests), [], 'no write request');
    const allow = dialog.getByRole('checkbox', { name: 'Save it anyway, as a duplicate' });
    await dialog.getByLabel('Label').fill('ci-pull-2');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await details.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => r.method),
      ['PATCH'],
      'its own label is no duplicate',
    );

    d.srv.sandbox.resetRequests();
    await details.getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Label').fill('ci-pull');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await allow.waitFor();
    await allow.check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await d.page
      .getByRole('dialog', { name: 'ci-pull' })
      .getByRole('status')
      .filter({ hasText: 'Saved' })
      .waitFor();
    assert.deepEqual(
      writes(d.srv.sandbox.requests).map((r) => r.method),
      ['PATCH'],
      'allowed, it is saved',
    );
    assert.equal(d.tokens().filter((t) => t.label === 'ci-pull').length, 3);
    await d.page.keyboard.press('Escape');
  });

  test('the scope picker words every scope as the catalogue does (dockerhub-oat scopes)', async () => {
    await d.page.getByRole('button', { name: 'New token' }).click();
    const dialog = d.page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByText(/^Organization access/).click();
    const shown = await dialog.locator('input[type=checkbox][data-scope]').evaluateAll((boxes) =>
      boxes.map((b) => ({
        scope: b.dataset.scope,
        name: b.getAttribute('aria-label') ?? b.closest('label').textContent,
        title: b.closest('label').title,
      })),
    );
    const catalogue = [...Object.values(SCOPES.TYPE_REPO).flat(), ...SCOPES.TYPE_ORG];
    assert.deepEqual(
      shown.map((s) => s.scope),
      catalogue,
      "every scope, in the catalogue's order",
    );
    for (const s of shown) {
      assert.equal(s.name, SCOPE_WORDS[s.scope], `${s.scope} is worded as the catalogue words it`);
      assert.equal(s.title, s.scope, 'its API name on hover');
    }
    await dialog
      .getByRole('checkbox', { name: 'Images: delete (and push, pull)', exact: true })
      .check();
    assert.ok(
      await dialog.getByRole('checkbox', { name: 'Images: pull', exact: true }).isChecked(),
      'what a scope includes is checked with it',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}scope-words-1280x800.png` });
    await d.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('at 390 px the panel reads without sideways scrolling', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    await d.page.locator('#code-view').scrollIntoViewIfNeeded();
    assert.ok(
      await d.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'nothing overflows sideways',
    );
    await d.page.screenshot({ path: `${ARTIFACTS}tokens-as-code-390x844.png`, fullPage: true });
    await d.page.setViewportSize({ width: 1280, height: 800 });
  });

  test('no page error, console error, CSP violation or native dialog happened', () => {
    assert.deepEqual(d.problems, []);
  });
});
