// Rule: text a server sent that the JS places in an error it builds itself (a created token's id
// in rotate's and apply's "the new token ID ..." sentences, and in err.newId) is redacted of the
// client's own secrets (its password or JWT) like every error the C core builds from a reply: a
// hostile server that names the new token after a run of the JWT it was sent must not get that
// run into the user's error, log or terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { inspect } from 'node:util';
import { createClient } from '../../bindings/index.node.js';
import { findRun } from '../fixtures/hostile-secrets.js';
import { tokenJson } from '../fixtures/hostile-server.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLXNlY3JldC1ydW4';
const NEW_SECRET = 'dckr_oat_Q7wErTyUiOpAsDfGhJkLzXcVbNm12345';

/** A server whose create names the new token `newId` and refuses the new token's sign-in. */
async function hostile(newId) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const send = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/v2/auth/token') return send(401, { message: 'no' }); // the new token's proof fails
      if (req.method === 'GET' && req.url.includes('?'))
        return send(200, { total: 0, next: null, previous: null, results: [] });
      if (req.method === 'GET') return send(200, tokenJson({ id: 'old' }));
      if (req.method === 'POST')
        return send(201, { ...tokenJson({ id: newId }), token: NEW_SECRET });
      return send(204, {});
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

test('rotate: a new token whose id is a run of the JWT, then a failed sign-in: the error holds no run of the JWT', async () => {
  const srv = await hostile(JWT.slice(-20));
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const err = await hub.rotateAccessToken('acme', 'old').then(
      () => null,
      (e) => e,
    );
    assert.ok(err?.code, 'the rotation fails with a DockerHubError');
    const seen = [err.message, JSON.stringify(err), inspect(err, { depth: 5 })].join('\n');
    assert.equal(findRun(seen, [JWT]), null, err.message);
  } finally {
    hub.close();
    await srv.close();
  }
});

test("apply: a created token whose id is a run of the JWT, then a failed sign-in: the step's error holds no run of it", async () => {
  const srv = await hostile(JWT.slice(-24, -4));
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const plan = await hub.planAccessTokens('acme', { version: 1, tokens: { 'attack-new': {} } });
    const result = await hub.applyAccessTokens('acme', plan, { onSecret: () => {} });
    assert.equal(result.ok, false);
    const seen = [
      result.error.message,
      JSON.stringify(result.error),
      inspect(result.error, { depth: 5 }),
    ].join('\n');
    assert.equal(findRun(seen, [JWT]), null, result.error.message);
  } finally {
    hub.close();
    await srv.close();
  }
});
