// Rule: what a reviewer reads is what apply does. Text from a file (the manifest) or a server (the
// org's labels and descriptions, its error messages) reaches stdout and stderr escaped, in every
// CLI command and in --json: no C0 control (line breaks and tabs inside a field included), DEL, C1,
// U+2028/2029 or bidi control gets through raw; every printed line starts with text of ours, never
// the data's (a "::add-mask::" at a line's start is a GitHub Actions command); and a plan's lines
// and apply's steps stay one to one. Found by the third outside review: an `exec` ending in
// "\r\x1b[5A\x1b[JNo changes: ..." showed the reviewer "No changes", then ran with the admin secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../fixtures/cli-inprocess.js';
import { openWorld } from '../fixtures/hub.js';

// Every character a terminal or an editor acts on, but the line break that separates our lines.
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// Generated text starts with § and has ¶ after every break it holds: a printed line that starts
// with either (or with '::') started with the data's text.
const START = '§';
const BROKEN = '¶';
const UNITS = [
  '\u001b[5A',
  '\u001b[J',
  '\u001b]52;c;ZWNobyBwd25lZA==\u0007',
  '\r',
  `\n${BROKEN}`,
  `\r\n${BROKEN}`,
  '\t',
  '\u007f',
  '\u009b2J',
  `\u0085${BROKEN}`,
  `\u2028${BROKEN}`,
  `\u2029${BROKEN}`,
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200f',
  `\n${BROKEN}::add-mask::x`,
  `\n${BROKEN}::warning::y`,
  'No changes: ',
  'é',
  '日本',
  '😀',
  'a',
  ' ',
  '\\',
  '"',
];
const hostile = fc
  .array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 6 })
  .map((a) => `${START}${a.join('')}`);

function assertShownSafely(what, text) {
  const at = text.search(RAW);
  assert.equal(
    at,
    -1,
    `${what}: a raw control reached the terminal: ${JSON.stringify(text.slice(Math.max(0, at - 30), at + 30))}`,
  );
  for (const line of text.split('\n')) {
    const s = line.trimStart();
    assert.ok(
      !s.startsWith(START) && !s.startsWith(BROKEN) && !s.startsWith('::'),
      `${what}: a printed line starts with the data's text: ${JSON.stringify(line)}`,
    );
  }
}

/** Runs and checks both streams; returns the result. */
async function shown(ctx, argv) {
  const r = await runCli(argv, ctx);
  assertShownSafely(`${argv.join(' ')} (stdout)`, r.stdout);
  assertShownSafely(`${argv.join(' ')} (stderr)`, r.stderr);
  return r;
}

const PLAN_HEAD =
  /^(\+ create|~ update|-\/\+ replace|- delete) (.*?)(?: \([^()]*\))?(?:  \(line \d+\))?(?:, last used .*)?$/;
const APPLY_STEP = /^\[(\d+)\/(\d+)\] (create|update|replace|delete) (.*?)(?: \([^()]*\))? \.\.\.$/;

test('every command shows file and server text escaped, no line starts with it, and plan and apply stay one to one', async () => {
  await fc.assert(
    fc.asyncProperty(hostile, hostile, hostile, async (label, description, message) => {
      const world = await openWorld();
      const dir = mkdtempSync(join(tmpdir(), 'terminal-text-'));
      const ctx = { sb: world.sb, dir };
      try {
        const hub = await world.client();
        const made = await hub.createAccessToken('acme', {
          label,
          description,
          resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
        });
        world.sb.faults({
          method: 'GET',
          path: 'access-tokens/0000dead',
          status: 400,
          times: 2,
          body: { message, errinfo: { fields: { [message]: [message] } } },
        });

        // The org's text, in every reading command.
        for (const argv of [
          ['list'],
          ['list', '--json'],
          ['get', made.id],
          ['get', made.id, '--json'],
          ['get', '0000dead'],
          ['get', '0000dead', '--json'],
          ['audit'],
          ['audit', '--markdown'],
          ['audit', '--json'],
          ['export'],
          ['prune'],
          ['prune', '--json'],
        ]) {
          await shown(ctx, argv);
        }

        // The file's text where the manifest refuses it: a label, a path, an exec, an out, a key.
        const bad = `${label}\u001b[2K`;
        const refusals = [
          { [bad]: {} },
          { a: { resources: { repositories: { [`acme/${bad}`]: ['image-pull'] } } } },
          { a: { secret: { exec: `gh secret set X${bad}` } } },
          { a: { secret: { out: `a${bad}` } } },
          { a: { [bad]: 1 } },
          { a: { expires: bad } },
        ];
        for (const tokens of refusals) {
          writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 1, tokens }, null, 2));
          const r = await shown(ctx, ['plan', '-f', 'bad.json']);
          assert.equal(r.code, 1, r.stderr);
          assert.match(r.stderr, /^error: bad\.json: line \d+: /);
          assert.equal(r.stdout, '');
        }

        // A description may hold any of it (export must carry what the org has): shown escaped, and
        // the plan a reviewer reads is step for step what apply does.
        const tokens = {
          p0: {
            description,
            resources: { repositories: { 'acme/api': ['image-pull'] } },
            secret: { out: 'p0.token' },
          },
          p1: { description: `${description}2`, expires: '30d', secret: { out: 'p1.token' } },
        };
        writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens }, null, 2));
        await shown(ctx, ['plan', '-f', 'tokens.json']);
        const planJson = JSON.parse(
          (await shown(ctx, ['plan', '-f', 'tokens.json', '--prune', '--json'])).stdout,
        );
        const plan = await shown(ctx, ['plan', '-f', 'tokens.json', '--prune']);
        const heads = plan.stdout
          .split('\n')
          .map((l) => PLAN_HEAD.exec(l))
          .filter(Boolean);
        const changing = planJson.steps.filter((s) =>
          ['create', 'update', 'replace', 'delete'].includes(s.action),
        );
        assert.equal(heads.length, changing.length, plan.stdout);

        const applied = await shown(ctx, ['apply', '-f', 'tokens.json', '--prune', '--yes']);
        assert.equal(applied.code, 0, applied.stderr);
        const steps = applied.stdout
          .split('\n')
          .map((l) => APPLY_STEP.exec(l))
          .filter(Boolean);
        assert.deepEqual(
          steps.map((m) => [m[3], m[4]]),
          heads.map((m) => [m[1].split(' ').at(-1), m[2]]),
          `plan:\n${plan.stdout}\napply:\n${applied.stdout}`,
        );
        assert.deepEqual(
          steps.map((m) => Number(m[2])),
          steps.map(() => heads.length),
        );

        // The changing commands on a token the org labelled and described with it, by id and by label.
        const other = await hub.createAccessToken('acme', {
          label: `${label}x`,
          description,
          resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
        });
        for (const argv of [
          ['deactivate', other.id],
          ['activate', other.id],
          ['activate', other.id, '--json'],
          ['update', other.id, '--description', 'plain'],
          ['update', other.id, '--json', '--description', 'plain'],
          ['rotate', other.id, '--out', 'rotated.token'],
          ['get', `${label}x`],
          ['delete', `${label}x`, '--yes'],
        ]) {
          const r = await shown(ctx, argv);
          assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await world.close();
      }
    }),
    {
      seed: 20261207,
      numRuns: 6,
      includeErrorInReport: true,
      examples: [
        [
          `${START}\u001b]52;c;ZWNobyBwd25lZA==\u0007`,
          `${START}\u009b2J\u2028${BROKEN}x`,
          `${START}\r\u001b[5A\u001b[JNo changes: the tokens of acme match the file.`,
        ],
      ],
    },
  );
});
