// Rule: listAllAccessTokens gives each token once, even when the list shifts under it (Docker Hub
// pages by offset: a token created between two page requests pushes the last item of page 1 onto
// page 2), so every consumer (audit, prune, plan, export) counts and acts on each token once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../bindings/index.node.js';
import { startRawServer, respond, tokenJson } from '../fixtures/hostile-server.js';

const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';
const NOW = Date.parse('2026-12-01T00:00:00Z');
const tok = (i, extra = {}) =>
  tokenJson({ id: `a7f1c0de-0000-4000-8000-00000000000${i}`, label: `tok-${i}`, ...extra });

async function shiftingServer() {
  const before = [tok(1), tok(2, { is_active: false }), tok(3)];
  const after = [tok(9), ...before]; // tok-9 created once page 1 was read: everything moves one on
  let pagesServed = 0;
  const srv = await startRawServer((req, sock) => {
    const u = new URL(req.path, 'http://x');
    const one = [...after].find((t) => u.pathname.endsWith(`/${t.id}`));
    if (req.method === 'DELETE') return respond(sock, req, 204, {});
    if (one) return respond(sock, req, 200, { body: one });
    const page = Number(u.searchParams.get('page'));
    const size = Math.min(2, Number(u.searchParams.get('page_size'))); // its own cap: 2
    const list = pagesServed++ === 0 ? before : after;
    const results = list.slice((page - 1) * size, page * size).map(({ resources, ...t }) => t);
    const next =
      page * size < list.length ? `${u.pathname}?page=${page + 1}&page_size=${size}` : null;
    return respond(sock, req, 200, { body: { total: list.length, next, previous: null, results } });
  });
  return srv;
}

test('listAllAccessTokens gives each token once, even when the list shifts under it', async () => {
  const srv = await shiftingServer();
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const ids = [];
    for await (const t of hub.listAllAccessTokens('acme', { pageSize: 2 })) ids.push(t.label);
    assert.deepEqual(ids, ['tok-1', 'tok-2', 'tok-3']);
  } finally {
    hub.close();
    await srv.close();
  }
});

test('an audit on a list that shifts while it is read counts each token once', async () => {
  const srv = await shiftingServer();
  const hub = await createClient({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const report = await hub.auditAccessTokens('acme', { now: NOW, limit: 10 });
    assert.deepEqual(
      report.tokens.map((t) => t.label),
      ['tok-1', 'tok-2', 'tok-3'],
    );
    assert.equal(report.summary.usage, 'Tokens used: 3 of 10');
    assert.equal(report.summary.inactive, 1);
  } finally {
    hub.close();
    await srv.close();
  }
});
