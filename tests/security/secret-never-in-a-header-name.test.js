// Rule: no run of a secret reaches a response header's NAME as a user sees it (err.headers and a
// success's headers): a JWT, a password and a PAT are all made of characters a header name may hold,
// and a hostile server may echo one there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, pageJson } from '../fixtures/hostile-server.js';
import { findRun } from '../fixtures/hostile-secrets.js';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const TCHAR = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('no run of the password or the JWT reaches a header name of a reply or an error', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 12, maxLength: 24 }),
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom('password', 'jwt'),
      fc.constantFrom(200, 400, 401, 500),
      async (password, from, which, status) => {
        const jwt = `${b64({ alg: 'none' })}.${b64({ exp: 4102444800, n: password.length })}.c2lnbmF0dXJl`;
        const srv = await startRawServer((req, sock) => {
          if (req.path === '/v2/auth/token')
            return respond(sock, req, 200, { body: { access_token: jwt } });
          const secret = which === 'password' ? password : jwt;
          respond(sock, req, status, {
            headers: { [`X-${secret.slice(from, from + 10)}`]: '1' },
            body: status === 200 ? pageJson() : { message: 'no' },
          });
        });
        const hub = await createClient({
          baseUrl: srv.url,
          credentials: { identifier: 'someone', secret: password },
          maxRetries: 0,
        });
        try {
          let headers;
          try {
            headers = (await hub.listAccessTokensWithHttpInfo('acme')).headers;
          } catch (err) {
            headers = err.headers;
            assert.equal(findRun(JSON.stringify(err.toJSON()), [password, jwt]), null);
          }
          assert.equal(
            findRun(JSON.stringify(headers), [password, jwt]),
            null,
            `${JSON.stringify(findRun(JSON.stringify(headers), [password, jwt]))} in ${JSON.stringify(headers)}`,
          );
        } finally {
          hub.close();
          await srv.close();
        }
      },
    ),
    {
      numRuns: 30,
      examples: [
        ['sandbox-password', 0, 'password', 500],
        ['Hunter2Hunter2Hunter2', 1, 'password', 200],
        ['abcdefghijkl', 0, 'jwt', 401],
      ],
    },
  );
});
