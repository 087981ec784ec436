// Rule: `export` reads an org whose tokens change while it reads: a token deleted between the list
// and its GET (404) is left out and the rest is exported, as plan, audit and prune leave it out
// (the token is gone: there is nothing to keep in the file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';
import { runCli } from '../fixtures/cli-run.js';
import { JWT } from '../fixtures/cli-child.js';

test('export: a token deleted between the list and its GET is left out, the rest exported', async () => {
  const kept = tokenJson({ id: 'a7f1c0de-0000-4000-8000-000000000001', label: 'kept' });
  const gone = tokenJson({ id: 'a7f1c0de-0000-4000-8000-000000000002', label: 'gone' });
  const srv = await startRawServer((req, sock) => {
    const u = new URL(req.path, 'http://x');
    if (u.pathname.endsWith('/access-tokens')) {
      return respond(sock, req, 200, {
        body: {
          total: 2,
          next: null,
          previous: null,
          results: [kept, gone].map(({ resources, ...t }) => t),
        },
      });
    }
    if (u.pathname.endsWith(gone.id))
      return respond(sock, req, 404, { body: { message: 'Access token not found.', errinfo: {} } });
    return respond(sock, req, 200, { body: kept });
  });
  try {
    const r = await runCli(['export'], {
      env: { DOCKERHUB_BASE_URL: srv.url, DOCKERHUB_ORG: 'acme', DOCKERHUB_TOKEN: JWT },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(JSON.parse(r.stdout).tokens), ['kept']);
  } finally {
    await srv.close();
  }
});
