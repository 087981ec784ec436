// Tokens as code end to end: `dockerhub-oat export | plan | apply` run as users run them (a child
// `node` process) against the sandbox, and hub.planAccessTokens / hub.applyAccessTokens. Every
// output of every run is kept and, at the end, searched for every secret the sandbox issued.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorld } from '../fixtures/hub.js';
import { SCOPES } from '../../bindings/index.node.js';
import { heapInUse } from '../fixtures/heap.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));
const ORG = 'acme';
const PASSWORD = 'sandbox-password';
const OAT = /^dckr_oat_[A-Za-z0-9]{32}$/;
const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Every stdout and stderr of every run, and every secret seen, for the last test. */
const outputs = [];
const secrets = new Set([PASSWORD]);

let world;
let sb;
let hub;
let dir;

/** The one place this suite injects a fault into the sandbox (in process, not over HTTP). */
function injectFault(spec) {
  sb.faults(spec);
}

/** Remembers the secrets the sandbox issued so far: seeded tokens and PATs, and handed-over files. */
function collectSecrets(...files) {
  for (const t of sb.credentials.tokens) if (t.secret) secrets.add(t.secret);
  for (const u of sb.credentials.users) for (const p of u.pats ?? []) secrets.add(p);
  for (const f of files) if (existsSync(f)) secrets.add(readFileSync(f, 'utf8').trim());
}

beforeEach(async () => {
  world = await openWorld();
  sb = world.sb;
  hub = await world.client({ credentials: { identifier: 'acme-owner', secret: PASSWORD } });
  dir = mkdtempSync(join(tmpdir(), 'dh-plan-'));
  collectSecrets();
});

