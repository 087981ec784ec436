// Rule: a client refused at module load (the README's Lambda recipe, with a variable not set) fails
// in the handler that awaits it, with the DockerHubError that says what is missing; nothing is left
// as an unhandled rejection at init.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeExamples } from '../hosts/readme.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('README lambda.mjs without DOCKERHUB_SECRET: the handler rejects with invalid_argument; nothing is unhandled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attack-lambda-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/dockerhub-oat'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(dir, 'lambda.mjs'),
      readmeExamples(join(root, 'README.md')).get('lambda.mjs'),
    );
    writeFileSync(join(dir, 'tour.mjs'), 'export async function tour() { return {}; }\n');
    writeFileSync(
      join(dir, 'run.mjs'),
      [
        "process.on('unhandledRejection', (e) => { console.log(JSON.stringify({ unhandled: String(e) })); process.exit(3); });",
        "const { handler } = await import('./lambda.mjs');",
        'await new Promise((resolve) => setImmediate(resolve)); // the first invocation comes later',
        'try { await handler(); console.log(JSON.stringify({ ok: true })); }',
        'catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }',
      ].join('\n'),
    );
    const env = {
      PATH: process.env.PATH,
      DOCKERHUB_IDENTIFIER: 'acme-owner',
      DOCKERHUB_ORG: 'acme',
    };
    const r = spawnSync(process.execPath, ['run.mjs'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const said = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(said.code, 'invalid_argument', r.stdout);
    assert.match(said.message, /secret/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
