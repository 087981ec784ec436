// Rule: a manifest a plan cannot keep its word on is refused, with its line, before any change.
// - Size: past 1 MiB it is refused unread (the line search was quadratic: 1.9 MB took 161 s).
// - Expiry: nothing past what Docker Hub takes (365 days ahead): "9999y" planned an expires_at in
//   year 12019, and apply failed halfway.
// - Hand-overs: two entries sending their secrets to one file (by its resolved path: "shared.secret"
//   and "./shared.secret", or through a linked folder) or to one command: the second token was
//   created and its secret lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../fixtures/cli-inprocess.js';
import { openOwnerWorld, rejectionOf } from '../fixtures/hub.js';

const CHANGES = new Set(['POST', 'PATCH', 'DELETE']);
const changed = (sb) =>
  sb.requests.filter((r) => CHANGES.has(r.method) && !r.path.startsWith('/v2/auth'));

async function withWorld(fn) {
  const world = await openOwnerWorld();
  const dir = mkdtempSync(join(tmpdir(), 'manifest-refused-'));
  try {
    await fn({ world, sb: world.sb, hub: world.hub, dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await world.close();
  }
}

const manifest = (tokens) => `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`;

test('a manifest over 1 MiB is refused before any request, saying the limit', async () => {
  await withWorld(async ({ sb, hub }) => {
    const text = manifest({ a: { description: 'x'.repeat(150) } }).replace(
      '{',
      `{${' '.repeat(1024 * 1024)}`,
    );
    sb.resetRequests();
    const err = await rejectionOf(hub.planAccessTokens('acme', text));
    assert.equal(err.code, 'invalid_argument');
    assert.match(err.message, /the manifest is \d+ bytes; at most 1048576 are read/);
    assert.deepEqual(sb.requests, []);
  });
});

test('an expiry past 365 days is refused with its line, in plan and apply, before any change', async () => {
  await withWorld(async ({ sb, hub, dir }) => {
    for (const expires of [
      '9999y',
      '2y',
      '366d',
      '53w',
      new Date(Date.now() + 400 * 86400e3).toISOString().slice(0, 10),
    ]) {
      const text = manifest({
        ok: { expires: '1y', secret: { out: 'ok.token' } },
        far: { expires, secret: { out: 'far.token' } },
      });
      const err = await rejectionOf(hub.planAccessTokens('acme', text), expires);
      assert.equal(err.code, 'invalid_argument');
      // A relative expiry is refused as the file is read (its own line); a date against the clock,
      // when the plan is made (the entry's line).
      const line = expires.includes('-') ? 10 : 11;
      assert.equal(err.line, line, err.message);
      assert.match(
        err.message,
        new RegExp(`^line ${line}: .*past what Docker Hub takes: at most 365 days ahead`),
      );
      writeFileSync(join(dir, 'tokens.json'), text);
      const r = await runCli(['apply', '-f', 'tokens.json', '--yes'], { sb, dir });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`^error: tokens\\.json: line ${line}: `));
      assert.deepEqual(changed(sb), [], `${expires}: nothing was changed`);
    }
    assert.ok(!existsSync(join(dir, 'ok.token')));
  });
});

test('two entries handing over to one file (by its resolved path) or one command are refused before any change', async () => {
  await withWorld(async ({ sb, dir }) => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'linked'));
    const clashes = [
      ['shared.secret', './shared.secret'],
      ['shared.secret', 'real/../shared.secret'],
      ['real/x.secret', 'linked/x.secret'],
      [join(dir, 'abs.secret'), 'abs.secret'],
    ];
    for (const [one, two] of clashes) {
      writeFileSync(
        join(dir, 'tokens.json'),
        manifest({ first: { secret: { out: one } }, second: { secret: { out: two } } }),
      );
      const r = await runCli(['apply', '-f', 'tokens.json', '--yes'], { sb, dir });
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        /token "second" \(line 9\) hands its secret over to the same file as token "first" \(line 4\)/,
      );
      assert.match(r.stderr, /nothing was changed/);
      assert.deepEqual(changed(sb), [], `${one} / ${two}`);
    }
    writeFileSync(
      join(dir, 'tokens.json'),
      manifest({ first: { secret: { exec: 'cat' } }, second: { secret: { exec: "'cat'" } } }),
    );
    const r = await runCli(['apply', '-f', 'tokens.json', '--yes'], { sb, dir });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /hands its secret over to the same command as token "first"/);
    assert.deepEqual(changed(sb), []);
    // Two places of their own: applied.
    writeFileSync(
      join(dir, 'tokens.json'),
      manifest({
        first: { secret: { out: 'real/first.secret' } },
        second: { secret: { out: 'linked/second.secret' } },
      }),
    );
    const ok = await runCli(['apply', '-f', 'tokens.json', '--yes'], { sb, dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(
      existsSync(join(dir, 'real/first.secret')) && existsSync(join(dir, 'real/second.secret')),
    );
  });
});
