// Tokens as code in CI: one exit status per outcome (0 done, 1 any failure, 2 plan has changes),
// and saved plans: `plan --save` then `apply --plan` does exactly the reviewed steps, deletes
// included; an edited file, a moved org and a second apply are refused with no write request
// (proved by the sandbox's request log). Rotation keeps the file true: the plan made before a
// rotate says "No changes" after it; a retired token waits out its grace, then any apply deletes it.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorld, OWNER } from '../fixtures/hub.js';
import { runCli, writeRequests } from '../fixtures/cli-run.js';

const ORG = 'acme';
let world;
let sb;
let hub;
let dir;

beforeEach(async () => {
  world = await openWorld();
  sb = world.sb;
  hub = await world.client({ credentials: OWNER });
  dir = mkdtempSync(join(tmpdir(), 'dh-saved-'));
});
afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (more = {}) => ({
  DOCKERHUB_BASE_URL: sb.url,
  DOCKERHUB_ORG: ORG,
  DOCKERHUB_IDENTIFIER: OWNER.identifier,
  DOCKERHUB_SECRET: OWNER.secret,
  ...more,
});
const cli = (args, more) => runCli(args, { env: env(more), cwd: dir });
const file = (name = 'tokens.json') => join(dir, name);

async function exported() {
  const r = await cli(['export']);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(file(), r.stdout);
  return JSON.parse(r.stdout);
}

describe('exit status of plan', () => {
  test('0 no changes, 2 changes, and 1 for every failure: no secret, a mistyped file, no org, a raw NUL', async () => {
    const m = await exported();
    assert.equal((await cli(['plan', '-f', 'tokens.json'])).code, 0);
    m.tokens['ci-new'] = { secret: { out: 'new.token' } };
    writeFileSync(file(), JSON.stringify(m));
    assert.equal((await cli(['plan', '-f', 'tokens.json'])).code, 2);
    sb.resetRequests();
    const failures = {
      'no secret': await cli(['plan', '-f', 'tokens.json'], { DOCKERHUB_SECRET: null }),
      'a mistyped file': await cli(['plan', '-f', 'tokens.jsn']),
      'no org': await cli(['plan', '-f', 'tokens.json'], { DOCKERHUB_ORG: null }),
    };
    writeFileSync(file('nul.json'), '{"tokens": {"a\u0000": {}}}');
    failures['a raw NUL'] = await cli(['plan', '-f', 'nul.json']);
    failures['no -f'] = await cli(['plan']);
    for (const [what, r] of Object.entries(failures)) {
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '', what);
    }
    assert.match(failures['no secret'].stderr, /no secret for acme-owner/);
    assert.match(failures['a mistyped file'].stderr, /cannot read tokens\.jsn: ENOENT/);
    assert.match(failures['no org'].stderr, /no organization/);
    assert.match(failures['a raw NUL'].stderr, /NUL/);
    assert.deepEqual(writeRequests(sb), []);
  });
});

