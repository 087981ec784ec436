// --exec is checked before anything is created: its program is looked up on PATH (or by its path)
// first, and a program that cannot start is refused with no request at all, on create and rotate
// alike, where it used to create the token and then print recovery steps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOwnerWorld, ORG, OWNER } from '../fixtures/hub.js';
import { runCli } from '../fixtures/cli-run.js';

let world;
let dir;

before(async () => {
  world = await openOwnerWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-exec-'));
  writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\ncat >/dev/null\n');
  writeFileSync(join(dir, 'sink'), '#!/bin/sh\ncat >/dev/null\n');
  chmodSync(join(dir, 'sink'), 0o755);
});
after(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args, path = process.env.PATH) =>
  runCli(args, {
    cwd: dir,
    env: {
      PATH: path,
      DOCKERHUB_BASE_URL: world.sb.url,
      DOCKERHUB_ORG: ORG,
      DOCKERHUB_IDENTIFIER: OWNER.identifier,
      DOCKERHUB_SECRET: OWNER.secret,
    },
  });

test('a program that cannot start is refused before any request (create and rotate)', async () => {
  const cases = [
    [
      ['create', '--label', 'dead-exec', '--exec', 'no-such-command-here'],
      /--exec: the command "no-such-command-here" is not found or not executable; nothing was created/,
    ],
    [
      ['create', '--label', 'dead-exec', '--exec', './not-executable'],
      /--exec: the command "\.\/not-executable" is not found or not executable/,
    ],
    [
      ['create', '--label', 'dead-exec', '--exec', `${dir}/missing arg`],
      /is not found or not executable/,
    ],
    [
      ['rotate', 'ci-pull', '--exec', 'no-such-command-here'],
      /--exec: the command "no-such-command-here" is not found/,
    ],
  ];
  for (const [args, message] of cases) {
    world.reset();
    const r = await cli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
    assert.deepEqual(world.sb.requests, [], `${args.join(' ')}: no request at all`);
  }
  assert.ok(
    !world.sb.state.orgs.find((o) => o.name === ORG).tokens.some((t) => t.label === 'dead-exec'),
  );
});

test('a program found on the PATH the CLI was given, or by its path, is run with the secret', async () => {
  const byPath = await cli(
    ['create', '--label', 'exec-on-path', '--exec', 'sink'],
    `${dir}:${process.env.PATH}`,
  );
  assert.equal(byPath.code, 0, byPath.stderr);
  const relative = await cli(['create', '--label', 'exec-by-path', '--exec', './sink']);
  assert.equal(relative.code, 0, relative.stderr);
  const notOnPath = await cli(['create', '--label', 'exec-not-on-path', '--exec', 'sink']);
  assert.match(notOnPath.stderr, /the command "sink" is not found/);
});
