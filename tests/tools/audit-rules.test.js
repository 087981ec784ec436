// The audit's C rules (src/tools/audit.c, through the tools module's export dhw_audit) against a plain JS reading
// of the rules as the header states them, on random tokens whose dates cluster around each
// threshold (to the second, with microseconds) and whose resources mix every scope family.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { runAuditRules } from '../../bindings/tools/audit.js';
import { tools } from '../../bindings/tools/tools.js';

const DAY = 86400;
const NOW = Date.parse('2026-12-01T12:00:00Z') / 1000;
let Module;

before(async () => {
  Module = await tools({
    loadTools: () => readFile(new URL('../../dist/dockerhub_oat_tools.wasm', import.meta.url)),
  });
});

/** unix seconds -> "YYYY-MM-DDTHH:MM:SS.ffffffZ" */
const iso = (s, micros) =>
  `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
const secs = (v) => (v == null ? null : Date.parse(`${v.slice(0, 19)}Z`) / 1000);

/** The rules in words (dockerhub_oat_audit.h), read independently of the C. */
function oracle(tokens, { unusedDays: U, expiringDays: E }) {
  const out = [];
  const add = (i, f) => out.push({ token_index: i, ...f });
  tokens.forEach((t, i) => {
    const exp = secs(t.expires_at);
    if (exp !== null && exp <= NOW)
      return add(i, { kind: 'expired', days: Math.floor((NOW - exp) / DAY) });
    if (t.is_active === false) return add(i, { kind: 'inactive' });
    const used = secs(t.last_used_at);
    const since = used ?? secs(t.created_at);
    if (since !== null && NOW - since >= U * DAY)
      add(i, { kind: 'unused', days: Math.floor((NOW - since) / DAY), never_used: used === null });
    if (t.expires_at === null) add(i, { kind: 'no_expiry' });
    else if (exp - NOW <= E * DAY)
      add(i, { kind: 'expiring', days: Math.floor((exp - NOW) / DAY) });
    const reasons = {
      admin: (r, s) => s.endsWith('-admin'),
      delete: (r, s) => s === 'scope-image-delete',
      org_write: (r, s) =>
        r.type === 'TYPE_ORG' &&
        (/-(edit|write)$/.test(s) ||
          s === 'scope-repository-create' ||
          s === 'scope-cloud-connect'),
    };
    for (const r of t.resources) {
      for (const [reason, test] of Object.entries(reasons)) {
        const scopes = r.scopes.filter((s) => test(r, s));
        if (scopes.length) add(i, { kind: 'broad', reason, path: r.path, scopes });
      }
    }
    const repos = t.resources.filter((r) => r.type === 'TYPE_REPO');
    for (const r of repos)
      if (r.path !== '*/*/public' && r.path.includes('*'))
        add(i, { kind: 'broad', reason: 'wildcard', path: r.path, scopes: [] });
    const pub = repos.find((r) => r.path === '*/*/public');
    if (pub && repos.some((r) => r.path !== '*/*/public'))
      add(i, { kind: 'broad', reason: 'public_with_private', path: pub.path, scopes: [] });
  });
  return out;
}

const U = 90;
const E = 14;
// Offsets from now, in seconds, heavy on the edges of every window.
const edge = (d) => [d * DAY - 1, d * DAY, d * DAY + 1];
const offset = fc.oneof(
  fc.constantFrom(0, 1, -1, ...edge(U).map((x) => -x), ...edge(E), ...edge(1)),
  fc.integer({ min: -400 * DAY, max: 400 * DAY }),
);
const someDate = fc
  .tuple(offset, fc.integer({ min: 0, max: 999999 }))
  .map(([o, us]) => iso(NOW + o, us));
const date = fc.option(someDate, { nil: null });
const repoScope = fc.constantFrom(
  'scope-image-pull',
  'scope-image-push',
  'scope-image-delete',
  'scope-repository-admin',
  'scope-tag-admin',
  'scope-repository-read',
);
const orgScope = fc.constantFrom(
  'scope-member-read',
  'scope-member-edit',
  'scope-ram-write',
  'scope-repository-create',
  'scope-cloud-connect',
  'scope-audit_events-read',
);
const resource = fc.oneof(
  fc.record({
    type: fc.constant('TYPE_REPO'),
    path: fc.constantFrom('acme/api', 'acme/*', '*/*/public', 'acme/web-*'),
    scopes: fc.uniqueArray(repoScope, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('TYPE_ORG'),
    path: fc.constant('acme'),
    scopes: fc.uniqueArray(orgScope, { minLength: 1, maxLength: 3 }),
  }),
);
const token = fc.record({
  id: fc.uuid(),
  label: fc.string({ minLength: 1, maxLength: 8 }),
  is_active: fc.boolean(),
  created_at: someDate,
  expires_at: date, // the API always sends created_at (the decoder insists)
  last_used_at: date,
  resources: fc.array(resource, { maxLength: 4 }),
});

test('property: the C rules find exactly what the header says, at every threshold', () => {
  fc.assert(
    fc.property(
      fc.array(token, { maxLength: 6 }),
      fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
      (tokens, limit) => {
        const answer = runAuditRules(Module, tokens, {
          now: NOW,
          unusedDays: U,
          expiringDays: E,
          limit,
        });
        const got = answer.findings.map(({ token_id: _id, severity: _s, at: _at, ...f }) => f);
        assert.deepEqual(got, oracle(tokens, { unusedDays: U, expiringDays: E }));
        const s = answer.summary;
        assert.equal(s.tokens, tokens.length);
        assert.equal(s.active + s.inactive + s.expired, tokens.length);
        assert.equal(s.at_limit, limit !== null && tokens.length >= limit);
        assert.equal(s.available, limit === null ? null : Math.max(0, limit - tokens.length));
      },
    ),
    { numRuns: 400 },
  );
});

test('the module frees what it allocates for an audit', () => {
  const tokens = [
    {
      id: 'a',
      label: 'a',
      is_active: true,
      created_at: iso(NOW - 200 * DAY, 0),
      expires_at: null,
      last_used_at: null,
      resources: [],
    },
  ];
  runAuditRules(Module, tokens, { now: NOW, unusedDays: U, expiringDays: E, limit: null });
  const heap = () => Module.heapInUse();
  const before = heap();
  for (let i = 0; i < 200; i++)
    runAuditRules(Module, tokens, { now: NOW, unusedDays: U, expiringDays: E, limit: null });
  assert.equal(heap(), before);
});