describe('saved plans', () => {
  async function savedPlanWithDelete() {
    const m = await exported();
    delete m.tokens['q1-audit'];
    m.tokens['ci-pull'].description = 'reviewed';
    writeFileSync(file(), JSON.stringify(m, null, 2));
    const r = await cli(['plan', '-f', 'tokens.json', '--prune', '--save', 'plan.json']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Saved the plan to plan\.json/);
    return JSON.parse(readFileSync(file('plan.json'), 'utf8'));
  }

  test('apply --plan does exactly the saved steps, deletes included, then a plan says no changes', async () => {
    const saved = await savedPlanWithDelete();
    const changing = saved.steps.filter((s) =>
      ['create', 'update', 'replace', 'delete'].includes(s.action),
    );
    assert.deepEqual(changing.map((s) => `${s.action} ${s.label}`).sort(), [
      'delete q1-audit',
      'update ci-pull',
    ]);
    sb.resetRequests();
    const r = await cli(['apply', '--plan', 'plan.json', '--yes']);
    assert.equal(r.code, 0, r.stderr);
    const ids = Object.fromEntries(changing.map((s) => [s.id, s.action]));
    assert.deepEqual(
      writeRequests(sb)
        .map((q) => `${q.method} ${ids[q.path.split('/').at(-1)]}`)
        .sort(),
      ['DELETE delete', 'PATCH update'],
    );
    assert.equal((await cli(['plan', '-f', 'tokens.json', '--prune'])).code, 0);
  });

  test('the same plan applied twice: refused, exit 1, no write request', async () => {
    await savedPlanWithDelete();
    assert.equal((await cli(['apply', '--plan', 'plan.json', '--yes'])).code, 0);
    sb.resetRequests();
    const again = await cli(['apply', '--plan', 'plan.json', '--yes']);
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /error: conflict: the organization's tokens changed since this plan was made .*nothing was changed: plan again/,
    );
    assert.deepEqual(writeRequests(sb), []);
  });

  test('the org moved (a token changed, appeared or went): refused, exit 1, nothing changed', async () => {
    for (const move of [
      async () =>
        hub.updateAccessToken(ORG, sb.credentials.tokens.find((t) => t.label === 'ci-pull').id, {
          description: 'by hand',
        }),
      async () => hub.createAccessToken(ORG, { label: 'appeared' }),
      async () =>
        hub.deleteAccessToken(
          ORG,
          sb.credentials.tokens.find((t) => t.label === 'legacy-deploy').id,
        ),
    ]) {
      await world.close();
      world = await openWorld();
      sb = world.sb;
      hub = await world.client({ credentials: OWNER });
      await savedPlanWithDelete();
      await move();
      sb.resetRequests();
      const r = await cli(['apply', '--plan', 'plan.json', '--yes']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /changed since this plan was made/);
      assert.deepEqual(writeRequests(sb), []);
    }
  });

  test('an edited plan file is refused before any request that writes', async () => {
    const saved = await savedPlanWithDelete();
    for (const edit of [
      (p) => {
        p.steps = p.steps.filter((s) => s.action !== 'update');
      },
      (p) => {
        p.steps.find((s) => s.action === 'update').request.description = 'sneaky';
      },
      (p) => {
        p.stateDigest = `sha256:${'0'.repeat(64)}`;
      },
    ]) {
      const copy = structuredClone(saved);
      edit(copy);
      writeFileSync(file('edited.json'), JSON.stringify(copy));
      sb.resetRequests();
      const r = await cli(['apply', '--plan', 'edited.json', '--yes']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /edited\.json was edited after it was saved/);
      assert.deepEqual(sb.requests, []);
    }
    assert.equal(
      (await cli(['apply', '--plan', 'plan.json', '-f', 'tokens.json', '--yes'])).code,
      1,
    );
  });
});

describe('rotation keeps the file true', () => {
  test('the plan made before a rotate says "No changes" after it, and the retired token waits out its grace', async () => {
    const m = await exported();
    m.tokens['ci-90'] = {
      expires: '90d',
      resources: { repositories: { 'acme/api': ['image-pull'] } },
      secret: { out: 'ci-90.token' },
    };
    writeFileSync(file(), JSON.stringify(m, null, 2));
    assert.equal((await cli(['apply', '-f', 'tokens.json', '--yes'])).code, 0);
    assert.equal((await cli(['plan', '-f', 'tokens.json'])).code, 0);
    const r = await cli(['rotate', 'ci-90', '--out', 'rotated.token']);
    assert.equal(r.code, 0, r.stderr);
    const after = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(after.code, 0, after.stdout);
    assert.match(after.stdout, /^No changes: /);
    assert.match(after.stdout, /1 retired by a rotation, in their grace\./);
    const holders = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
      (t) => t.label === 'ci-90',
    );
    assert.equal(holders.length, 1);
    // A week and a minute later, any apply deletes it (the plan says so first).
    const later = new Date(Date.now() + 7 * 86400e3 + 120e3).toISOString();
    const plan = await hub.planAccessTokens(ORG, readFileSync(file(), 'utf8'), {
      now: Date.parse(later),
    });
    const step = plan.steps.find((s) => s.retired);
    assert.equal(step.action, 'delete');
    assert.match(plan.text, /- delete ci-90~retired~delete-after-.* retired, its grace ended/);
  });
});

