// Properties of tokens as code, looked for with fast-check: a refusal names the exact line however
// the file is laid out, and an apply leaves nothing for the next plan to do, whatever the manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openOwnerWorld } from '../fixtures/hub.js';

const ORG = 'acme';
const DAY = 86400e3;

let world;
let hub;

before(async () => {
  world = await openOwnerWorld();
  ({ hub } = world);
});

after(async () => {
  await world.close();
});

// Labels and descriptions with the characters that could fool a line search: quotes, backslashes,
// braces, colons, commas, the label itself inside a value, and non-ASCII text.
const text = fc.string({
  unit: fc.constantFrom('a', 'b', '"', '\\', '{', '}', ':', ',', '[', ' ', 'é', '✓', '\n', '\t'),
  maxLength: 8,
});
const label = fc
  .string({
    unit: fc.constantFrom('a', 'b', 'c', '-', '"', '\\', '{', ':', ' ', 'é'),
    minLength: 1,
    maxLength: 6,
  })
  .filter((s) => s.trim() !== '' && s.trim() === s); // a label keeps the label rule (bindings/label-rule.js)
const gap = fc.constantFrom('', ' ', '\n', '\n\n', '\r\n', '\t \n  ');

/** A manifest laid out line by line, with `bad` spliced in as entry number `at`. */
function layout(entries, gaps, bad, at) {
  const lines = ['{', '"tokens": {'];
  let badLine = 0;
  const all = [...entries];
  all.splice(at, 0, bad);
  all.forEach((e, i) => {
    const g = gaps[i % gaps.length];
    lines.push(
      ...g
        .split('\n')
        .slice(1)
        .map(() => ''),
    ); // blank lines the gap adds
    if (e === bad) badLine = lines.length + 1;
    lines.push(
      `${JSON.stringify(e.label)}${g.replace(/\n/g, ' ')}: ${JSON.stringify(e.body)}${i < all.length - 1 ? ',' : ''}`,
    );
  });
  lines.push('}', '}');
  return { text: lines.join('\n'), badLine };
}

test('a duplicate label, an unknown key or a wrong type is refused on its own line, however the file is laid out', async () => {
  const entry = fc.record({ label, body: fc.record({ description: text }) });
  const kind = fc.constantFrom('duplicate', 'unknown key', 'wrong type');
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(entry, { selector: (e) => e.label, minLength: 1, maxLength: 6 }),
      fc.array(gap, { minLength: 1, maxLength: 4 }),
      kind,
      fc.nat(),
      text,
      async (entries, gaps, k, pick, description) => {
        const at = entries.length > 0 ? (pick % entries.length) + 1 : 0; // after the first, so a duplicate follows it
        const bad =
          k === 'duplicate'
            ? { label: entries[0].label, body: { description } }
            : k === 'unknown key'
              ? { label: `${entries[0].label}x\u2713`, body: { descripton: description } }
              : { label: `${entries[0].label}y✓`, body: { active: description } };
        if (k !== 'duplicate' && entries.some((e) => e.label === bad.label)) return;
        const { text: manifest, badLine } = layout(entries, gaps, bad, at);
        const err = await hub.planAccessTokens(ORG, manifest).then(
          () => null,
          (e) => e,
        );
        assert.ok(err, 'refused');
        assert.equal(err.code, 'invalid_argument');
        assert.equal(err.line, badLine, `${err.message}\n${manifest}`);
        assert.ok(err.message.startsWith(`line ${badLine}: `), err.message);
      },
    ),
    { numRuns: 150 },
  );
});

const repoScopes = fc.subarray(
  ['image-pull', 'image-push', 'scope-image-delete', 'repository-read'],
  { minLength: 1 },
);
const future = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const entryBody = fc.record(
  {
    description: fc.constantFrom('', 'CI', 'pushes "web"'),
    resources: fc.record(
      {
        repositories: fc.dictionary(fc.constantFrom('acme/api', 'acme/web', 'acme/*'), repoScopes, {
          maxKeys: 2,
        }),
        org: fc.subarray(['member-read', 'repository-list', 'scope-activity-read'], {
          minLength: 1,
        }),
        public_read: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    expires: fc.constantFrom(
      'never',
      '7d',
      '30d',
      '2w',
      '1y',
      future(100),
      `${future(200)}T12:00:00Z`,
    ),
    active: fc.boolean(),
  },
  { requiredKeys: [] },
);

test('plan, apply, plan: the second plan has nothing to do, whatever the manifest and the org before it', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(
        fc.constantFrom('ci', 'deploy', 'audit', 'ci-pull', 'legacy-deploy'),
        entryBody,
        { maxKeys: 4 },
      ),
      fc.boolean(),
      async (tokens, prune) => {
        const manifest = { tokens };
        const plan = await hub.planAccessTokens(ORG, manifest, { prune });
        const result = await hub.applyAccessTokens(ORG, plan, { onSecret() {} });
        assert.equal(result.ok, true, result.error?.message);
        const again = await hub.planAccessTokens(ORG, manifest, { prune });
        assert.equal(again.changes, 0, again.text);
        const labels = [];
        for await (const t of hub.listAllAccessTokens(ORG)) labels.push(t.label);
        assert.equal(new Set(labels).size, labels.length, `labels stay unique: ${labels}`);
        // Keep under the plan's token limit for the next run.
        if (labels.length > 7)
          await hub.applyAccessTokens(
            ORG,
            await hub.planAccessTokens(ORG, { tokens: {} }, { prune: true }),
          );
      },
    ),
    { numRuns: 25 },
  );
});
