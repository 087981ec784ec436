// Tokens a rotation retired (LABEL~retired~[active-until-T~]delete-after-T) are the rotation's to
// finish, and prune and apply --prune finish it the same way: in the overlap or the grace they are
// shown and left alone; once the overlap is over an active one is deactivated; once the grace is
// over it is deleted. Never deleted inside the grace. And one SIGINT stops prune after the request
// in flight. Proved by the sandbox's request log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOwnerWorld, ORG, OWNER, PULL_API } from '../fixtures/hub.js';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { CLI, writeRequests } from '../fixtures/cli-run.js';

const PAST = '2000-01-01T00:00Z';
const FUTURE = '2099-01-01T00:00Z';
const RETIRED = {
  overlapEnded: { label: `a~retired~active-until-${PAST}~delete-after-${FUTURE}`, active: true },
  inOverlap: { label: `b~retired~active-until-${FUTURE}~delete-after-${FUTURE}`, active: true },
  inGrace: { label: `c~retired~delete-after-${FUTURE}`, active: false },
  graceEnded: { label: `d~retired~delete-after-${PAST}`, active: false },
};

let world;
let dir;
const ids = {};
before(async () => {
  world = await openOwnerWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-retired-'));
});
after(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The four retired tokens, made afresh (a test may have finished some). */
async function seed() {
  for (const t of (await world.hub.listAccessTokens(ORG, { pageSize: 100 })).results)
    await world.hub.deleteAccessToken(ORG, t.id);
  for (const [k, r] of Object.entries(RETIRED)) {
    const made = await world.hub.createAccessToken(ORG, { label: r.label, resources: [PULL_API] });
    if (!r.active) await world.hub.updateAccessToken(ORG, made.id, { is_active: false });
    ids[k] = made.id;
  }
  world.sb.resetRequests();
}

const cli = (args) => world.cli(args, { cwd: dir });

const writes = () =>
  writeRequests(world.sb)
    .map((r) => `${r.method} ${r.path.split('/').pop()}`)
    .sort();
const expected = () => [`DELETE ${ids.graceEnded}`, `PATCH ${ids.overlapEnded}`].sort();

test('prune: an overlap that ended is deactivated, a grace that ended is deleted, the rest left alone', async () => {
  await seed();
  const dry = await cli(['prune']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^Would deactivate 1 token and delete 1 token from acme:/);
  // Rows are found by id: a table cell may cut a long retired label (in full in --json).
  const row = (id) => dry.stdout.split('\n').find((l) => l.includes(id)) ?? '';
  assert.match(row(ids.overlapEnded), /^overlap /);
  assert.match(row(ids.graceEnded), /^retired .*d~retired~delete-after/);
  assert.doesNotMatch(dry.stdout, /[bc]~retired/);
  assert.deepEqual(writes(), []);
  const r = await cli(['prune', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(writes(), expected());
  assert.match(r.stderr, /Deactivated 1 token and deleted 1 token\./);
  const left = Object.fromEntries(
    (await world.hub.listAccessTokens(ORG, { pageSize: 100 })).results.map((t) => [
      t.id,
      t.is_active,
    ]),
  );
  assert.deepEqual(left, {
    [ids.overlapEnded]: false,
    [ids.inOverlap]: true,
    [ids.inGrace]: false,
  });
});

test('prune --inactive never deletes a deactivated retired token inside its grace', async () => {
  await seed();
  const r = await cli(['prune', '--inactive', '--expired', '--unused', '1d', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(writes(), expected());
});

test('apply --prune: the same steps as prune, shown by plan, and no delete inside the grace', async () => {
  await seed();
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ tokens: {} }));
  const plan = await cli(['plan', '-f', 'tokens.json', '--prune']);
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(
    plan.stdout,
    /^- delete d~retired~delete-after-2000-01-01T00:00Z .*: retired, its grace ended/m,
  );
  assert.match(
    plan.stdout,
    /^~ deactivate a~retired~active-until-2000-01-01T00:00Z.*: retired, its overlap ended/m,
  );
  assert.match(plan.stdout, /^2 retired by a rotation, in their grace\.$/m);
  const r = await cli(['apply', '-f', 'tokens.json', '--prune', '--yes']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(writes(), expected());
  const again = await cli(['plan', '-f', 'tokens.json', '--prune']);
  assert.equal(again.code, 0, again.stdout);
});

test('one SIGINT during prune --yes: the request in flight finishes, no other starts, exit 130', async () => {
  await seed();
  for (const label of ['x1', 'x2', 'x3']) {
    const t = await world.hub.createAccessToken(ORG, { label, resources: [PULL_API] });
    await world.hub.updateAccessToken(ORG, t.id, { is_active: false });
  }
  world.sb.resetRequests();
  // A loopback relay before the sandbox: at the first write it sends the CLI SIGINT and waits
  // until the CLI said it heard it, then lets that request through.
  let child;
  let stderr = '';
  let heard;
  const heardIt = new Promise((resolve) => {
    heard = resolve;
  });
  let signalled = false;
  const forward = async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (req.method !== 'GET' && !req.url.startsWith('/v2/auth/') && !signalled) {
      signalled = true;
      child.kill('SIGINT');
      await heardIt;
    }
    const up = await fetch(new URL(req.url, world.sb.url), {
      method: req.method,
      headers: { ...req.headers, host: new URL(world.sb.url).host },
      body: body.length ? body : undefined,
    });
    res.writeHead(up.status, {
      'content-type': up.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await up.arrayBuffer()));
  };
  const relay = createServer((req, res) => {
    forward(req, res).catch(() => res.destroy()); // the CLI then sees the request fail
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  try {
    child = spawn(process.execPath, [CLI, 'prune', '--yes'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        DOCKERHUB_BASE_URL: `http://127.0.0.1:${relay.address().port}`,
        DOCKERHUB_ORG: ORG,
        DOCKERHUB_IDENTIFIER: OWNER.identifier,
        DOCKERHUB_SECRET: OWNER.secret,
      },
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (/SIGINT: stopping after the step in flight/.test(stderr)) heard();
    });
    child.stdout.resume();
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.equal(
      writeRequests(world.sb).length,
      1,
      'only the request in flight when the signal came',
    );
    assert.match(stderr, /Interrupted: deleted 1 of 5: .*\. Not deleted: /);
  } finally {
    relay.close();
  }
});

test("export leaves retired tokens out of the file, with a one-line note; the file then plans only the rotation's steps", async () => {
  await seed();
  await world.hub.createAccessToken(ORG, { label: 'live', resources: [PULL_API] });
  const r = await cli(['export']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout).tokens), ['live']);
  assert.equal(
    r.stderr,
    "note: 4 tokens retired by a rotation left out: the rotation's to finish (prune or apply deletes them after the grace), not the file's\n",
  );
  writeFileSync(join(dir, 'tokens.json'), r.stdout);
  const plan = await cli(['plan', '-f', 'tokens.json', '--json']);
  assert.equal(plan.code, 2, plan.stderr);
  const steps = JSON.parse(plan.stdout).steps.filter(
    (s) => !['retired', 'unchanged'].includes(s.action),
  );
  assert.deepEqual(
    steps.map((s) => `${s.action} ${s.id}`).sort(),
    [`delete ${ids.graceEnded}`, `update ${ids.overlapEnded}`].sort(),
  );
});