describe('rotate_every', () => {
  test("plan says when each token is next due; once due, apply rotates it in verified phases through the entry's hand-over", async () => {
    let clock = Date.now(); // the sandbox's clock and the library's: moved, never slept
    await world.close();
    world = await openWorld({ now: () => clock });
    sb = world.sb;
    hub = await world.client({ credentials: OWNER });
    const m = {
      tokens: {
        'ci-sched': {
          expires: '90d',
          rotate_every: '60d',
          resources: { repositories: { 'acme/api': ['image-pull'] } },
          secret: { out: 'sched-1.token' },
        },
      },
    };
    writeFileSync(file(), JSON.stringify(m, null, 2));
    assert.equal((await cli(['apply', '-f', 'tokens.json', '--yes'])).code, 0);
    const first = readFileSync(file('sched-1.token'), 'utf8');
    const now = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(now.code, 0, now.stdout);
    assert.match(
      now.stdout,
      /Rotation schedule:\n {2}ci-sched: rotate_every 60d, next due \d{4}-\d\d-\d\d \d\d:\d\dZ/,
    );
    const audit = await cli(['audit', '-f', 'tokens.json']);
    assert.equal(audit.code, 0, audit.stderr);
    const due = /next due (\S+ \S+)/.exec(now.stdout)[1];
    assert.match(
      audit.stdout,
      new RegExp(
        `Rotation schedule \\(rotate_every, from each token's creation\\):\\n {2}ci-sched \\([0-9a-f-]{36}\\): every 60d, next due ${due}\\n`,
      ),
    );
    const auditJson = JSON.parse((await cli(['audit', '-f', 'tokens.json', '--json'])).stdout);
    assert.deepEqual(
      auditJson.rotations.map((r) => [r.label, r.rotateEvery, r.isDue]),
      [['ci-sched', '60d', false]],
    );
    // 61 days later, the plan proposes the rotation and apply does it.
    clock += 61 * 86400e3;
    const later = clock;
    m.tokens['ci-sched'].secret = { out: 'sched-2.token' };
    const text = JSON.stringify(m, null, 2);
    const plan = await hub.planAccessTokens(ORG, text, { now: later });
    const step = plan.steps.find((s) => s.label === 'ci-sched');
    assert.equal(step.action, 'rotate');
    assert.match(plan.text, /~> rotate ci-sched .*rotate_every 60d, due since/);
    const oldId = step.id;
    sb.resetRequests();
    const secrets = [];
    const result = await hub.applyAccessTokens(ORG, plan, {
      now: later,
      onSecret: ({ token }) => {
        secrets.push(token);
      },
    });
    assert.equal(result.ok, true, result.error?.message);
    const newId = secrets[0].id;
    const log = sb.requests.map((r) =>
      r.signedIn ? `sign-in ${r.signedIn.tokenId}` : `${r.method} ${r.path.split('/').at(-1)}`,
    );
    const signIn = log.indexOf(`sign-in ${newId}`);
    const retire = log.indexOf(`PATCH ${oldId}`);
    assert.ok(
      signIn > 0 && retire > signIn,
      `sign-in with the new token before the retire: ${log.join(', ')}`,
    );
    const old = await hub.getAccessToken(ORG, oldId);
    assert.equal(old.is_active, false);
    assert.match(old.label, /^ci-sched~retired~delete-after-/);
    assert.notEqual(secrets[0].token, first);
    const after = await hub.planAccessTokens(ORG, text, { now: later });
    assert.equal(after.changes, 0, after.text);
    assert.match(after.text, /1 retired by a rotation, in their grace/);
  });

  test('the manifest refuses a rotate_every that is not Nd, Nw or Ny, with its line', async () => {
    writeFileSync(file(), '{\n  "tokens": {\n    "x": { "rotate_every": "2027-01-01" }\n  }\n}\n');
    const r = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 3: rotate_every must be "60d", "12w" or "1y", not "2027-01-01"/);
  });
});
