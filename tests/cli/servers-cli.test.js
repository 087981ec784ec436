// The two servers from the package's own command: `dockerhub-oat dashboard` serves the page on the
// embedded sandbox (as `npm start` does, which now calls it) with the Host check and the security
// headers, and `dockerhub-oat sandbox` says its own name in its usage and takes a named seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { raw } from '../fixtures/raw-request.js';
import { CLI, runCli } from '../fixtures/cli-run.js';
import { CSP } from '../../web/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `dockerhub-oat ARGS` and resolves once its banner (up to "Ctrl-C stops.") is out. */
function start(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const banner = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      if (/Ctrl-C stops\.\n/.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before its banner: ${out}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { banner, stop };
}

test('dockerhub-oat dashboard serves the page on loopback, prints its URL and the sandbox sign-in', async () => {
  const { banner, stop } = start(['dashboard', '--port', '0', '--quiet']);
  try {
    const text = await banner;
    const url = /Docker Hub access tokens dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1];
    assert.ok(url, text);
    assert.match(
      text,
      /Organization +acme\n +Username +acme-owner\n +Password or access token +sandbox-password/,
    );
    const page = await raw(url, { path: '/', headers: { host: new URL(url).host } });
    assert.equal(page.status, 200);
    assert.match(page.text, /<script type="module" src="\/?app\.js"/);
    assert.equal(page.headers['content-security-policy'], CSP);
    const wasm = await raw(url, {
      path: '/dist/dockerhub_oat.wasm',
      headers: { host: new URL(url).host },
    });
    assert.equal(wasm.status, 200);
    // The same protections as before: a page reached by another name (DNS rebinding) gets nothing.
    assert.equal((await raw(url, { path: '/', headers: { host: 'evil.test' } })).status, 403);
    assert.equal(
      (
        await raw(url, {
          path: '/v2/orgs/acme/access-tokens',
          headers: { host: `evil.test:${new URL(url).port}` },
        })
      ).status,
      403,
    );
  } finally {
    await stop();
  }
});

test('dockerhub-oat dashboard --help and a bad option speak of dockerhub-oat dashboard', async () => {
  const help = await runCli(['dashboard', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: dockerhub-oat dashboard \[options\]/);
  assert.match(help.stdout, /--upstream URL/);
  const bad = await runCli(['dashboard', '--port', 'x']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /dashboard: --port needs an integer/);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /dockerhub-oat dashboard/);
  for (const server of ['dashboard', 'sandbox']) {
    const topic = await runCli(['help', server]);
    assert.equal(topic.code, 0, topic.stderr);
    assert.match(topic.stdout, new RegExp(`^Usage: dockerhub-oat ${server} \\[options\\]`));
  }
});

test('npm start is a thin call to the same command', () => {
  assert.match(
    readFileSync(`${root}scripts/start.sh`, 'utf8'),
    /^exec node bindings\/cli\.js dashboard "\$@"$/m,
  );
});

test('dockerhub-oat sandbox: its usage says its name, and --seed takes a named world', async () => {
  const help = await runCli(['sandbox', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: dockerhub-oat sandbox \[options\]/);
  assert.match(
    help.stdout,
    /--seed NAME\|FILE +a named world merged onto the built-in one \(hygiene\)/,
  );
  assert.doesNotMatch(help.stdout, /node web\/sandbox/);

  const { banner, stop } = start(['sandbox', '--port', '0', '--quiet', '--seed', 'hygiene']);
  try {
    const text = await banner;
    assert.match(text, /^ +initech +plan team, owners initech-owner/m);
    assert.match(text, /^ +acme +plan team/m, 'merged onto the built-in world');
  } finally {
    await stop();
  }

  const missing = await runCli(['sandbox', '--port', '0', '--seed', './hygiene']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read seed file \.\/hygiene/);
});
