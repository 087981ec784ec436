// A hostile web page in the user's Chromium against `npm start`'s server (web/server.js with its
// sandbox) and the standalone sandbox: cross-site requests to the control routes (CSRF) and DNS
// rebinding. The page is on another origin served on loopback (127.0.0.2, or another port); Chromium resolves
// evil.test to 127.0.0.1 (--host-resolver-rules), which is what a rebound DNS name does.
// Proof that nothing happened: the servers' own logs show every attack arrived and was refused, no
// fault is pending, the world is unchanged, and the page read nothing. Every wait is on an event.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startServer } from '../../web/server.js';
import { startSandbox } from '../../web/sandbox/index.js';
import { sandboxControl } from '../fixtures/sandbox-control.js';
import { until } from '../fixtures/hub.js';
import { CHROMIUM_LAUNCH } from '../fixtures/chromium.js';

const LAUNCH = {
  ...CHROMIUM_LAUNCH,
  args: [...CHROMIUM_LAUNCH.args, '--host-resolver-rules=MAP evil.test 127.0.0.1'],
};
const FAULT = {
  path: '^/v2/',
  status: 500,
  body: { message: 'injected by a web page' },
  times: 1000,
};

/** The attacker's own site: one empty page on 127.0.0.2, its own origin. */
async function startEvilSite() {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>cute cats</title><p>cats</p>');
  });
  // 127.0.0.2 where the system has it (Linux); else another port on 127.0.0.1, still another origin.
  const listen = (host) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve(host);
      });
    });
  const host = await listen('127.0.0.2').catch((e) =>
    e.code === 'EADDRNOTAVAIL' ? listen('127.0.0.1') : Promise.reject(e),
  );
  return {
    url: `http://${host}:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs in the attacker's page: every cross-site way to POST a fault and to read the control routes.
 * Returns what the page could see of each answer (nothing, if the servers hold).
 */
async function crossSiteAttacks({ target, fault }) {
  const seen = {};
  const body = JSON.stringify(fault);
  const note = async (name, p) => {
    try {
      const r = await p;
      seen[name] = r.type === 'opaque' ? 'opaque' : `${r.status} ${await r.text()}`;
    } catch (e) {
      seen[name] = `blocked: ${e.name}`;
    }
  };
  // The "simple" requests a page may send anywhere without asking: text/plain, form, no header.
  await note(
    'fetch text/plain',
    fetch(`${target}/_sandbox/faults`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
      body,
    }),
  );
  await note(
    'fetch form',
    fetch(`${target}/_sandbox/faults`, {
      method: 'POST',
      mode: 'no-cors',
      body: new URLSearchParams({ [body]: '' }),
    }),
  );
  seen.beacon = navigator.sendBeacon(`${target}/_sandbox/faults`, body);
  // A JSON POST and a token header need a CORS preflight, which the servers never grant.
  await note(
    'fetch json',
    fetch(`${target}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
  await note(
    'fetch token',
    fetch(`${target}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-token': 'guess' },
      body,
    }),
  );
  // Reading the request log and the world.
  await note('read requests', fetch(`${target}/_sandbox/requests`));
  await note('read state', fetch(`${target}/_sandbox/state`));
  // The classic text/plain form whose body is JSON: name '{"status":500,"x":"' + '=' + value '"}'.
  const frame = document.createElement('iframe');
  frame.name = 'sink';
  document.body.append(frame);
  const form = document.createElement('form');
  Object.assign(form, {
    method: 'POST',
    action: `${target}/_sandbox/faults`,
    enctype: 'text/plain',
    target: 'sink',
  });
  const input = document.createElement('input');
  Object.assign(input, { name: `${body.slice(0, -1)},"x":"`, value: '"}' });
  form.append(input);
  document.body.append(form);
  // Not awaited: a frame refused by frame-ancestors fires no load event. The test waits on the log.
  form.submit();
  return seen;
}

/** Runs in a page whose origin is the rebound name: same-origin requests, carrying Host evil.test. */
async function rebindingAttacks({ fault, credentials }) {
  const seen = {};
  const grab = async (name, path, init) => {
    try {
      const r = await fetch(path, init);
      seen[name] = `${r.status} ${await r.text()}`;
    } catch (e) {
      seen[name] = `blocked: ${e.name}`;
    }
  };
  await grab('requests', '/_sandbox/requests');
  await grab('state', '/_sandbox/state');
  await grab('fault', '/_sandbox/faults', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  await grab('sign-in', '/v2/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  await grab('list', '/v2/orgs/acme/access-tokens');
  return seen;
}

describe('a hostile page against npm start and the sandbox (Chromium)', () => {
  const log = { server: [], sandbox: [] };
  let srv;
  let sb;
  let evil;
  let browser;
  let before0;
  const targets = () => [
    ['server', srv],
    ['sandbox', sb],
  ];
  const stateOf = (name) =>
    JSON.stringify(name === 'server' ? srv.sandbox.store.snapshot() : sb.state);

  before(async () => {
    srv = await startServer({ port: 0, host: '127.0.0.1', log: (l) => log.server.push(l) });
    sb = await startSandbox({ port: 0, log: (l) => log.sandbox.push(l) });
    evil = await startEvilSite();
    browser = await chromium.launch(LAUNCH);
    before0 = { server: stateOf('server'), sandbox: stateOf('sandbox') };
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await sb?.close();
    await evil?.close();
  });

  test('cross-site requests (CSRF) from another origin inject nothing and read nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${evil.url}/`);
      for (const [name, t] of targets()) {
        const lines = log[name];
        const from = lines.length;
        const seen = await page.evaluate(crossSiteAttacks, { target: t.url, fault: FAULT });
        // The beacon is sent in the background: wait for the server to log it, not for a time.
        await until(
          () => lines.slice(from).filter((l) => l.startsWith('POST /_sandbox/faults ')).length >= 4,
          `${name}: the attacks to arrive`,
        );
        const got = lines.slice(from).filter((l) => l.includes(' /_sandbox/'));
        for (const l of got) assert.match(l, / (401|403|404|415) /, `${name}: ${l}`);
        assert.ok(
          got.some((l) => l.startsWith('POST /_sandbox/faults 401 ')),
          `${name}: a simple POST arrived and was refused: ${got}`,
        );
        for (const [what, result] of Object.entries(seen)) {
          if (what === 'beacon') continue;
          assert.match(
            result,
            /^(opaque|blocked: TypeError)$/,
            `${name}, ${what}: the page read ${result}`,
          );
        }
        assert.equal(seen.beacon, true, 'the beacon was queued (and refused, see the log)');
      }
      assert.deepEqual(srv.sandbox.faults.list(), [], 'no fault on the dashboard server');
      assert.deepEqual(sb.pendingFaults(), [], 'no fault on the sandbox');
      assert.equal(stateOf('server'), before0.server);
      assert.equal(stateOf('sandbox'), before0.sandbox);
      assert.ok(
        !log.server.some((l) => l.startsWith('OPTIONS') && / 2\d\d /.test(l)),
        'no preflight was granted',
      );
    } finally {
      await context.close();
    }
  });

  test('DNS rebinding (a page on evil.test, resolved to 127.0.0.1) gets 403 and nothing else', async () => {
    // The rebound page's own origin is http://evil.test:<port>: its fetches are same-origin and carry
    // Host: evil.test. bypassCSP lets the test run script in that origin, as the attacker's page would.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      for (const [name, t] of targets()) {
        srv.sandbox.resetRequests();
        sb.resetRequests();
        const from = log[name].length;
        const nav = await page.goto(`http://evil.test:${t.port}/`);
        assert.equal(nav.status(), 403, `${name}: the page itself`);
        const seen = await page.evaluate(rebindingAttacks, {
          fault: FAULT,
          credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
        });
        for (const [what, result] of Object.entries(seen)) {
          assert.match(result, /^403 /, `${name}, ${what}: ${result}`);
          assert.doesNotMatch(
            result,
            /access_token|"requests"|"orgs"|"results"|acme-owner/,
            `${name}, ${what} leaked data`,
          );
        }
        assert.deepEqual(
          name === 'server' ? srv.sandbox.requests : sb.requests,
          [],
          `${name}: nothing reached the sandbox's routes`,
        );
        // The server's own log: every attack arrived, and each was refused.
        const got = log[name].slice(from);
        for (const path of [
          '/_sandbox/requests',
          '/_sandbox/state',
          '/_sandbox/faults',
          '/v2/auth/token',
          '/v2/orgs/acme/access-tokens',
        ]) {
          assert.ok(
            got.some((l) => l.includes(` ${path} 403 `)),
            `${name}: ${path} arrived and was refused: ${got}`,
          );
        }
        for (const l of got) assert.match(l, / 403 /, `${name}: ${l}`);
      }
      assert.deepEqual(srv.sandbox.faults.list(), []);
      assert.deepEqual(sb.pendingFaults(), []);
      assert.equal(stateOf('server'), before0.server);
      assert.equal(stateOf('sandbox'), before0.sandbox);
    } finally {
      await context.close();
    }
  });

  test('the same control requests with the token, from this machine, do work (the test can see a success)', async () => {
    for (const [, t] of targets()) {
      const ctl = sandboxControl(t);
      assert.equal((await ctl.addFaults({ ...FAULT, times: 1 })).added, 1);
      assert.equal((await ctl.pendingFaults()).length, 1);
      await ctl.clearFaults();
      assert.ok(Array.isArray((await ctl.requests()).requests));
    }
  });
});
