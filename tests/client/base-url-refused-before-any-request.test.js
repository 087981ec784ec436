// Rule: a baseUrl the host's URL parser refuses (a port past 65535, an unclosed IPv6 bracket) is
// refused by createClient with invalid_argument, before any request, and is never retried as a
// network failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClient, DockerHubError } from '../../bindings/index.node.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';

async function refused(baseUrl) {
  await assert.rejects(createClient({ baseUrl, token: JWT }), (err) => {
    assert.ok(err instanceof DockerHubError, String(err));
    assert.equal(err.code, 'invalid_argument', `${baseUrl}: ${err.message}`);
    return true;
  });
}

test('a baseUrl with a port outside 1..65535 or a broken host is refused by createClient', async () => {
  for (const baseUrl of [
    'http://127.0.0.1:99999',
    'http://127.0.0.1:0',
    'http://127.0.0.1:',
    'http://[::1',
    'http://[::1]x',
    'http://127.0.0.1:80x',
    'https://hub.docker.com:443:1',
    'http://%41/',
    'http://[]',
  ])
    await refused(baseUrl);
});

test('property: createClient takes a baseUrl exactly when new URL() does (for http URLs built of host and port)', async () => {
  const host = fc.oneof(
    fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'hub.docker.com', '[::1', 'a_b.c-d', '[zz]'),
    fc.string({ unit: fc.constantFrom(...'ab1.-_:[]'), minLength: 1, maxLength: 6 }),
  );
  const port = fc.oneof(
    fc.constant(''),
    fc.integer({ min: 0, max: 70000 }).map((p) => `:${p}`),
    fc.constantFrom(':', ':08', ':1a'),
  );
  await fc.assert(
    fc.asyncProperty(host, port, fc.constantFrom('', '/', '/prefix'), async (h, p, path) => {
      const baseUrl = `http://${h}${p}${path}`;
      let urlOk;
      try {
        const u = new URL(baseUrl);
        urlOk =
          u.port !== '0' && !h.startsWith(':') && /^[A-Za-z0-9._\-[\]:]+$/.test(h) && u.host !== '';
      } catch {
        urlOk = false;
      }
      let clientOk = true;
      try {
        (await createClient({ baseUrl, token: JWT })).close();
      } catch (err) {
        assert.equal(err.code, 'invalid_argument', `${baseUrl}: ${err.message}`);
        clientOk = false;
      }
      if (!urlOk)
        assert.equal(clientOk, false, `${baseUrl}: new URL() refuses it, createClient took it`);
    }),
    { numRuns: 300 },
  );
});
