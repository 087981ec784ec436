// Scopes you can find: `dockerhub-oat scopes` lists every scope of the catalogue (bindings/scopes.js)
// with its words, by resource type, with no sign-in and no request; a scope the CLI or a manifest
// does not know is refused with "did you mean" from the same catalogue (a typo of any scope finds
// it: a property over every scope), before any request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  REPO_SCOPES,
  ORG_SCOPES,
  SCOPES,
  SCOPE_WORDS,
  closestScopes,
} from '../../bindings/scopes.js';
import { openOwnerWorld, ORG, rejectsWith } from '../fixtures/hub.js';
import { runCli } from '../fixtures/cli-run.js';

let world;
before(async () => {
  world = await openOwnerWorld();
});
after(() => world.close());

const cli = (args) => runCli(args, { env: world.ownerEnv() });

test('every scope has words, and the catalogue has no others', () => {
  assert.deepEqual(Object.keys(SCOPE_WORDS), [...REPO_SCOPES, ...ORG_SCOPES]);
  for (const words of Object.values(SCOPE_WORDS))
    assert.match(words, /^[A-Z][\w ]+(: [a-z]+( \(and [a-z, ]+\))?)?$/);
});

test('dockerhub-oat scopes lists every scope with its words by resource type, with no org, sign-in or request', async () => {
  const r = await runCli(['scopes']);
  assert.equal(r.code, 0, r.stderr);
  const [repo, org] = r.stdout.split(/^Organization scopes/m);
  assert.match(repo, /^Repository scopes \(TYPE_REPO: --repo PATH=SCOPE/);
  for (const s of REPO_SCOPES)
    assert.match(
      repo,
      new RegExp(`^  ${s.slice(6)} +${SCOPE_WORDS[s].replace(/[()]/g, '\\$&')}$`, 'm'),
    );
  for (const s of ORG_SCOPES)
    assert.match(org, new RegExp(`^  ${s.slice(6)} +${SCOPE_WORDS[s]}$`, 'm'));
  assert.match(r.stdout, /"scope-" prefix/);
  const j = await runCli(['scopes', '--json']);
  const doc = JSON.parse(j.stdout);
  assert.deepEqual(
    doc.TYPE_REPO.map((e) => e.scope),
    Object.values(SCOPES.TYPE_REPO).flat(),
  );
  assert.deepEqual(
    doc.TYPE_ORG.map((e) => e.scope),
    [...ORG_SCOPES],
  );
  assert.ok(doc.TYPE_ORG.every((e) => e.words === SCOPE_WORDS[e.scope]));
  const help = await runCli(['--help']);
  assert.match(help.stdout, /^  scopes +list every scope/m);
});

test('a typo of any scope (one letter dropped, changed, doubled or two swapped) is found again', () => {
  const typo = fc
    .tuple(
      fc.constantFrom(...REPO_SCOPES, ...ORG_SCOPES),
      fc.nat(),
      fc.constantFrom('drop', 'change', 'double', 'swap'),
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    )
    .map(([scope, n, kind, c]) => {
      const name = scope.slice(6);
      const i = n % (name.length - 1);
      const typed =
        kind === 'drop'
          ? name.slice(0, i) + name.slice(i + 1)
          : kind === 'change'
            ? name.slice(0, i) + c + name.slice(i + 1)
            : kind === 'double'
              ? name.slice(0, i) + name[i] + name.slice(i)
              : name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
      return { scope, typed };
    });
  fc.assert(
    fc.property(typo, ({ scope, typed }) => {
      const near = closestScopes(typed);
      if (near.length === 0 && typed !== scope.slice(6))
        assert.fail(`${typed}: nothing suggested for ${scope}`);
      assert.ok(
        near.includes(scope) || [...REPO_SCOPES, ...ORG_SCOPES].includes(`scope-${typed}`),
        `${typed} -> ${near} (meant ${scope})`,
      );
    }),
    { seed: 21, numRuns: 500 },
  );
  assert.deepEqual(closestScopes('no-such-thing-at-all'), []);
  assert.deepEqual(closestScopes('repo-pull'), ['scope-image-pull'], 'an old name');
});

test('the CLI refuses an unknown scope with "did you mean", before any request', async () => {
  world.reset();
  const cases = [
    [
      ['create', '--label', 's', '--repo', 'acme/api=image-pul'],
      /--repo acme\/api=image-pul: unknown repository scope "image-pul"; did you mean image-pull\? \('dockerhub-oat scopes' lists every scope\)/,
    ],
    [
      ['create', '--label', 's', '--org-scope', 'member-reed'],
      /unknown organization scope "member-reed"; did you mean member-read\?/,
    ],
    [
      ['create', '--label', 's', '--org-scope', 'image-pull'],
      /image-pull is a repository scope \(--repo PATH=image-pull\)/,
    ],
    [['update', 'ci-pull', '--repo', 'acme/api=scope-image-psuh'], /did you mean image-push\?/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, message);
  }
  assert.deepEqual(world.sb.requests, []);
});

test('a manifest\'s unknown scope gets "did you mean" too, still refused before any request', async () => {
  world.reset();
  const manifest =
    '{\n  "tokens": {\n    "ci": {\n      "resources": { "org": ["member-reed"], "repositories": { "acme/api": ["image-pull"] } }\n    }\n  }\n}\n';
  const err = await rejectsWith(world.hub.planAccessTokens(ORG, manifest), 'invalid_argument');
  assert.equal(err.line, 4);
  assert.match(
    err.message,
    /org: unknown scope "member-reed"; did you mean "scope-member-read"\?$/,
  );
  const repo = await rejectsWith(
    world.hub.planAccessTokens(ORG, {
      tokens: { ci: { resources: { repositories: { 'acme/api': ['imagepull'] } } } },
    }),
    'invalid_argument',
  );
  assert.match(repo.message, /unknown scope "imagepull"; did you mean "scope-image-pull"\?$/);
  assert.deepEqual(world.sb.requests, []);
});
