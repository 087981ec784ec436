// Rule (what the README and --help say): a hand-over command runs as you and can read what you
// can, the CLI's own environment at /proc/$PPID/environ included. DOCKERHUB_SECRET is left out of
// the command's environment, but given to the CLI by environment it is still readable there; given
// with --secret-stdin (or at the prompt) it is in no environment. Linux's /proc; a command run by
// apply's "exec" is the same child.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorld, OWNER } from '../fixtures/hub.js';

const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));
const PROBE = fileURLToPath(new URL('../probes/parent-environ-probe.js', import.meta.url));

function cli(args, env, input) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input ?? '');
  });
}

test('a hand-over command can read a DOCKERHUB_SECRET given by environment from /proc/$PPID/environ, and not one given by --secret-stdin', async () => {
  const world = await openWorld();
  const dir = mkdtempSync(join(tmpdir(), 'parent-environ-'));
  try {
    const base = {
      DOCKERHUB_BASE_URL: world.sb.url,
      DOCKERHUB_ORG: 'acme',
      DOCKERHUB_IDENTIFIER: OWNER.identifier,
    };
    const exec = (out) => ['--exec', `'${process.execPath}' '${PROBE}' '${out}' '${OWNER.secret}'`];

    const byEnv = join(dir, 'by-env');
    const a = await cli(
      ['create', '--label', 'by-env', '--repo', 'acme/api=image-pull', ...exec(byEnv)],
      { ...base, DOCKERHUB_SECRET: OWNER.secret },
    );
    assert.equal(a.code, 0, a.out);
    assert.equal(
      readFileSync(byEnv, 'utf8'),
      'found',
      'what the README warns of: the command read the secret from its parent',
    );

    const byStdin = join(dir, 'by-stdin');
    const b = await cli(
      [
        'create',
        '--label',
        'by-stdin',
        '--repo',
        'acme/api=image-pull',
        '--secret-stdin',
        ...exec(byStdin),
      ],
      base,
      OWNER.secret,
    );
    assert.equal(b.code, 0, b.out);
    assert.equal(
      readFileSync(byStdin, 'utf8'),
      'absent',
      'given by --secret-stdin, the secret is in no environment',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
});
