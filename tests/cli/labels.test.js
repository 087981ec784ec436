// Tokens are addressed by label as well as by id. The library: findAccessToken(org, label) gives the
// one token with exactly that label, null for none, and refuses to guess between several (a
// 'conflict' with their ids). The CLI: every command that takes a token (get, update, activate,
// deactivate, delete, rotate) takes its label too; a label no token has says so and one several
// have lists their ids, with no write request either way; create refuses a label the org already
// has before any write, and update one another token has, unless --allow-duplicate-label. Effects are read from the sandbox's request
// log and state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openOwnerWorld, ORG, OWNER, rejectsWith } from '../fixtures/hub.js';
import { runCli, writeRequests } from '../fixtures/cli-run.js';

let world;
let sb;
let hub;

before(async () => {
  world = await openOwnerWorld({ tokenLimits: { team: 1000 } });
  ({ sb, hub } = world);
});
after(() => world.close());

const cli = (args) =>
  runCli(args, {
    env: {
      DOCKERHUB_BASE_URL: sb.url,
      DOCKERHUB_ORG: ORG,
      DOCKERHUB_IDENTIFIER: OWNER.identifier,
      DOCKERHUB_SECRET: OWNER.secret,
    },
  });
const tokens = () => sb.state.orgs.find((o) => o.name === ORG).tokens;
const byLabel = (label) => tokens().filter((t) => t.label === label);

test('findAccessToken: exactly one match, null for none, a conflict with the ids for several (property)', async () => {
  // Labels that differ only in case, a space or a lookalike must never match each other.
  const LABELS = ['p-ci', 'P-CI', 'p-ci ', 'p-cі', 'p-deploy'];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...LABELS), { maxLength: 6 }),
      fc.constantFrom(...LABELS),
      async (made, wanted) => {
        const created = [];
        try {
          for (const label of made) created.push(await hub.createAccessToken(ORG, { label }));
          const expected = created.filter((t) => t.label === wanted).map((t) => t.id);
          if (expected.length > 1) {
            const err = await rejectsWith(hub.findAccessToken(ORG, wanted), 'conflict');
            assert.equal(err.status, 0);
            assert.deepEqual([...err.ids].sort(), [...expected].sort());
            for (const id of expected) assert.ok(err.message.includes(id), err.message);
          } else {
            const found = await hub.findAccessToken(ORG, wanted);
            assert.equal(found?.id ?? null, expected[0] ?? null);
            if (found) assert.equal(found.label, wanted);
          }
        } finally {
          for (const t of created) await hub.deleteAccessToken(ORG, t.id);
        }
      },
    ),
    { seed: 21, numRuns: 25 },
  );
});

test('findAccessToken reads every page, and refuses a label that is not a non-empty string before any request', async () => {
  const far = [];
  for (let i = 0; i < 120; i++)
    far.push(await hub.createAccessToken(ORG, { label: `page-filler-${i}` }));
  try {
    const last = await hub.findAccessToken(ORG, 'page-filler-119');
    assert.equal(last.id, far[119].id);
    world.reset();
    for (const bad of ['', 42, null, undefined])
      await rejectsWith(hub.findAccessToken(ORG, bad), 'invalid_argument');
    await rejectsWith(hub.findAccessToken(ORG, 'x', { pageSize: 5 }), 'invalid_argument');
    assert.equal(sb.requests.length, 0);
  } finally {
    for (const t of far) await hub.deleteAccessToken(ORG, t.id);
  }
});

