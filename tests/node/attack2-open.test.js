// Open findings of outside review 2, each a test that fails on the current code (marked todo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from './helpers/hostile-server.js';
import { findRun } from './helpers/hostile-secrets.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';

// rotate and apply scrub the token they just created out of a later error (errors.js scrubSecrets);
// the plain client does not: it keeps no created secret. A hostile server that echoes a token made
// by createAccessToken in the error of the next call gets it into err.message, and from there into
// a log. A fix means the client keeping (the windows of) every secret it handed out.
test('a token created by this client, echoed in a later error, is not in that error', { todo: 'the client keeps no created secret to scrub (design: errors.js says so)' }, async () => {
  const secret = 'dckr_oat_Zq8TNv3kLp0wXr5mYb2cHd7fJg';
  const srv = await startRawServer((req, sock) => {
    if (req.method === 'POST') return respond(sock, req, 201, { body: { ...tokenJson(), token: secret } });
    respond(sock, req, 400, { body: { message: `no: ${secret.slice(12, 24)}` } });
  });
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    await hub.createAccessToken('acme', { label: 'ci', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }] });
    const err = await hub.getAccessToken('acme', 'a7f1c0de-0000-4000-8000-000000000001').then(() => null, (e) => e);
    assert.equal(findRun(`${err.message} ${JSON.stringify(err)}`, [secret]), null);
  } finally {
    hub.close();
    await srv.close();
  }
});