afterEach(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

/** @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
function cli(args, { input, tty = false } = {}) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    DOCKERHUB_BASE_URL: sb.url,
    DOCKERHUB_ORG: ORG,
    DOCKERHUB_IDENTIFIER: 'acme-owner',
    DOCKERHUB_SECRET: PASSWORD,
  };
  const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;
  const [cmd, argv] = tty
    ? ['script', ['-qec', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null']]
    : [process.execPath, [CLI, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: dir,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const file = (name = 'tokens.json') => join(dir, name);
const readManifest = () => JSON.parse(readFileSync(file(), 'utf8'));
const writeManifest = (m) => writeFileSync(file(), `${JSON.stringify(m, null, 2)}\n`);
/** The changing requests the sandbox saw (the logins and reads left out). */
const writes = () =>
  sb.requests
    .filter((r) => r.method !== 'GET' && r.path.includes('/access-tokens'))
    .map((r) => r.method);
const tokensNow = async () => {
  const all = [];
  for await (const t of hub.listAllAccessTokens(ORG)) all.push(t);
  return all;
};

async function exportToFile() {
  const r = await cli(['export']);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(file(), r.stdout);
  return readManifest();
}

/** Can the secret sign in? Proves a hand-over gave the real secret. */
async function signsIn(secret) {
  const res = await fetch(`${sb.url}/v2/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: ORG, secret }),
  });
  await res.arrayBuffer();
  return res.status === 200;
}

describe('export, plan, apply', () => {
  test('export, then plan: no changes (exit 0), and no write request', async () => {
    const m = await exportToFile();
    assert.deepEqual(Object.keys(m.tokens).sort(), ['ci-pull', 'legacy-deploy', 'q1-audit']);
    assert.equal(m.tokens['legacy-deploy'].active, false);
    assert.equal(m.tokens['ci-pull'].resources.public_read, true);
    sb.resetRequests();
    const r = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^No changes/);
    const json = await cli(['plan', '-f', 'tokens.json', '--json']);
    assert.equal(json.code, 0);
    const plan = JSON.parse(json.stdout);
    assert.equal(plan.changes, 0);
    assert.deepEqual(
      plan.steps.map((s) => s.action),
      ['unchanged', 'unchanged', 'unchanged'],
    );
    assert.deepEqual(writes(), []);
  });

  test('edit, plan (exit 2), apply, plan again: no changes; a second apply does nothing', async () => {
    const m = await exportToFile();
    m.tokens['ci-pull'].description = 'CI pulls the api and web images';
    m.tokens['ci-pull'].resources.repositories['acme/web'] = ['image-pull'];
    m.tokens['legacy-deploy'].active = true;
    m.tokens['new-bot'] = {
      description: 'Pushes the worker image',
      expires: '30d',
      resources: { repositories: { 'acme/worker': ['image-pull', 'image-push'] } },
      secret: { out: 'new-bot.token' },
    };
    writeManifest(m);
    const plan = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stdout, /1 to create, 2 to update, 0 to replace, 0 to delete/);
    assert.match(
      plan.stdout,
      /~ update ci-pull .*\n\s+description: "CI pulls the api image" -> "CI pulls the api and web images"/,
    );
    assert.match(plan.stdout, /\+ acme\/web: image-pull/);
    assert.match(plan.stdout, /active:\s+false -> true/);
    assert.match(plan.stdout, /\+ create new-bot {2}\(line \d+\)/);

    sb.resetRequests();
    const apply = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /\[[12]\/3\] update ci-pull .*: done/);
    assert.match(apply.stdout, /\[3\/3\] create new-bot: done, new token /);
    assert.match(apply.stdout, /Applied 3 changes to acme/);
    assert.deepEqual(writes(), ['PATCH', 'PATCH', 'POST']);
    const secret = readFileSync(file('new-bot.token'), 'utf8');
    collectSecrets(file('new-bot.token'));
    assert.match(secret.trim(), OAT);
    assert.equal(statSync(file('new-bot.token')).mode & 0o777, 0o600);
    assert.ok(await signsIn(secret.trim()), 'the handed-over secret signs in');

    const again = await cli(['plan', '-f', 'tokens.json']);
    assert.equal(again.code, 0, again.stdout);
    const quiet = await cli(['apply', '-f', 'tokens.json', '--yes', '--json']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout, '', 'nothing to do: no JSON summary, the plan went to stderr');
    assert.match(quiet.stderr, /^No changes/);
    assert.match(again.stdout, /^No changes/);
    sb.resetRequests();
    const second = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^No changes/);
    assert.deepEqual(writes(), []);
    assert.equal(
      readFileSync(file('new-bot.token'), 'utf8'),
      secret,
      'the secret file is left as it was',
    );
  });

  test('an expiry change gives a replace: a new token, its secret to a command, the old one deleted', async () => {
    const m = await exportToFile();
    const old = (await tokensNow()).find((t) => t.label === 'ci-pull');
    m.tokens['ci-pull'].expires = '1y';
    // exec runs without a shell: this is node itself, copying its stdin into a file.
    m.tokens['ci-pull'].secret = {
      exec: `${process.execPath} -e "require('fs').writeFileSync('ci.token', require('fs').readFileSync(0))"`,
    };
    writeManifest(m);
    const plan = JSON.parse((await cli(['plan', '-f', 'tokens.json', '--json'])).stdout);
    const step = plan.steps.find((s) => s.label === 'ci-pull');
    assert.equal(step.action, 'replace');
    assert.deepEqual(step.changes, ['expiry']);
    assert.equal(step.id, old.id);
    assert.equal(plan.changes, 1);

    sb.resetRequests();
    const apply = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(writes(), ['POST', 'DELETE']);
    collectSecrets(file('ci.token'));
    assert.ok(await signsIn(readFileSync(file('ci.token'), 'utf8').trim()));
    const now = await tokensNow();
    assert.equal(now.filter((t) => t.label === 'ci-pull').length, 1);
    assert.ok(!now.some((t) => t.id === old.id), 'the old token is deleted');
    assert.equal((await cli(['plan', '-f', 'tokens.json'])).code, 0);
  });

  test('--prune deletes only the tokens the file does not list', async () => {
    const m = await exportToFile();
    delete m.tokens['legacy-deploy'];
    delete m.tokens['q1-audit'];
    writeManifest(m);
    const keep = await cli(['plan', '-f', 'tokens.json', '--json']);
    assert.equal(keep.code, 0, 'unlisted tokens without --prune are only listed');
    assert.deepEqual(
      JSON.parse(keep.stdout).steps.map((s) => s.action),
      ['unchanged', 'unmanaged', 'unmanaged'],
    );
    const plan = await cli(['plan', '-f', 'tokens.json', '--prune', '--json']);
    assert.equal(plan.code, 2);
    const steps = JSON.parse(plan.stdout).steps;
    assert.deepEqual(
      steps
        .filter((s) => s.action === 'delete')
        .map((s) => s.label)
        .sort(),
      ['legacy-deploy', 'q1-audit'],
    );
    sb.resetRequests();
    const apply = await cli(['apply', '-f', 'tokens.json', '--prune', '--yes', '--json']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(writes(), ['DELETE', 'DELETE']);
    const summary = JSON.parse(apply.stdout);
    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.done.map((s) => s.action),
      ['delete', 'delete'],
    );
    assert.deepEqual(summary.notDone, []);
    assert.match(apply.stderr, /\[2\/2\] delete .*: done/);
    assert.deepEqual(
      (await tokensNow()).map((t) => t.label),
      ['ci-pull'],
    );
    assert.equal((await cli(['plan', '-f', 'tokens.json', '--prune'])).code, 0);
  });
});

describe('failures', () => {
  test('a lost create answer is not repeated, and the next plan finds the token by its label', async () => {
    const m = await exportToFile();
    m.tokens['lost-bot'] = {
      expires: '30d',
      resources: { org: ['member-read'] },
      secret: { out: 'lost.token' },
    };
    m.tokens['after-bot'] = { expires: '30d', secret: { out: 'after.token' } };
    writeManifest(m);
    injectFault({ method: 'POST', path: '/access-tokens$', lose: true, times: 1 });
    sb.resetRequests();
    const apply = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(apply.code, 1, apply.stdout);
    assert.deepEqual(writes(), ['POST'], 'one create sent, never repeated, and nothing after it');
    assert.match(
      apply.stderr,
      /error: network: .*may have been created.*not sent again.*next plan finds it/s,
    );
    assert.match(
      apply.stderr,
      /Done:\n {2}\(none\)\nFailed:\n {2}\+ create lost-bot.*\nNot done:\n {2}\+ create after-bot/,
    );
    assert.ok(!existsSync(file('lost.token')));
    const plan = JSON.parse((await cli(['plan', '-f', 'tokens.json', '--json'])).stdout);
    assert.equal(plan.steps.find((s) => s.label === 'lost-bot').action, 'unchanged');
    assert.equal(plan.steps.find((s) => s.label === 'after-bot').action, 'create');
  });

  test('the library: maybeCreated stops apply with a summary; every step is reported as it goes', async () => {
    const manifest = {
      tokens: { a: { expires: '7d' }, b: { expires: '7d' }, 'ci-pull': { expires: 'never' } },
    };
    const plan = await hub.planAccessTokens(ORG, manifest);
    outputs.push(plan.text);
    assert.deepEqual(
      plan.steps.map((s) => s.action),
      ['create', 'create', 'replace', 'unmanaged', 'unmanaged'],
    );
    injectFault({ method: 'POST', path: '/access-tokens$', lose: true, times: 1 });
    const events = [];
    const seen = [];
    const result = await hub.applyAccessTokens(ORG, plan, {
      onSecret: ({ token }) => {
        seen.push(token.token);
      },
      onStep: (e) => events.push(`${e.status} ${e.action} ${e.label}`),
    });
    outputs.push(result.error.message, JSON.stringify(result.error), events.join('\n'));
    assert.equal(result.ok, false);
    assert.equal(result.error.maybeCreated, true);
    assert.equal(result.failed.label, 'a');
    assert.deepEqual(result.done, []);
    assert.deepEqual(
      result.notDone.map((s) => s.label),
      ['b', 'ci-pull'],
    );
    assert.deepEqual(events, ['started create a', 'failed create a']);
    assert.deepEqual(seen, []);
    // The same plan again is refused before any change: its label "a" is taken now.
    sb.resetRequests();
    await assert.rejects(hub.applyAccessTokens(ORG, plan, { onSecret() {} }), { code: 'conflict' });
    assert.deepEqual(writes(), []);
    const next = await hub.planAccessTokens(ORG, manifest);
    assert.deepEqual(
      next.steps.map((s) => s.action),
      ['unchanged', 'create', 'replace', 'unmanaged', 'unmanaged'],
    );
    const done = await hub.applyAccessTokens(ORG, next, {
      onSecret: ({ token }) => {
        seen.push(token.token);
      },
    });
    assert.equal(done.ok, true, done.error?.message);
    for (const s of seen) secrets.add(s);
    assert.equal(seen.length, 2);
    assert.equal((await hub.planAccessTokens(ORG, manifest)).changes, 0);
  });

  test('a hand-over that cannot work is refused before any change: an existing out file, a missing command', async () => {
    writeFileSync(file('taken.token'), 'keep me\n');
    writeManifest({
      tokens: {
        fine: { secret: { out: 'fine.token' } },
        taken: { secret: { out: 'taken.token' } },
      },
    });
    sb.resetRequests();
    const apply = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(apply.code, 1);
    assert.match(
      apply.stderr,
      /token "taken" \(line 8\): taken\.token: the file exists; refusing to overwrite it; nothing was changed/,
    );
    writeManifest({ tokens: { x: { secret: { exec: 'no-such-command-here --flag' } } } });
    const missing = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the command "no-such-command-here" is not found/);
    assert.deepEqual(writes(), []);
    assert.equal(readFileSync(file('taken.token'), 'utf8'), 'keep me\n');
  });

  test('a hand-over that fails stops apply, which says what was done and what was not', async () => {
    // The command exists but fails: the token is made, its secret not taken; nothing after it runs.
    writeManifest({
      tokens: {
        first: { secret: { exec: `${process.execPath} -e process.exit(3)` } },
        later: { secret: { out: 'later.token' } },
      },
    });
    const apply = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(apply.code, 1);
    assert.match(
      apply.stderr,
      /error: handover_failed: the new token \S+ \("first"\) could not be handed over: .* exited with status 3; it was deleted again\n/,
    );
    assert.deepEqual(
      (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
        (t) => t.label === 'first',
      ),
      [],
      'no stray new token',
    );
    assert.match(
      apply.stderr,
      /Done:\n {2}\(none\)\nFailed:\n {2}\+ create first.*\nNot done:\n {2}\+ create later/,
    );
    assert.ok(!existsSync(file('later.token')));
  });

  test('apply refuses without a terminal unless --yes, and refuses a secret with nowhere to go', async () => {
    writeManifest({ tokens: { x: { secret: { out: 'x.token' } } } });
    sb.resetRequests();
    const r = await cli(['apply', '-f', 'tokens.json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refusing to apply without --yes: stdin is not a terminal/);
    writeManifest({ tokens: { x: {} } });
    const nowhere = await cli(['apply', '-f', 'tokens.json', '--yes']);
    assert.equal(nowhere.code, 1);
    assert.match(
      nowhere.stderr,
      /line 3: token "x" would be created, but the file does not say where its secret goes/,
    );
    assert.deepEqual(writes(), []);
  });

  test(
    'apply asks on a terminal, and "n" changes nothing',
    { skip: !HAS_SCRIPT && 'script(1) is missing' },
    async () => {
      writeManifest({ tokens: { x: { secret: { out: 'x.token' } } } });
      sb.resetRequests();
      const r = await cli(['apply', '-f', 'tokens.json'], { tty: true, input: 'n\n' });
      assert.match(r.stdout, /Apply 1 change to acme\? \[y\/N\]/);
      assert.match(r.stdout, /Not applied/);
      assert.deepEqual(writes(), []);
    },
  );

  test('duplicate labels are refused, naming the line, before any request', async () => {
    writeFileSync(
      file(),
      '{\n  "tokens": {\n    "ci": {},\n    "web": {},\n    "ci": { "expires": "1y" }\n  }\n}\n',
    );
    sb.resetRequests();
    for (const args of [
      ['plan', '-f', 'tokens.json'],
      ['apply', '-f', 'tokens.json', '--yes'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'error: tokens.json: line 5: the label "ci" appears twice\n');
    }
    assert.deepEqual(sb.requests, []);
    // Two tokens of the org with one listed label: the plan refuses to guess.
    await hub.createAccessToken(ORG, { label: 'ci-pull' });
    await assert.rejects(hub.planAccessTokens(ORG, { tokens: { 'ci-pull': {} } }), {
      code: 'invalid_argument',
      message: /two tokens labelled "ci-pull"/,
    });
  });

  test('a broken manifest gets an error naming its line', async () => {
    const cases = [
      [
        '{\n  "tokens": {\n    "ci": {\n      "expires": "90d",\n    }\n  }\n}\n',
        /^error: tokens\.json: line 5: not valid JSON here\n$/,
      ],
      [
        '{\n  "tokens": {\n    "ci": {\n      "expires": "soon"\n    }\n  }\n}\n',
        /^error: tokens\.json: line 4: expires must be /,
      ],
      [
        '{\n  "tokens": {\n    "ci": {\n      "resources": { "org": ["member-reed"] }\n    }\n  }\n}\n',
        /^error: tokens\.json: line 4: org: unknown scope "member-reed"/,
      ],
      [
        '{\n  "tokens": {\n    "ci": {\n      "labels": "x"\n    }\n  }\n}\n',
        /^error: tokens\.json: line 4: unknown key "labels"/,
      ],
      // Known only with the org: still before any change, still with the line.
      [
        '{\n  "tokens": {\n    "ci": {\n      "resources": { "repositories": {\n        "globex/app": ["image-pull"] } }\n    }\n  }\n}\n',
        /^error: tokens\.json: line 5: token "ci": repository "globex\/app" is not in acme/,
      ],
      [
        '{\n  "tokens": {\n    "ci": { "expires": "2020-01-31" }\n  }\n}\n',
        /^error: tokens\.json: line 3: token "ci": expires 2020-01-31 is in the past/,
      ],
    ];
    for (const [text, expected] of cases) {
      writeFileSync(file(), text);
      const r = await cli(['plan', '-f', 'tokens.json']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, expected);
    }
    await assert.rejects(
      hub.planAccessTokens(ORG, '{\n"tokens": {\n"a": 1}}'),
      (err) => err.code === 'invalid_argument' && err.line === 3,
    );
  });
});

describe('arguments', () => {
  test('a wrong plan, option or missing onSecret is refused before any request', async () => {
    const plan = await hub.planAccessTokens(ORG, { tokens: { x: {} } });
    sb.resetRequests();
    const refused = [
      hub.applyAccessTokens(ORG, plan), // it creates: onSecret is needed
      hub.applyAccessTokens('globex', plan, { onSecret() {} }), // another org's plan
      hub.applyAccessTokens(ORG, { steps: 'x' }, { onSecret() {} }),
      hub.applyAccessTokens(ORG, { ...plan, steps: [{ action: 'delete', label: 'x' }] }),
      hub.applyAccessTokens(ORG, plan, { onSecret() {}, retry: true }),
      hub.planAccessTokens(ORG, 42),
      hub.planAccessTokens(ORG, { tokens: {} }, { prune: 'yes' }),
      hub.planAccessTokens('', { tokens: {} }),
      hub.planAccessTokens(ORG, '{"tokens": {"a\u0000": {}}}'),
    ];
    for (const p of refused) await assert.rejects(p, { code: 'invalid_argument' });
    assert.deepEqual(sb.requests, []);
  });
});

describe('reporting', () => {
  test('an onStep that throws changes nothing: every step is still done and counted done', async () => {
    const plan = await hub.planAccessTokens(ORG, {
      tokens: { a: {}, 'ci-pull': { description: 'x' } },
    });
    const result = await hub.applyAccessTokens(ORG, plan, {
      onSecret() {},
      onStep() {
        throw new Error('reporter broke');
      },
    });
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.done.map((s) => s.action),
      ['create', 'replace'],
    );
    assert.equal(
      (await hub.planAccessTokens(ORG, { tokens: { a: {}, 'ci-pull': { description: 'x' } } }))
        .changes,
      0,
    );
  });
});

describe('the README', () => {
  test('its manifest plans against the sandbox', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Tokens as code'));
    const text = /```json\n([\s\S]*?)```/.exec(section)[1];
    const plan = await hub.planAccessTokens(ORG, text);
    outputs.push(plan.text);
    const by = Object.fromEntries(plan.steps.map((s) => [s.label, s]));
    assert.equal(by['ci-pull'].action, 'unchanged');
    assert.equal(by['release-push'].action, 'create');
    assert.equal(by['release-push'].request.expires_at, '2027-06-30T00:00:00Z');
    assert.deepEqual(by['release-push'].secret, { out: 'release-push.token' });
    assert.equal(by['legacy-deploy'].action, 'update');
    assert.equal(by['q1-audit'].action, 'unmanaged');
  });

  test('a token deleted between the list and its read is left out, not an error', async () => {
    const gone = (await tokensNow()).find((t) => t.label === 'q1-audit');
    injectFault({
      method: 'GET',
      path: `/access-tokens/${gone.id}$`,
      status: 404,
      body: { message: 'Access token not found.', errinfo: {} },
    });
    const plan = await hub.planAccessTokens(ORG, { tokens: {} });
    assert.deepEqual(plan.steps.map((s) => s.label).sort(), ['ci-pull', 'legacy-deploy']);
    injectFault({
      method: 'GET',
      path: `/access-tokens/${gone.id}$`,
      status: 403,
      body: { message: 'not found? no: forbidden', errinfo: {} },
    });
    await assert.rejects(hub.planAccessTokens(ORG, { tokens: {} }), { code: 'forbidden' });
  });
});

describe('memory', () => {
  test('plans, sound and refused, give back every byte of the WASM heap', async () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    const manifest = /```json\n([\s\S]*?)```/.exec(
      text.slice(text.indexOf('## Tokens as code')),
    )[1];
    await hub.planAccessTokens(ORG, manifest); // warm up: the allocator's first blocks
    const before = heapInUse(hub);
    for (let i = 0; i < 20; i++) {
      await hub.planAccessTokens(ORG, manifest, { prune: i % 2 === 0 });
      await assert.rejects(hub.planAccessTokens(ORG, `${manifest.slice(0, 200)}\n,`), {
        code: 'invalid_argument',
      });
      await assert.rejects(hub.planAccessTokens(ORG, { tokens: { x: { id: 'no-such-id' } } }), {
        code: 'invalid_argument',
      });
    }
    assert.equal(heapInUse(hub), before);
  });
});

describe('the JSON Schema', () => {
  test('ships with the package and names the scopes the core takes, with and without "scope-"', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.exports['./tokens.schema.json'], './schema/tokens.schema.json');
    const schema = JSON.parse(readFileSync(join(root, 'schema/tokens.schema.json'), 'utf8'));
    const both = (list) => [...list, ...list.map((s) => s.replace(/^scope-/, ''))].sort();
    const res = schema.$defs.resources.properties;
    assert.deepEqual(
      res.repositories.additionalProperties.items.enum,
      both(Object.values(SCOPES.TYPE_REPO).flat()),
    );
    assert.deepEqual(res.org.items.enum, both(SCOPES.TYPE_ORG));
    assert.deepEqual(Object.keys(schema.$defs.token.properties).sort(), [
      'active',
      'description',
      'expires',
      'id',
      'resources',
      'rotate_every',
      'secret',
    ]);
  });

  test('the core takes every scope the schema names', async () => {
    const schema = JSON.parse(readFileSync(join(root, 'schema/tokens.schema.json'), 'utf8'));
    const res = schema.$defs.resources.properties;
    const manifest = {
      tokens: {
        repo: {
          resources: {
            repositories: {
              'acme/api': res.repositories.additionalProperties.items.enum.filter((s) =>
                s.startsWith('scope-'),
              ),
            },
          },
        },
        org: { resources: { org: res.org.items.enum.filter((s) => !s.startsWith('scope-')) } },
      },
    };
    const plan = await hub.planAccessTokens(ORG, manifest);
    assert.deepEqual(
      plan.steps.slice(0, 2).map((s) => s.action),
      ['create', 'create'],
    );
  });
});

describe('no secret in any output', () => {
  // Runs after the suites above (node:test runs describe blocks in order).
  test('no output of plan, apply or export holds a secret the sandbox issued, or 8 characters of one', () => {
    assert.ok(outputs.length >= 40, `outputs kept: ${outputs.length}`);
    assert.ok(secrets.size >= 6, `secrets kept: ${secrets.size}`);
    for (const secret of secrets) {
      const prefix = /^dckr_(oat|pat)_/.test(secret) ? 9 : 0; // the same for every token: not secret
      for (let i = 0; i + 8 <= secret.length; i++) {
        if (i + 8 <= prefix) continue;
        const run = secret.slice(i, i + 8);
        for (const out of outputs)
          assert.ok(!out.includes(run), `an output holds "${run.slice(0, 2)}..." of a secret`);
      }
    }
  });
});
