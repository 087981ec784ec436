// Rule: listAllAccessTokens gives every token even from a server whose own page size is smaller than
// the one asked for (it caps page_size, still says total and gives a next): it follows next, never
// stops at ceil(total / pageSize) pages, so a plan built on the list never creates a second token
// with a label that exists already.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';
const id = (i) => `a7f1c0de-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function cappedServer(count, cap) {
  const all = Array.from({ length: count }, (_, i) =>
    tokenJson({ id: id(i + 1), label: `tok-${i + 1}` }),
  );
  const srv = await startRawServer((req, sock) => {
    const u = new URL(req.path, 'http://x');
    const one = all.find((t) => u.pathname.endsWith(`/${t.id}`));
    if (one) return respond(sock, req, 200, { body: one });
    const page = Number(u.searchParams.get('page') ?? 1);
    const size = Math.min(cap, Number(u.searchParams.get('page_size') ?? 10)); // its own cap
    const results = all.slice((page - 1) * size, page * size).map(({ resources, ...t }) => t);
    const next =
      page * size < all.length
        ? `https://hub.docker.com${u.pathname}?page=${page + 1}&page_size=${size}`
        : null;
    return respond(sock, req, 200, { body: { total: all.length, next, previous: null, results } });
  });
  return { srv, labels: all.map((t) => t.label) };
}

test('listAllAccessTokens: a server that caps the page size still gives every token', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 100 }),
      async (count, cap, pageSize) => {
        const { srv, labels } = await cappedServer(count, cap);
        const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
        try {
          const got = [];
          for await (const t of hub.listAllAccessTokens('acme', { pageSize })) got.push(t.label);
          assert.deepEqual(got, labels);
          assert.equal(srv.requests.length, Math.ceil(count / Math.min(cap, pageSize)));
        } finally {
          hub.close();
          await srv.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('plan on a capped server: a listed token that exists is not created again', async () => {
  const { srv } = await cappedServer(5, 2);
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const plan = await hub.planAccessTokens('acme', { version: 1, tokens: { 'tok-5': {} } });
    assert.ok(
      !plan.steps.some((s) => s.action === 'create'),
      JSON.stringify(plan.steps.map((s) => `${s.action} ${s.label}`)),
    );
  } finally {
    hub.close();
    await srv.close();
  }
});
