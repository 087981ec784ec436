// Rule: apply --plan does exactly what the printed plan shows. The saved plan's digest is plain
// SHA-256, so anyone who can write the file can edit it and recompute the digest: such a file must
// still be refused, before any write request (proved by the sandbox's request log), whenever a step
// would send something its printed words do not show: another label, a request key the plan does
// not print, a hand-over through a shell, a step field no plan has, a change count that is not the
// steps', or a token's "before" that is not the org's. The printed plan says a command runs
// without a shell and shows the file a secret goes to by its resolved path.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorld, OWNER } from '../fixtures/hub.js';
import { runCli, writeRequests } from '../fixtures/cli-run.js';

const ORG = 'acme';
let world;
let sb;
let dir;

beforeEach(async () => {
  world = await openWorld();
  sb = world.sb;
  dir = mkdtempSync(join(tmpdir(), 'dh-printed-'));
});
afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = {
  DOCKERHUB_BASE_URL: '',
  DOCKERHUB_ORG: ORG,
  DOCKERHUB_IDENTIFIER: OWNER.identifier,
  DOCKERHUB_SECRET: OWNER.secret,
};
const cli = (args, cwd = dir) => runCli(args, { env: { ...env, DOCKERHUB_BASE_URL: sb.url }, cwd });

/** An edit made by someone who can write the file: the digest recomputed as savePlan does. */
const redigest = (p) => {
  const covered = JSON.stringify([
    p.format,
    p.version,
    p.org,
    p.prune,
    p.manifestDir,
    p.stateDigest,
    p.changes,
    p.steps,
  ]);
  return { ...p, digest: `sha256:${createHash('sha256').update(covered).digest('hex')}` };
};

/** A reviewed plan with a create (to a file), a create (to a command), an update and a delete. */
async function savedPlan() {
  const r = await cli(['export']);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  m.tokens.reader = {
    resources: { repositories: { 'acme/api': ['image-pull'] } },
    secret: { out: 'reader.token' },
  };
  m.tokens.pusher = {
    resources: { repositories: { 'acme/api': ['image-push'] } },
    secret: { exec: 'tee pusher.token' },
  };
  m.tokens['ci-pull'].description = 'reviewed';
  delete m.tokens['q1-audit'];
  mkdirSync(join(dir, 'team'));
  writeFileSync(join(dir, 'team', 'tokens.json'), JSON.stringify(m, null, 2));
  const saved = await cli(['plan', '-f', 'team/tokens.json', '--prune', '--save', 'plan.json']);
  assert.equal(saved.code, 2, saved.stderr);
  return JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
}

const stepOf = (p, action, label) =>
  p.steps.find((s) => s.action === action && (label === undefined || s.label === label));

test('a saved plan whose digest was recomputed after an edit is refused when a step sends what it does not print', async () => {
  const saved = await savedPlan();
  const edits = {
    "create sends another label (the review's repro)": (p) => {
      stepOf(p, 'create', 'reader').request.label = 'backdoor';
    },
    'update sends a key not in its changes': (p) => {
      stepOf(p, 'update').request.is_active = false;
    },
    'update sends resources not in its changes': (p) => {
      stepOf(p, 'update').request.resources = [
        { type: 'TYPE_ORG', path: ORG, scopes: ['scope-org-admin'] },
      ];
    },
    'a hand-over through /bin/sh -c': (p) => {
      stepOf(p, 'create', 'pusher').secret.shell = true;
    },
    'a step field no plan has': (p) => {
      stepOf(p, 'create', 'reader').extra = 1;
    },
    'a top-level field no plan has': (p) => {
      p.note = 'x';
    },
    "a change count that is not the steps'": (p) => {
      p.changes = 0;
    },
    'a delete that carries a request': (p) => {
      stepOf(p, 'delete').request = { label: 'x' };
    },
    'a "before" that is not the org\'s token': (p) => {
      stepOf(p, 'update').before.label = 'someone-else';
    },
  };
  for (const [what, edit] of Object.entries(edits)) {
    const copy = structuredClone(saved);
    edit(copy);
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(redigest(copy)));
    sb.resetRequests();
    const r = await cli(['apply', '--plan', 'edited.json', '--yes']);
    assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /nothing was changed: plan again/, what);
    assert.deepEqual(writeRequests(sb), [], what);
  }
});

test('the printed plan says a command runs without a shell and where a file goes, resolved; apply writes it there', async () => {
  await savedPlan();
  const r = await cli(['apply', '--plan', 'plan.json', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /secret: +to the command tee pusher\.token \(run without a shell\)/);
  const where = join(dir, 'team', 'reader.token');
  assert.ok(r.stdout.includes(`to the file ${where}\n`), r.stdout);
  assert.ok(readFileSync(where, 'utf8').length > 0);
});