test("get, update, activate, deactivate and delete take a label: each acts on that token's id", async () => {
  const t = await hub.createAccessToken(ORG, { label: 'by-label' });
  const one = `/v2/orgs/${ORG}/access-tokens/${t.id}`;
  const got = await cli(['get', 'by-label', '--json']);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(JSON.parse(got.stdout).id, t.id);

  world.reset();
  const off = await cli(['deactivate', 'by-label']);
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(
    writeRequests(sb).map((r) => `${r.method} ${r.path}`),
    [`PATCH ${one}`],
  );
  assert.equal(byLabel('by-label')[0].is_active, false);

  const on = await cli(['activate', 'by-label']);
  assert.equal(on.code, 0, on.stderr);
  assert.equal(byLabel('by-label')[0].is_active, true);

  const renamed = await cli(['update', 'by-label', '--description', 'found by its label']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.equal(byLabel('by-label')[0].description, 'found by its label');

  world.reset();
  const gone = await cli(['delete', 'by-label', '--yes']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.deepEqual(
    writeRequests(sb).map((r) => `${r.method} ${r.path}`),
    [`DELETE ${one}`],
  );
  assert.equal(byLabel('by-label').length, 0);
});

test('rotate takes a label: the token with that label is the one replaced', async () => {
  const old = await hub.createAccessToken(ORG, {
    label: 'rotate-me',
    description: 'rotated by label',
  });
  const r = await cli(['rotate', 'rotate-me']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^dckr_oat_/);
  const now = byLabel('rotate-me').filter((t) => t.id !== old.id);
  assert.equal(now.length, 1, 'one new token with the label');
  assert.equal(
    tokens().find((t) => t.id === old.id)?.is_active ?? false,
    false,
    'the old one is retired',
  );
  for (const t of byLabel('rotate-me')) await hub.deleteAccessToken(ORG, t.id);
  for (const t of tokens().filter((x) => x.id === old.id)) await hub.deleteAccessToken(ORG, t.id);
});

test('an id (UUID form) is used as it is, with no list request', async () => {
  const t = await hub.createAccessToken(ORG, { label: 'by-id' });
  world.reset();
  const r = await cli(['get', t.id, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    !sb.requests.some((q) => q.method === 'GET' && q.path === `/v2/orgs/${ORG}/access-tokens`),
    'no list',
  );
  await hub.deleteAccessToken(ORG, t.id);
});

test('a label no token has says so; one several tokens have lists their ids and asks for one; no write either way', async () => {
  const a = await hub.createAccessToken(ORG, { label: 'twice' });
  const b = await hub.createAccessToken(ORG, { label: 'twice' });
  world.reset();
  for (const command of [
    ['get'],
    ['update', '--description', 'x'],
    ['activate'],
    ['deactivate'],
    ['delete', '--yes'],
    ['rotate'],
  ]) {
    const [name, ...flags] = command;
    const none = await cli([name, 'no-such-label', ...flags]);
    assert.equal(none.code, 1, `${name}: ${none.stderr}`);
    assert.match(
      none.stderr,
      /^error: not_found: no token of acme has the label "no-such-label" \(and it is not a token id/m,
    );
    const both = await cli([name, 'twice', ...flags]);
    assert.equal(both.code, 1, `${name}: ${both.stderr}`);
    assert.match(both.stderr, /^error: conflict: 2 tokens of acme have the label "twice": /m);
    assert.ok(both.stderr.includes(a.id) && both.stderr.includes(b.id), both.stderr);
    assert.match(both.stderr, /give one of their ids/);
    assert.equal(both.stdout, '');
  }
  assert.deepEqual(writeRequests(sb), []);
  const json = await cli(['get', 'twice', '--json']);
  assert.deepEqual(JSON.parse(json.stderr).error.ids.sort(), [a.id, b.id].sort());
  for (const t of [a, b]) await hub.deleteAccessToken(ORG, t.id);
});

test('create refuses a label the org already has, before any write; --allow-duplicate-label creates it', async () => {
  const first = await hub.createAccessToken(ORG, { label: 'taken' });
  world.reset();
  const r = await cli(['create', '--label', 'taken']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(
      `^error: conflict: acme already has a token labelled "taken" \\(${first.id}\\); nothing was created`,
      'm',
    ),
  );
  assert.match(r.stderr, /--allow-duplicate-label/);
  assert.deepEqual(writeRequests(sb), []);
  assert.equal(byLabel('taken').length, 1);

  const again = await cli(['create', '--label', 'taken', '--allow-duplicate-label']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(byLabel('taken').length, 2);
  for (const t of byLabel('taken')) await hub.deleteAccessToken(ORG, t.id);
});

test('update --label refuses a label another token has, before any write; its own label or --allow-duplicate-label goes through', async () => {
  const held = await hub.createAccessToken(ORG, { label: 'held' });
  const other = await hub.createAccessToken(ORG, { label: 'other' });
  world.reset();
  const r = await cli(['update', other.id, '--label', 'held']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(
      `^error: conflict: acme already has a token labelled "held" \\(${held.id}\\); nothing was changed`,
      'm',
    ),
  );
  assert.match(r.stderr, /--allow-duplicate-label/);
  assert.deepEqual(writeRequests(sb), []);
  assert.equal(byLabel('other').length, 1);

  const same = await cli([
    'update',
    'other',
    '--label',
    'other',
    '--description',
    'kept its label',
  ]);
  assert.equal(same.code, 0, same.stderr);
  const dup = await cli(['update', 'other', '--label', 'held', '--allow-duplicate-label']);
  assert.equal(dup.code, 0, dup.stderr);
  assert.equal(byLabel('held').length, 2);
  for (const t of [held, other]) await hub.deleteAccessToken(ORG, t.id);
});

test('a label no token has is created as before (one list, then the create)', async () => {
  world.reset();
  const r = await cli(['create', '--label', 'fresh-label']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    writeRequests(sb).map((q) => q.method),
    ['POST'],
  );
  for (const t of byLabel('fresh-label')) await hub.deleteAccessToken(ORG, t.id);
});
