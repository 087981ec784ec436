// Rule: a secret this client handed out (a token it created) never reaches a later error, though
// the client keeps no copy of it: for its life the C core keeps keyed prints of the secret's
// 8-byte runs (a random key per client, src/core/redact.c), at most DH_MADE_MAX (1000) secrets' worth,
// wiped on close(). The redactor's own rule is proved in
// tests/security/no-run-of-a-secret-survives-redaction.test.js and tests/c/test_errors.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';
import { findRun } from '../fixtures/hostile-secrets.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';
const REQUEST = {
  label: 'ci',
  resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
};
const ID = 'a7f1c0de-0000-4000-8000-000000000001';

test('a token created by this client, echoed in a later error (message, errinfo, fields, a header), is not in that error', async () => {
  const secret = 'dckr_oat_Zq8TNv3kLp0wXr5mYb2cHd7fJg';
  const echo = secret.slice(12, 24);
  const srv = await startRawServer((req, sock) => {
    if (req.method === 'POST')
      return respond(sock, req, 201, { body: { ...tokenJson(), token: secret } });
    respond(sock, req, 400, {
      headers: { 'x-echo': echo },
      body: {
        message: `no: ${echo}`,
        errinfo: { token: echo },
        fields: { label: [`taken by ${echo}`] },
      },
    });
  });
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    await hub.createAccessToken('acme', REQUEST);
    for (const call of [
      () => hub.getAccessToken('acme', ID),
      () => hub.listAccessTokens('acme'),
      () => hub.deleteAccessToken('acme', ID),
      () => hub.updateAccessToken('acme', ID, { label: 'x' }),
    ]) {
      const err = await call().then(
        () => null,
        (e) => e,
      );
      assert.equal(err?.code !== undefined, true);
      assert.equal(
        findRun(`${err.message} ${JSON.stringify(err)} ${inspect(err, { depth: 5 })}`, [secret]),
        null,
      );
      assert.match(err.message, /\[redacted\]/);
    }
  } finally {
    hub.close();
    await srv.close();
  }
});

test('two clients keep their prints apart: one does not scrub what only the other created', async () => {
  const secret = 'dckr_oat_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj';
  const echo = secret.slice(20, 30);
  const srv = await startRawServer((req, sock) => {
    if (req.method === 'POST')
      return respond(sock, req, 201, { body: { ...tokenJson(), token: secret } });
    respond(sock, req, 400, { body: { message: `no: ${echo}` } });
  });
  const maker = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  const other = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    await maker.createAccessToken('acme', REQUEST);
    const mine = await maker.getAccessToken('acme', ID).then(
      () => null,
      (e) => e,
    );
    const theirs = await other.getAccessToken('acme', ID).then(
      () => null,
      (e) => e,
    );
    assert.equal(mine.message.includes(echo), false);
    assert.equal(theirs.message, `no: ${echo}`, 'a client scrubs only what it handed out');
  } finally {
    maker.close();
    other.close();
    await srv.close();
  }
});
