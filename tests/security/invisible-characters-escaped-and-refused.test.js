// Rule: a character a reader cannot see for what it is (controls, format characters such as zero
// width space, U+FEFF, U+2060, U+180E, soft hyphen and the tag characters, U+2028/2029, and every
// default-ignorable code point: U+034F, the Hangul fillers, variation selectors) never reaches the
// terminal raw, and is refused where it would name or run something: a manifest's label,
// repository path, exec and out (with the line, before any request) and the CLI's create/update
// --label (before any request). One class: bindings/text.js's INVISIBLE; src/tools/manifest.c's table is
// checked against it code point by code point.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { INVISIBLE, printable, quoted } from '../../bindings/text.js';
import { openOwnerWorld, ORG } from '../fixtures/hub.js';
import { runCli, writeRequests } from '../fixtures/cli-run.js';

const SEED = 20261207;
// The review's list, one of each class.
const NAMED = [
  0x200b, 0xad, 0x34f, 0x115f, 0x1160, 0x3164, 0xffa0, 0xfeff, 0x2060, 0x180e, 0xe0041, 0xe007f,
  0xfe0f, 0x2028, 0x202e, 0x1b, 0x9b,
];

/** Every code point of the class (not surrogates: they are no character of UTF-8 text). */
const members = [];
for (let cp = 0; cp <= 0x10ffff; cp++)
  if ((cp < 0xd800 || cp > 0xdfff) && INVISIBLE.test(String.fromCodePoint(cp))) members.push(cp);
const anyInvisible = fc.constantFrom(...members).map((cp) => String.fromCodePoint(cp));
const mixed = fc
  .array(fc.oneof(anyInvisible, fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 8 })
  .map((a) => a.join(''));
const raw = (s) => [...s].some((c) => INVISIBLE.test(c) && c !== '\n');

let world;
let dir;
before(async () => {
  world = await openOwnerWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-invisible-'));
});
after(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});
const env = () => world.ownerEnv();
const cli = (args) => runCli(args, { env: env(), cwd: dir });

test("the review's characters are all in the class", () => {
  for (const cp of NAMED) assert.ok(INVISIBLE.test(String.fromCodePoint(cp)), cp.toString(16));
});

test('property: printable and quoted leave no invisible character of any class, mixed with ordinary text', () => {
  fc.assert(
    fc.property(mixed, (s) => {
      assert.ok(!INVISIBLE.test(printable(s)), JSON.stringify(printable(s)));
      assert.ok(!INVISIBLE.test(quoted(s)));
      assert.equal(JSON.parse(quoted(s)), s);
    }),
    { seed: SEED, numRuns: 500 },
  );
});

test('src/tools/manifest.c refuses exactly the class text.js escapes (its table, code point by code point)', () => {
  const src = readFileSync(new URL('../../src/tools/manifest.c', import.meta.url), 'utf8');
  const table = src.slice(src.indexOf('invisible-table-start'), src.indexOf('invisible-table-end'));
  const ranges = [...table.matchAll(/\{0x([0-9a-f]+), 0x([0-9a-f]+)\}/g)].map((m) => [
    parseInt(m[1], 16),
    parseInt(m[2], 16),
  ]);
  const fromC = [];
  for (const [a, b] of ranges) for (let cp = a; cp <= b; cp++) fromC.push(cp);
  assert.deepEqual(fromC, members);
});

test('a manifest label, repository path, exec or out holding one is refused with its line, before any request; nothing invisible is printed', async () => {
  const places = {
    label: (c) => ({ [`ci-pull${c}`]: { secret: { out: 'a.token' } } }),
    'repository path': (c) => ({
      reader: {
        resources: { repositories: { [`acme/api${c}`]: ['image-pull'] } },
        secret: { out: 'a.token' },
      },
    }),
    exec: (c) => ({ reader: { secret: { exec: `tee${c} a.token` } } }),
    out: (c) => ({ reader: { secret: { out: `a${c}.token` } } }),
  };
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...Object.keys(places)),
      fc.constantFrom(...NAMED.filter((cp) => cp > 0x7f)),
      async (place, cp) => {
        const c = String.fromCodePoint(cp);
        writeFileSync(
          join(dir, 'tokens.json'),
          JSON.stringify({ tokens: places[place](c) }, null, 2),
        );
        world.sb.resetRequests();
        const r = await cli(['plan', '-f', 'tokens.json']);
        assert.equal(r.code, 1, `${place} ${cp.toString(16)}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /line \d+: .*invisible/, r.stderr);
        assert.ok(!raw(r.stdout) && !raw(r.stderr), r.stderr);
        assert.deepEqual(world.sb.requests, []);
      },
    ),
    { seed: SEED, numRuns: 24 },
  );
});

test('create and update refuse such a --label before any request; a token holding one is listed escaped', async () => {
  for (const cp of NAMED) {
    const label = `ci-pull${String.fromCodePoint(cp)}`;
    world.sb.resetRequests();
    const r = await cli(['create', '--label', label, '--out', 'x.token']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!raw(r.stdout) && !raw(r.stderr), r.stderr);
    assert.deepEqual(writeRequests(world.sb), []);
    const u = await cli(['update', 'ci-pull', '--label', label]);
    assert.equal(u.code, 1, u.stderr);
    assert.deepEqual(writeRequests(world.sb), []);
  }
  const t = await world.hub.createAccessToken(ORG, {
    label: `ci-pull\u200b\u{e0041}`,
    description: 'x\u00ad\u3164',
  });
  try {
    for (const args of [['list'], ['get', t.id], ['list', '--json'], ['export']]) {
      const r = await cli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!raw(r.stdout) && !raw(r.stderr), `${args}: ${r.stdout}`);
    }
  } finally {
    await world.hub.deleteAccessToken(ORG, t.id);
  }
});
