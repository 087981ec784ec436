// One dashboard in Chromium for a browser suite: web/server.js with its embedded sandbox on a port
// the system picks, a page that records every page error, console error, CSP violation and native
// dialog, the sign-in, and the sandbox's request log read as the writes it holds. dashboardSuite()
// is the one before/after of every browser suite that drives the dashboard.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../../web/server.js';
import { CHROMIUM_LAUNCH } from '../../fixtures/chromium.js';

export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
export const PASSWORD = 'sandbox-password';
const LAUNCH = CHROMIUM_LAUNCH;

/** Requests that change something (the request log of the sandbox: method, path, and for a
 * sign-in who it was). */
export const writes = (requests) =>
  requests.filter((r) => r.method !== 'GET' && r.path !== '/v2/auth/token');

/** The page's Date stands at `now` (Date only: Playwright's page.clock fakes the timers too, and its
 * timer ids, 1e12 and up, do not fit the C core's timer handles: every call then fails). */
function fixDate(now) {
  const RealDate = Date;
  class FixedDate extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [now]));
    }
    static now() {
      return now;
    }
  }
  globalThis.Date = FixedDate;
}

/**
 * @param {{ seed?: object | string, now?: number, viewport?: { width: number, height: number } }} [options]
 *   seed: the sandbox's world; now: the sandbox's clock and the page's Date fixed at that time (ms)
 */
export async function openDashboard({ seed, now, viewport = { width: 1280, height: 800 } } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = { ...(seed ? { seed } : {}), ...(now !== undefined ? { now: () => now } : {}) };
  const srv = await startServer({ port: 0, host: '127.0.0.1', sandbox });
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  const page = await context.newPage();
  const problems = [];
  const nativeDialogs = [];
  if (now !== undefined) await page.addInitScript(fixDate, now);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    // Chromium logs every non-2xx XHR ("Failed to load resource"); the 401/429 tests cause some.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => {
    nativeDialogs.push(d.message());
    problems.push(`native dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });

  const tokensTable = () => page.getByRole('table', { name: 'Access tokens' });
  /** Fills the sign-in form and sends it (whatever the answer). */
  async function fillSignIn(org = 'acme', user = 'acme-owner', secret = PASSWORD) {
    await page.getByLabel('Organization').fill(org);
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password or access token').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  return {
    srv,
    browser,
    context,
    page,
    problems,
    nativeDialogs,
    tokensTable,
    rowOf: (label) =>
      tokensTable()
        .getByRole('row')
        .filter({ has: page.getByRole('button', { name: label, exact: true }) }),
    /** The sandbox's tokens of `org` (a deep copy). */
    tokens: (org = 'acme') => srv.sandbox.store.snapshot().orgs.find((o) => o.name === org).tokens,
    fillSignIn,
    /** Loads the page and signs in (the seeded owner of acme unless told), up to the token list. */
    async signIn(org = 'acme', user = 'acme-owner', secret = PASSWORD) {
      await page.goto(`${srv.url}/`);
      await page.waitForFunction(() => !document.querySelector('#signin-button').disabled);
      await fillSignIn(org, user, secret);
      await tokensTable().waitFor();
    },
    /** Drops `text` as a file named `name` on the Tokens as code drop zone, as a person dragging
     * it from a folder. */
    async dropFile(name, text) {
      const dataTransfer = await page.evaluateHandle(
        ([n, t]) => {
          const dt = new DataTransfer();
          dt.items.add(new File([t], n, { type: 'application/json' }));
          return dt;
        },
        [name, text],
      );
      await page.locator('#code-drop').dispatchEvent('dragenter', { dataTransfer });
      await page.locator('#code-drop').dispatchEvent('drop', { dataTransfer });
    },
    /** Whether the page's JS heap (after a full GC) still holds `needle`, through a heap snapshot. */
    async heapHolds(needle) {
      const cdp = await context.newCDPSession(page);
      const chunks = [];
      cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      await cdp.detach();
      return chunks.join('').includes(needle);
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

/**
 * openDashboard for the describe() it is called in: opened before its tests (and signed in, as the
 * seeded owner or as `signIn` = [org, user, secret]; `signIn: false` leaves the sign-in page),
 * closed after them. The object returned is filled in place once before() has run.
 * @param {{ signIn?: boolean | string[], seed?: object | string, now?: number, viewport?: object }} [options]
 */
export function dashboardSuite({ signIn = true, ...options } = {}) {
  const d = {};
  before(async () => {
    Object.assign(d, await openDashboard(options));
    if (signIn) await d.signIn(...(signIn === true ? [] : signIn));
  });
  after(async () => {
    await d.close?.();
  });
  return d;
}
