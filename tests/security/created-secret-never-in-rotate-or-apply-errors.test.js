// Rule: a created token's value is a secret too. When a hostile server echoes it in the error of
// the next call (the retire of rotate, the PATCH of an inactive token in apply), no run of 8 of its
// characters reaches the error, nor the CLI's stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { createClient } from '../../bindings/index.node.js';
import { findRun } from '../fixtures/hostile-secrets.js';
import { tokenJson } from '../fixtures/hostile-server.js';

const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A server that creates `secret` and echoes `echo(secret)` where `where` says on the next change. */
async function hostile(secret, echo, where) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const send = (status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/v2/auth/token')
        return send(200, { access_token: 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln' });
      if (req.method === 'GET' && req.url.includes('?'))
        return send(200, { total: 0, next: null, previous: null, results: [] });
      if (req.method === 'GET') return send(200, tokenJson({ id: 'old' }));
      if (req.method === 'POST') return send(201, { ...tokenJson({ id: 'new' }), token: secret });
      const said = echo(secret);
      if (where === 'header') return send(500, { message: 'no' }, { 'x-echo': said });
      return send(500, { [where]: `cannot change it: ${said}` });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

const secretArb = fc
  .string({ unit: fc.constantFrom(...ALNUM), minLength: 32, maxLength: 32 })
  .map((s) => `dckr_oat_${s}`);
const echoArb = fc
  .record({
    from: fc.integer({ min: 9, max: 33 }),
    where: fc.constantFrom('message', 'detail', 'header'),
  })
  .map(({ from, where }) => ({ echo: (s) => s.slice(from, from + 8), where }));

test('rotate: the retire error never holds a run of the new token', async () => {
  await fc.assert(
    fc.asyncProperty(secretArb, echoArb, async (secret, { echo, where }) => {
      const srv = await hostile(secret, echo, where);
      const hub = await createClient({
        baseUrl: srv.url,
        token: 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln',
        maxRetries: 0,
      });
      try {
        const r = await hub.rotateAccessToken('acme', 'old');
        assert.equal(r.token.token, secret);
        assert.equal(r.retireError.code, 'server_error');
        const seen = JSON.stringify({
          ...r.retireError.toJSON(),
          message: r.retireError.message,
          s: String(r.retireError),
        });
        assert.equal(findRun(seen, [secret]), null, seen);
      } finally {
        hub.close();
        await srv.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('apply: an inactive token whose PATCH echoes the new secret: no run of it in the error', async () => {
  const secret = `dckr_oat_${'Q7wErTyUiOpAsDfGhJkLzXcVbNm12345'}`;
  const srv = await hostile(secret, (s) => s, 'message');
  const hub = await createClient({
    baseUrl: srv.url,
    token: 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln',
    maxRetries: 0,
  });
  try {
    const plan = await hub.planAccessTokens('acme', {
      version: 1,
      tokens: { 'ci-pull': { active: false } },
    });
    const result = await hub.applyAccessTokens('acme', plan, { onSecret: () => {} });
    assert.equal(result.ok, false);
    assert.equal(result.error.code, 'server_error');
    assert.equal(
      findRun(JSON.stringify({ ...result.error.toJSON(), m: result.error.message }), [secret]),
      null,
      result.error.message,
    );
  } finally {
    hub.close();
    await srv.close();
  }
});

const OLD_ID = '00000000-0000-4000-8000-0000000000a1';

for (const [name, extra, onStdout] of [
  ['', [], true],
  [' --exec true', ['--exec', 'true'], false],
])
  test(`CLI rotate${name}: stdout has the new secret only where asked, stderr no run of it`, async () => {
    const secret = `dckr_oat_${'Zq8xWv3PkLm9TnR2bY7cHd4FjS6gA1eU'}`;
    const srv = await hostile(secret, (s) => s, 'message');
    try {
      // An id in UUID form: the CLI takes it as an id (a label would be looked up in the list first).
      const child = spawn(process.execPath, [CLI, 'rotate', OLD_ID, ...extra], {
        env: {
          PATH: process.env.PATH,
          DOCKERHUB_BASE_URL: srv.url,
          DOCKERHUB_ORG: 'acme',
          DOCKERHUB_TOKEN: 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      await new Promise((resolve) => child.on('close', resolve));
      assert.equal(out.includes(secret), onStdout, out);
      assert.ok(err.includes(`could not retire the old token ${OLD_ID}`), err);
      assert.equal(findRun(err, [secret]), null, err);
    } finally {
      await srv.close();
    }
  });
