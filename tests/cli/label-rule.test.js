// One rule for a token's label wherever one is written: the CLI's create and update refuse, before
// any request, a label that is empty or only white space, starts or ends with a space, holds a
// control (C0 with \n and \t, DEL, C1), line-break (U+2028/9) or bidi character, or is longer than
// 100 characters (Docker Hub documents no limit: the bound is ours); the manifest's parser
// (src/tools/manifest.c) refuses the same labels at their line. A property (fast-check, fixed seed)
// holds the two to one rule; the CLI's refusals are read from the sandbox's request log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openOwnerWorld, ORG, rejectionOf } from '../fixtures/hub.js';

/** The plan's refusal of a manifest, or null when it planned. */
const planError = (text) =>
  world.hub.planAccessTokens(ORG, text).then(
    () => null,
    (err) => err,
  );
import { runCli, writeRequests } from '../fixtures/cli-run.js';
import { labelProblem, MAX_LABEL_CHARS } from '../../bindings/label-rule.js';

let world;
before(async () => {
  world = await openOwnerWorld();
});
after(() => world.close());

const cli = (args) =>
  runCli(args, {
    env: world.ownerEnv(),
  });

const BAD = {
  'a\nfake row': /control, line-break, bidi or other invisible/,
  'tab\there': /control, line-break, bidi or other invisible/,
  'del\x7f': /control, line-break, bidi or other invisible/,
  'c1\x85': /control, line-break, bidi or other invisible/,
  'ls\u2028': /control, line-break, bidi or other invisible/,
  'rlo\u202e': /control, line-break, bidi or other invisible/,
  ' padded ': /start or end with a space/,
  'trailing ': /start or end with a space/,
  '   ': /empty or only white space/,
  '': /empty or only white space/,
  [`${'x'.repeat(MAX_LABEL_CHARS)}y`]: /at most 100 characters, not 101/,
  'ci~retired~delete-after-2026-12-14T21:44Z':
    /may not hold ~retired~, which marks a token a rotation retired/,
  'x~retired~': /may not hold ~retired~/,
};

test('create and update refuse each bad label, saying what is wrong, with no write request', async () => {
  const t = await world.hub.createAccessToken(ORG, { label: 'rename-me' });
  world.sb.resetRequests();
  for (const [label, why] of Object.entries(BAD)) {
    for (const args of [
      ['create', '--label', label],
      ['update', t.id, '--label', label],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 1, `${args[0]} ${JSON.stringify(label)}: ${r.stderr}`);
      assert.match(r.stderr, why, JSON.stringify(label));
      assert.match(r.stderr, /a token's label /);
    }
  }
  assert.deepEqual(writeRequests(world.sb), []);
  const longest = 'y'.repeat(MAX_LABEL_CHARS);
  const ok = await cli(['update', t.id, '--label', longest]);
  assert.equal(ok.code, 0, ok.stderr);
});

test('the manifest refuses the same labels, at their line, before any request', async () => {
  for (const [label, why] of Object.entries(BAD)) {
    const text = `{\n  "tokens": {\n    ${JSON.stringify(label)}: { "secret": { "out": "x" } }\n  }\n}\n`;
    const err = await rejectionOf(world.hub.planAccessTokens(ORG, text));
    assert.equal(err?.code, 'invalid_argument', JSON.stringify(label));
    assert.equal(err.line, 3);
    assert.match(err.message, why, JSON.stringify(label));
  }
});

test("property: the CLI's rule and the manifest's parser accept exactly the same labels", async () => {
  const piece = fc.oneof(
    fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\x7f',
      '\x85',
      '\u2028',
      '\u202e',
      '\u00a0',
      'é',
      '😀',
      '~',
      '~retired~',
      'retired',
    ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
  );
  const label = fc.oneof(
    fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
    fc.integer({ min: 95, max: 105 }).map((n) => 'é'.repeat(n)),
  );
  await fc.assert(
    fc.asyncProperty(label, async (l) => {
      const text = `{ "tokens": { ${JSON.stringify(l)}: { "secret": { "out": "x" } } } }`;
      const err = await planError(text);
      const refusedByManifest = err?.code === 'invalid_argument';
      const problem = labelProblem(l);
      assert.equal(refusedByManifest, problem !== null, `${JSON.stringify(l)}: ${err?.message}`);
      // And for the same reason, in the same words.
      if (problem)
        assert.ok(
          err.message.includes(`a token's label ${problem}`),
          `${JSON.stringify(l)}: C says ${err.message}; JS says ${problem}`,
        );
    }),
    { seed: 20261207, numRuns: 300 },
  );
});

test('the schema says the same of a label: its length, and no ~retired~', async () => {
  const { readFile } = await import('node:fs/promises');
  const schema = JSON.parse(
    await readFile(new URL('../../schema/tokens.schema.json', import.meta.url), 'utf8'),
  );
  const names = schema.properties.tokens.propertyNames;
  assert.equal(names.maxLength, MAX_LABEL_CHARS);
  const refused = (label) => new RegExp(names.not.pattern, 'u').test(label);
  assert.ok(refused('ci~retired~delete-after-2026-12-14T21:44Z') && refused('x~retired~'));
  assert.ok(!refused('ci~pull') && !refused('retired'));
});
