// Properties of rotation in tokens as code, looked for with fast-check (fixed seed): for generated
// orgs and manifests (tokens of any age under a rotate_every that is due or not, relative or no
// expiry, retired tokens in their overlap, in their grace or past it), plan, apply, plan gives no
// changes, and no label is ever held by two live tokens. The sandbox's clock is moved, never slept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openWorld, OWNER } from '../fixtures/hub.js';
import { parseRetired, retiredLabel } from '../../bindings/index.node.js';

const ORG = 'acme';
const DAY = 86400e3;
const SEED = 20261207;

const entry = fc.record({
  expires: fc.constantFrom('90d', 'never'),
  rotateEvery: fc.option(fc.constantFrom('30d', '60d'), { nil: undefined }),
  age: fc.option(fc.integer({ min: 0, max: 80 }), { nil: undefined }), // undefined: no token yet
  retired: fc.option(
    fc.record({
      deleteIn: fc.integer({ min: -10, max: 10 }).filter((d) => d !== 0), // days from now: past or in grace
      overlapIn: fc.option(
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        { nil: undefined },
      ),
      active: fc.boolean(),
    }),
    { nil: undefined },
  ),
});

test('plan, apply, plan: no changes, and no label is held twice, whatever is due or retired', async () => {
  let clock = Date.now();
  const world = await openWorld({
    now: () => clock,
    tokenLimits: { team: 1000, business: 1000 },
    rateLimit: 1e6,
  });
  try {
    const hub = await world.client({ credentials: OWNER });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), entry), {
          selector: (x) => x[0],
          minLength: 1,
          maxLength: 4,
        }),
        async (entries) => {
          const base = Date.now() + 3 * DAY; // later than any JWT the run before left
          for (const t of (await hub.listAccessTokens(ORG, { pageSize: 100 })).results)
            await hub.deleteAccessToken(ORG, t.id);
          const manifest = { tokens: {} };
          for (const [label, e] of entries) {
            manifest.tokens[label] = {
              expires: e.expires,
              ...(e.rotateEvery ? { rotate_every: e.rotateEvery } : {}),
              secret: { out: `${label}.token` },
            };
            if (e.age !== undefined) {
              clock = base - e.age * DAY;
              await hub.createAccessToken(ORG, {
                label,
                expires_at: e.expires === 'never' ? null : new Date(clock + 90 * DAY).toISOString(),
              });
            }
            if (e.retired) {
              clock = base - 20 * DAY;
              const r = e.retired;
              const name = retiredLabel(label, {
                deleteAfter: base + r.deleteIn * DAY,
                ...(r.overlapIn !== undefined
                  ? { activeUntil: base + Math.min(r.overlapIn, r.deleteIn) * DAY }
                  : {}),
              });
              const t = await hub.createAccessToken(ORG, { label: name });
              if (!r.active) await hub.updateAccessToken(ORG, t.id, { is_active: false });
            }
          }
          clock = base;
          const text = JSON.stringify(manifest);
          const plan = await hub.planAccessTokens(ORG, text, { now: base });
          const result = await hub.applyAccessTokens(ORG, plan, { now: base, onSecret: () => {} });
          assert.equal(result.ok, true, result.error?.message);
          const again = await hub.planAccessTokens(ORG, text, { now: base });
          assert.equal(again.changes, 0, again.text);
          const live = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
            (t) => !parseRetired(t.label),
          );
          const labels = live.map((t) => t.label);
          assert.deepEqual(
            labels.slice().sort(),
            [...new Set(labels)].sort(),
            `a label held twice: ${labels}`,
          );
          assert.deepEqual(labels.slice().sort(), entries.map(([l]) => l).sort());
        },
      ),
      { numRuns: 30, seed: SEED },
    );
  } finally {
    await world.close();
  }
});
