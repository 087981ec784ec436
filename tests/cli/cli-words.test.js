// What the CLI says when something goes wrong or runs long, so a person can act on it: a network
// error names the server it could not reach, an unknown flag points at the command's own --help,
// a long label is cut in tables (and is whole in --json), and an auth failure says which
// credential was used (a stale DOCKERHUB_TOKEN wins over DOCKERHUB_IDENTIFIER, and says so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { openOwnerWorld, ORG } from '../fixtures/hub.js';
import { runCli } from '../fixtures/cli-run.js';
import { CELL_WIDTH, cut } from '../../bindings/cli/output.js';

let world;
before(async () => {
  world = await openOwnerWorld();
});
after(() => world.close());

const owner = () => world.ownerEnv();

/** A loopback port nothing listens on. */
async function closedPort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

test('a network error names the server it could not reach', async () => {
  const port = await closedPort();
  const r = await runCli(['list'], {
    env: { ...owner(), DOCKERHUB_BASE_URL: `http://127.0.0.1:${port}/` },
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^error: network: could not reach Docker Hub at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`,
      'm',
    ),
  );
});

test("an unknown flag points at the command's own help, wherever the command stands", async () => {
  for (const args of [
    ['create', '--lable', 'x'],
    ['--lable', 'x', 'create'],
    ['get', 'ci-pull', '--bogus'],
  ]) {
    const r = await runCli(args, { env: owner() });
    assert.notEqual(r.code, 0);
    const command = args.find((a) => !a.startsWith('-') && a !== 'x' && a !== 'ci-pull');
    assert.match(
      r.stderr,
      new RegExp(`^Run 'dockerhub-oat ${command} --help' for usage\\.$`, 'm'),
      r.stderr,
    );
  }
  const none = await runCli(['--bogus'], { env: owner() });
  assert.match(none.stderr, /^Run 'dockerhub-oat --help' for usage\.$/m);
});

test('a 300-character label is cut in the list table and whole in --json', async () => {
  const label = `${'long-label-'.repeat(27)}end`.slice(0, 300);
  const t = await world.hub.createAccessToken(ORG, { label });
  try {
    const r = await runCli(['list'], { env: owner() });
    assert.equal(r.code, 0, r.stderr);
    const widest = Math.max(...r.stdout.split('\n').map((l) => [...l].length));
    assert.ok(widest < 160, `the widest line has ${widest} characters`);
    const row = r.stdout.split('\n').find((l) => l.includes(t.id));
    assert.ok(row.includes(`${label.slice(0, CELL_WIDTH - 1)}…`), row);
    const j = JSON.parse((await runCli(['list', '--json'], { env: owner() })).stdout);
    assert.equal(j.results.find((x) => x.id === t.id).label, label);
    const one = await runCli(['get', t.id], { env: owner() });
    assert.ok(one.stdout.includes(label), 'get shows the whole label (its last column)');
  } finally {
    await world.hub.deleteAccessToken(ORG, t.id);
  }
  assert.equal(cut('😀'.repeat(50)), `${'😀'.repeat(CELL_WIDTH - 1)}…`, 'cut by code point');
});

test('an auth failure says which credential was used', async () => {
  const stale = await runCli(['list'], {
    env: { ...owner(), DOCKERHUB_TOKEN: 'eyJhbGciOiJub25lIn0.eyJleHAiOjF9.c2ln' },
  });
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /^error: unauthorized: /m);
  assert.match(
    stale.stderr,
    /^ {2}signed in with the JWT in DOCKERHUB_TOKEN from the environment \(it wins over DOCKERHUB_IDENTIFIER; unset it to sign in as that user\)$/m,
  );

  const wrong = await runCli(['list'], {
    env: { ...owner(), DOCKERHUB_SECRET: 'not-the-password' },
  });
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /^ {2}signed in as "acme-owner" \(DOCKERHUB_IDENTIFIER\) with the secret in DOCKERHUB_SECRET from the environment$/m,
  );
  assert.ok(!wrong.stderr.includes('not-the-password'));

  const stdin = await runCli(['list', '--identifier', 'acme-member', '--secret-stdin'], {
    env: { ...owner(), DOCKERHUB_SECRET: null },
    input: 'wrong-again',
  });
  assert.match(
    stdin.stderr,
    /^ {2}signed in as "acme-member" \(--identifier\) with the secret read from stdin$/m,
  );
});
