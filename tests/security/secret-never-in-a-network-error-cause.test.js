// Rule: a reply the host's HTTP parser refuses (a `network` error whose `cause` is what fetch()
// rejected with) never carries a secret into that error: not the password, not the JWT, not a
// token this client created. Node's fetch (undici) puts the raw bytes after the point where it
// stopped parsing into its HTTPParserError's `data`, so a hostile server that breaks one header
// line and echoes a secret after it would see the secret reach err.cause.cause.data, which
// util.inspect, a logger or JSON of the cause chain shows. The cause keeps what the README
// promises (an Error chain with each error's name, message and code), nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';
import { findRun } from '../fixtures/hostile-secrets.js';

const PASSWORD = 'hostile-password-do-not-leak';
const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLXNlY3JldA';
const MADE = 'dckr_oat_Zq8TNv3kLp0wXr5mYb2cHd7fJg';
const REQUEST = {
  label: 'ci',
  resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
};

/** Every form of an error a user or a logger could print, the cause chain included. */
function everyForm(err) {
  return [
    err.message,
    String(err),
    JSON.stringify(err),
    inspect(err, { depth: 10, showHidden: true }),
  ].join('\n');
}

/** A 401 whose header block breaks at `bad` (a byte no header name may hold), then echoes `echo`. */
function brokenReply(sock, bad, echo) {
  sock.end(
    `HTTP/1.1 401 Unauthorized\r\nX-Broken${bad}: x\r\nX-Echo: ${echo}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
  );
}

test('a sign-in answer the parser refuses, echoing the password after the break: a network error without it', async () => {
  const srv = await startRawServer((req, sock) => brokenReply(sock, '\x01', PASSWORD));
  const hub = await createClient({
    baseUrl: srv.url,
    credentials: { identifier: 'acme-owner', secret: PASSWORD },
    maxRetries: 0,
  });
  try {
    const err = await hub.listAccessTokens('acme').then(
      () => null,
      (e) => e,
    );
    assert.equal(err?.code, 'network');
    assert.ok(err.cause instanceof Error, 'the cause is still an Error chain');
    assert.equal(findRun(everyForm(err), [PASSWORD]), null);
  } finally {
    hub.close();
    await srv.close();
  }
});

test('whatever byte breaks the header block and whichever secret follows it, no run of one reaches the error (property, seed 20261208)', async () => {
  let echo = '';
  let bad = '\x01';
  const srv = await startRawServer((req, sock) => {
    if (req.method === 'POST')
      return respond(sock, req, 201, { body: { ...tokenJson(), token: MADE } });
    brokenReply(sock, bad, echo);
  });
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    await hub.createAccessToken('acme', REQUEST); // MADE: a token this client handed out
    const badByte = fc.constantFrom('\x01', '\x7f', ' ', '"', '(', '@', '\x00', '{');
    const secret = fc.constantFrom(JWT, MADE.slice(9), JWT.slice(20, 40));
    await fc.assert(
      fc.asyncProperty(badByte, secret, async (b, s) => {
        bad = b;
        echo = s;
        const err = await hub.getAccessToken('acme', 'a7f1c0de-0000-4000-8000-000000000001').then(
          () => null,
          (e) => e,
        );
        assert.ok(err?.code, 'the call fails with a DockerHubError');
        assert.equal(findRun(everyForm(err), [JWT, MADE]), null);
      }),
      { seed: 20261208, numRuns: 24 },
    );
  } finally {
    hub.close();
    await srv.close();
  }
});
