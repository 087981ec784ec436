// Rule: `export` writes every token of the org, whatever its label: a label is any text the org
// chose, "__proto__" included, and the exported file holds that token as any other (so a
// `plan --prune` of the export deletes nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../web/sandbox/index.js';
import { createClient } from '../../bindings/index.node.js';

const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));

function cli(args, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('export keeps a token labelled __proto__ (or constructor), and plan --prune of the export changes nothing', async () => {
  const sb = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'attack-export-'));
  const hub = await createClient({ baseUrl: sb.url, credentials: { identifier: 'acme-owner', secret: 'sandbox-password' } });
  try {
    for (const label of ['__proto__', 'constructor', 'hasOwnProperty']) {
      await hub.createAccessToken('acme', { label, resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }] });
    }
    const env = { PATH: process.env.PATH, DOCKERHUB_BASE_URL: sb.url, DOCKERHUB_ORG: 'acme', DOCKERHUB_IDENTIFIER: 'acme-owner', DOCKERHUB_SECRET: 'sandbox-password' };
    const exported = await cli(['export'], env, dir);
    assert.equal(exported.code, 0, exported.stderr);
    const tokens = JSON.parse(exported.stdout).tokens;
    for (const label of ['__proto__', 'constructor', 'hasOwnProperty']) assert.ok(Object.hasOwn(tokens, label), `${label} is in the export`);
    writeFileSync(join(dir, 'tokens.json'), exported.stdout);
    const plan = await cli(['plan', '-f', 'tokens.json', '--prune'], env, dir);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.doesNotMatch(plan.stdout, /delete/);
  } finally {
    hub.close();
    rmSync(dir, { recursive: true, force: true });
    await sb.close();
  }
});
