// A token reads the same status wherever it is shown: the CLI and the dashboard call one JS
// function (bindings/token-status.js), and the audit's summary, counted by the C rules (src/audit.c
// through the tools module's dhw_audit), puts each token in the same state: expired (even when
// also inactive), else inactive, else active. Checked on random tokens whose expires_at is any
// string a server might send: RFC 3339 in every form the core takes (offsets, lower case t/z,
// fractions, a leap second, years before 1970 and below 100), around `now` to the second, and
// shapes that are not RFC 3339 (a bare date, no zone, a 30 February), which both read as no expiry.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { runAuditRules } from '../../bindings/tools/audit.js';
import { tools } from '../../bindings/tools/tools.js';
import { tokenStatus } from '../../bindings/token-status.js';

let Module;
before(async () => {
  Module = await tools({
    loadTools: () => readFile(new URL('../../dist/dockerhub_oat_tools.wasm', import.meta.url)),
  });
});

const NOW_MS = Date.parse('2026-12-01T12:00:00.500Z');
const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));

/** An RFC 3339 date-time near `now` (to the second, either side) or anywhere in years 0-9999. */
const rfc3339 = fc.oneof(
  fc
    .record({
      delta: fc
        .integer({ min: -3 * 86400, max: 3 * 86400 })
        .chain((d) => fc.constantFrom(d, d % 3, -1, 0, 1)),
      frac: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
      t: fc.constantFrom('T', 't'),
      zone: fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+01:30', '-23:59'),
    })
    .map(({ delta, frac, t, zone }) => {
      const offsetMin =
        zone.length === 6
          ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)))
          : 0;
      const local = new Date(Math.floor(NOW_MS / 1000) * 1000 + delta * 1000 + offsetMin * 60e3)
        .toISOString()
        .slice(0, 19);
      return `${local.slice(0, 10)}${t}${local.slice(11)}${frac === undefined ? '' : `.${frac}`}${zone}`;
    }),
  fc
    .record({ y: fc.integer({ min: 0, max: 9999 }), mo: two, d: two, h: two, mi: two, s: two })
    .map(({ y, mo, d, h, mi, s }) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}Z`),
  fc.constantFrom(
    '2026-12-01T11:59:60Z',
    '2026-12-01T12:00:00.999999Z',
    '1969-12-31T23:59:59Z',
    '0042-06-01T00:00:00Z',
  ),
);

/** What a server might send that is not an RFC 3339 date-time. */
const other = fc.constantFrom(
  '2026-01-31',
  '2026-01-31T00:00:00',
  '2026-01-31 00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-31T24:00:00Z',
  'Jan 31 2026',
  '',
  'never',
  '2026-01-31T00:00:00+24:00',
);

const token = fc.record({
  is_active: fc.boolean(),
  expires_at: fc.oneof(fc.constant(null), rfc3339, other),
});

/** The state the audit's C rules counted each token in, read from its findings. */
function cStates(tokens) {
  const answer = runAuditRules(
    Module,
    tokens.map((t, i) => ({
      id: `t${i}`,
      label: `t${i}`,
      created_at: '2026-11-30T00:00:00Z',
      last_used_at: '2026-11-30T00:00:00Z',
      resources: [],
      ...t,
    })),
    { now: Math.floor(NOW_MS / 1000), unusedDays: 90, expiringDays: 7, limit: null },
  );
  const states = tokens.map(() => 'active');
  for (const f of answer.findings)
    if (f.kind === 'expired' || f.kind === 'inactive') states[f.token_index] = f.kind;
  const { active, inactive, expired } = answer.summary;
  return { states, counts: { active, inactive, expired } };
}

test('property: the status the CLI and the dashboard show is the state the audit counts', () => {
  fc.assert(
    fc.property(fc.array(token, { minLength: 1, maxLength: 20 }), (tokens) => {
      const { states, counts } = cStates(tokens);
      const js = tokens
        .map((t) => tokenStatus(t, NOW_MS))
        .map((s) => (s === 'expiring' ? 'active' : s));
      tokens.forEach((t, i) =>
        assert.equal(js[i], states[i], `${JSON.stringify(t)}: JS ${js[i]}, C ${states[i]}`),
      );
      const count = (s) => js.filter((x) => x === s).length;
      assert.deepEqual(counts, {
        active: count('active'),
        inactive: count('inactive'),
        expired: count('expired'),
      });
    }),
    { seed: 20261208, numRuns: 400 },
  );
});

test('expired wins over inactive, to the second; expiring is within 7 days', () => {
  const at = (s) => new Date(NOW_MS + s * 1000).toISOString();
  assert.equal(tokenStatus({ is_active: false, expires_at: at(-1) }, NOW_MS), 'expired');
  assert.equal(tokenStatus({ is_active: true, expires_at: at(-0.4) }, NOW_MS), 'expired'); // the same second as now
  assert.equal(tokenStatus({ is_active: true, expires_at: at(1) }, NOW_MS), 'expiring');
  assert.equal(tokenStatus({ is_active: false, expires_at: at(1) }, NOW_MS), 'inactive');
  assert.equal(tokenStatus({ is_active: true, expires_at: at(7 * 86400) }, NOW_MS), 'expiring');
  assert.equal(tokenStatus({ is_active: true, expires_at: at(7 * 86400 + 1) }, NOW_MS), 'active');
  assert.equal(tokenStatus({ is_active: true, expires_at: null }, NOW_MS), 'active');
});
