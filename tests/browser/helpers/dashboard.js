// One dashboard in Chromium for a browser suite: web/server.js with its embedded sandbox on a port
// the system picks, a page that records every page error, console error and CSP violation, the
// sign-in, and the sandbox's request log read as the writes it holds. (dashboard.test.js and
// audit.test.js predate it and set up their own.)
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../../web/server.js';

export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
export const PASSWORD = 'sandbox-password';
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Requests that change something (the request log of the sandbox: method, path, and for a
 * sign-in who it was). */
export const writes = (requests) => requests.filter((r) => r.method !== 'GET' && r.path !== '/v2/auth/token');

/**
 * @param {{ seed?: object, viewport?: { width: number, height: number } }} [options]
 */
export async function openDashboard({ seed, viewport = { width: 1280, height: 800 } } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const srv = await startServer({ port: 0, host: '127.0.0.1', sandbox: seed ? { seed } : {} });
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => { problems.push(`native dialog: ${d.message()}`); d.dismiss().catch(() => {}); });

  const tokensTable = () => page.getByRole('table', { name: 'Access tokens' });
  return {
    srv,
    page,
    problems,
    tokensTable,
    rowOf: (label) => tokensTable().getByRole('row').filter({ has: page.getByRole('button', { name: label, exact: true }) }),
    /** The sandbox's tokens of `org` (a deep copy). */
    tokens: (org = 'acme') => srv.sandbox.store.snapshot().orgs.find((o) => o.name === org).tokens,
    async signIn(org = 'acme', user = 'acme-owner', secret = PASSWORD) {
      await page.goto(`${srv.url}/`);
      await page.waitForFunction(() => !document.querySelector('#signin-button').disabled);
      await page.getByLabel('Organization').fill(org);
      await page.getByLabel('Username').fill(user);
      await page.getByLabel('Password or access token').fill(secret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await tokensTable().waitFor();
    },
    /** Opens a token's details from its row. */
    async details(label) {
      await tokensTable().getByRole('button', { name: label, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: label, exact: true });
      await dialog.getByRole('heading', { name: 'Resources' }).waitFor();
      await dialog.locator('#details-rotate:not([disabled])').waitFor();
      return dialog;
    },
    async close() {
      await browser.close();
      await srv.close();
    },
  };
}
