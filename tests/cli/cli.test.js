// bindings/cli.js, run as users run it (a child `node` process with env vars), against the sandbox:
// every command, --json, --help, exit codes (0 done, 1 API error, 2 usage), and where secrets go.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openWorld } from '../fixtures/hub.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../bindings/cli.js', import.meta.url));
const ORG = 'acme';
const PASSWORD = 'sandbox-password';
const OAT = /dckr_oat_[A-Za-z0-9]{32}/;
const DAY = 86400e3;
const COMMANDS = ['list', 'get', 'create', 'update', 'activate', 'deactivate', 'delete', 'rotate'];
const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

let world;
let sb;
/** Every stderr of every run, to prove no secret ever lands there. */
const allStderr = [];
/** Every secret seen (created tokens, the password, JWTs), for the same check. */
const secrets = new Set([PASSWORD]);

/**
 * Runs the CLI. env replaces the DOCKERHUB_* defaults (null removes one).
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function cli(args, { env = {}, input, tty = false } = {}) {
  const base = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    DOCKERHUB_BASE_URL: sb.url,
    DOCKERHUB_ORG: ORG,
    DOCKERHUB_IDENTIFIER: 'acme-owner',
    DOCKERHUB_SECRET: PASSWORD,
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;
  // script(1) gives the child a terminal: stdin.isTTY is true, as for a person at a shell.
  const [cmd, argv] = tty
    ? ['script', ['-qec', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null']]
    : [process.execPath, [CLI, ...args]];
  return new Promise((resolve, reject) => {
    // A hang fails the test (exit code null) rather than holding the run.
    const child = spawn(cmd, argv, {
      cwd: root,
      env: base,
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
      allStderr.push(stderr);
      for (const m of stdout.matchAll(new RegExp(OAT, 'g'))) secrets.add(m[0]);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const json = (r) => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

function assertUsage(r, pattern) {
  assert.equal(r.code, 1, `expected exit 1 (wrong usage), got ${r.code}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /--help' for usage/);
}

function assertApiError(r, code, pattern) {
  assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error: ${code}: `, 'm'));
  if (pattern) assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, OAT);
  assert.ok(!r.stderr.includes(PASSWORD));
}

async function seededId(label) {
  return sb.credentials.tokens.find((t) => t.org === ORG && t.label === label).id;
}

async function createToken(label, extra = []) {
  const r = await cli(['create', '--label', label, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const id = /\(([0-9a-f-]{36})\)/.exec(r.stderr)[1];
  return { id, secret: r.stdout.trim(), r };
}

before(async () => {
  // Business: up to 100 tokens, so the many creates below never meet the Team limit of 10.
  world = await openWorld({ rateLimit: 100000, seed: { orgs: [{ name: ORG, plan: 'business' }] } });
  sb = world.sb;
});

after(async () => {
  await world.close();
});

describe('help and usage', () => {
  test('--help names every command; no command at all is a usage error', async () => {
    const r = await cli(['--help'], {
      env: { DOCKERHUB_IDENTIFIER: null, DOCKERHUB_SECRET: null },
    });
    assert.equal(r.code, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
    assert.match(
      r.stdout,
      /Exit status \(every command\):\n  0    done\n  1    any failure, wrong usage included\n  2    plan only: there are changes\n  3    audit --fail-on found .*\n  130  interrupted/,
    );
    const none = await cli([]);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^Usage: dockerhub-oat <command>/);
  });

  const OPTIONS = {
    list: ['--all', '--page', '--page-size'],
    get: [],
    create: ['--label', '--description', '--repo', '--org-scope', '--public-read', '--expires'],
    update: ['--label', '--description', '--repo', '--org-scope', '--public-read'],
    activate: [],
    deactivate: [],
    delete: ['--yes'],
    rotate: ['--retire'],
  };
  for (const c of COMMANDS) {
    test(`${c} --help (and help ${c}) print its usage and exit 0 without credentials`, async () => {
      for (const args of [
        [c, '--help'],
        [c, '-h'],
        ['help', c],
      ]) {
        const r = await cli(args, {
          env: { DOCKERHUB_IDENTIFIER: null, DOCKERHUB_SECRET: null, DOCKERHUB_ORG: null },
        });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^Usage: dockerhub-oat ${c}\\b`));
        for (const o of [
          ...OPTIONS[c],
          '--org',
          '--base-url',
          '--identifier',
          '--secret-stdin',
          '--json',
        ]) {
          assert.ok(r.stdout.includes(o), `${c} --help lacks ${o}`);
        }
      }
    });
  }

  test('an unknown command, an unknown option, an option of another command: exit 1', async () => {
    assertUsage(await cli(['lsit']), /unknown command 'lsit'/);
    assertUsage(await cli(['list', '--colour']), /Unknown option '--colour'/);
    assertUsage(await cli(['create', '--label', 'x', '--yes']), /create has no option '--yes'/);
    assertUsage(await cli(['help', 'nope']), /unknown command 'nope'/);
  });

  test('no organization, no credentials, an incomplete identity: exit 1 before any request', async () => {
    sb.resetRequests();
    assertUsage(await cli(['list'], { env: { DOCKERHUB_ORG: null } }), /no organization/);
    assertUsage(
      await cli(['list'], { env: { DOCKERHUB_IDENTIFIER: null, DOCKERHUB_SECRET: null } }),
      /no credentials/,
    );
    assertUsage(
      await cli(['list'], { env: { DOCKERHUB_SECRET: null } }),
      /no secret for acme-owner/,
    );
    assertUsage(
      await cli(['list', '--secret-stdin'], {
        env: { DOCKERHUB_IDENTIFIER: null },
        input: PASSWORD,
      }),
      /needs an identifier/,
    );
    assert.deepEqual(sb.requests, []);
  });

  test('--secret on the command line is refused without the acknowledgement, and not echoed', async () => {
    const r = await cli(['list', '--secret', 'hunter2-very-secret'], {
      env: { DOCKERHUB_SECRET: null },
    });
    assertUsage(r, /refusing --secret/);
    assert.ok(!r.stderr.includes('hunter2-very-secret'));
  });
});

describe('credentials', () => {
  test('--secret-stdin reads the secret from stdin', async () => {
    const r = await cli(['list', '--json', '--secret-stdin'], {
      env: { DOCKERHUB_SECRET: null },
      input: `${PASSWORD}\n`,
    });
    assert.equal(json(r).total >= 3, true);
  });

  test('--identifier with --secret and the acknowledgement works', async () => {
    const r = await cli(
      [
        'list',
        '--json',
        '--identifier',
        'acme-owner',
        '--secret',
        PASSWORD,
        '--i-know-this-leaks-to-shell-history',
      ],
      {
        env: { DOCKERHUB_IDENTIFIER: null, DOCKERHUB_SECRET: null },
      },
    );
    assert.ok(json(r).total >= 3);
  });

  test('a JWT in DOCKERHUB_TOKEN', async () => {
    const jwt = sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
    secrets.add(jwt);
    const r = await cli(['list', '--json'], {
      env: { DOCKERHUB_IDENTIFIER: null, DOCKERHUB_SECRET: null, DOCKERHUB_TOKEN: jwt },
    });
    assert.ok(json(r).total >= 3);
  });

  test('flags beat the environment (--org, --base-url)', async () => {
    const r = await cli(['list', '--json', '--org', ORG, '--base-url', sb.url], {
      env: { DOCKERHUB_ORG: 'globex', DOCKERHUB_BASE_URL: 'http://127.0.0.1:9' },
    });
    assert.ok(json(r).results.some((t) => t.label === 'ci-pull'));
  });

  test('a wrong password: exit 1, unauthorized, the password nowhere', async () => {
    const r = await cli(['list'], { env: { DOCKERHUB_SECRET: 'wrong-password-123' } });
    assertApiError(r, 'unauthorized');
    assert.ok(!r.stderr.includes('wrong-password-123'));
    assert.equal(r.stdout, '');
  });

  test(
    'a hidden prompt on a terminal when no secret is given',
    { skip: !HAS_SCRIPT && 'script(1) is not installed' },
    async () => {
      const r = await cli(['list'], {
        env: { DOCKERHUB_SECRET: null },
        tty: true,
        input: `${PASSWORD}\r`,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /Secret for acme-owner: /);
      assert.match(r.stdout, /ci-pull/);
    },
  );
});

describe('list', () => {
  test('a table for people, the count on stderr', async () => {
    const r = await cli(['list']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^STATUS\s+ID\s+LABEL\s+CREATED\s+EXPIRES\s+LAST USED$/);
    const row = (label) => lines.find((l) => l.includes(` ${label} `));
    assert.match(row('ci-pull'), /^active /);
    assert.match(row('legacy-deploy'), /^inactive .* never /);
    assert.match(row('q1-audit'), /^expired /);
    assert.match(r.stderr, /\d+ tokens in acme; page 1 of \d+/);
  });

  test('--json is the page as the API gives it, with wire names', async () => {
    const page = json(await cli(['list', '--json', '--page-size', '2']));
    assert.deepEqual(Object.keys(page).sort(), ['next', 'previous', 'results', 'total']);
    assert.equal(page.results.length, 2);
    assert.ok(page.total >= 3);
    assert.ok(page.next);
    assert.ok(
      ['id', 'label', 'is_active', 'created_at', 'expires_at', 'last_used_at'].every(
        (k) => k in page.results[0],
      ),
    );
  });

  test('--page walks pages; --all gathers them all, in the same shape as one page', async () => {
    const all = json(await cli(['list', '--all', '--json', '--page-size', '1']));
    const first = json(await cli(['list', '--json']));
    assert.deepEqual(Object.keys(all).sort(), Object.keys(first).sort());
    assert.equal(all.total, first.total);
    assert.equal(all.results.length, first.total);
    assert.deepEqual([all.next, all.previous], [null, null]);
    const second = json(await cli(['list', '--json', '--page', '2', '--page-size', '1']));
    assert.equal(second.results[0].id, all.results[1].id);
    assert.equal(new Set(all.results.map((t) => t.id)).size, all.results.length);
  });

  test('--json: an API error is one JSON document on stderr, nothing on stdout', async () => {
    const r = await cli(['get', '00000000-0000-4000-8000-000000000000', '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const { error } = JSON.parse(r.stderr);
    assert.equal(error.code, 'not_found');
    assert.equal(error.status, 404);
    assert.equal(typeof error.message, 'string');
    assert.equal(error.headers, undefined);
  });

  test('--json: a usage error is JSON on stderr too, exit 1', async () => {
    for (const args of [
      ['list', '--page', '0', '--json'],
      ['list', '--json', '--no-such-option'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      const { error } = JSON.parse(r.stderr);
      assert.equal(error.code, 'usage');
      assert.match(error.message, /--page|no-such-option/);
    }
  });

  test('bad paging: exit 1', async () => {
    assertUsage(await cli(['list', '--page', '0']), /--page needs a whole number/);
    assertUsage(
      await cli(['list', '--page-size', '101']),
      /--page-size needs a whole number from 1 to 100/,
    );
    assertUsage(await cli(['list', '--page', 'two']), /--page/);
    assertUsage(await cli(['list', '--all', '--page', '2']), /--all or --page/);
    assertUsage(await cli(['list', 'extra']), /list takes no arguments/);
  });

  test('a server error: exit 1, the message on stderr, nothing on stdout', async () => {
    sb.faults({
      method: 'GET',
      path: '/access-tokens$',
      status: 500,
      body: { message: 'the database is on fire' },
      times: 10,
    });
    try {
      const r = await cli(['list']);
      assertApiError(r, 'server_error', /the database is on fire/);
      assert.equal(r.stdout, '');
    } finally {
      sb.clearFaults();
    }
  });
});

describe('get', () => {
  test('a table with the resources; --json with wire names', async () => {
    const id = await seededId('ci-pull');
    const r = await cli(['get', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^id\\s+${id}$`, 'm'));
    assert.match(r.stdout, /^label\s+ci-pull$/m);
    assert.match(r.stdout, /^status\s+active$/m);
    assert.match(r.stdout, /^created\s+\d{4}-\d\d-\d\d \d\d:\d\dZ by acme-owner$/m);
    assert.match(r.stdout, /^resources\s+TYPE_REPO\s+acme\/api\s+scope-image-pull/m);
    const t = json(await cli(['get', id, '--json']));
    assert.equal(t.id, id);
    assert.equal(t.created_by, 'acme-owner');
    assert.ok(Array.isArray(t.resources));
    assert.ok(!('token' in t));
  });

  test('no ID or two: exit 1; an unknown ID: exit 1 not_found', async () => {
    assertUsage(await cli(['get']), /get needs the token's ID/);
    assertUsage(await cli(['get', 'a', 'b']), /takes one ID/);
    const r = await cli(['get', '00000000-0000-4000-8000-000000000000']);
    assertApiError(r, 'not_found');
    assert.equal(r.stdout, '');
  });
});

describe('create', () => {
  test('prints the secret and nothing else on stdout; the rest on stderr', async () => {
    const { id, secret, r } = await createToken('cli-create', [
      '--description',
      'made by the CLI test',
      '--repo',
      'acme/api=image-pull,image-push',
      '--repo',
      'acme/*=scope-image-pull',
      '--org-scope',
      'member-read',
      '--org-scope',
      'repository-list',
      '--public-read',
      '--expires',
      '30d',
    ]);
    assert.match(r.stdout, new RegExp(`^${OAT.source}\\n$`));
    assert.match(
      r.stderr,
      new RegExp(`^Created token cli-create \\(${id}\\) in acme, expires `, 'm'),
    );
    assert.ok(!r.stderr.includes(secret));
    const t = json(await cli(['get', id, '--json']));
    assert.equal(t.label, 'cli-create');
    assert.equal(t.description, 'made by the CLI test');
    assert.deepEqual(t.resources, [
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
      { type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] },
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
      { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read', 'scope-repository-list'] },
    ]);
    const expires = Date.parse(t.expires_at.replace(/(\.\d{3})\d+/, '$1'));
    assert.ok(Math.abs(expires - (Date.now() + 30 * DAY)) < 60e3, t.expires_at);
  });

  test('--expires takes 12w, 1y, a date, a date-time and never', async () => {
    const y = new Date(Date.now() + 100 * DAY).toISOString().slice(0, 10);
    for (const [when, check] of [
      ['12w', (e) => Math.abs(Date.parse(e) - (Date.now() + 84 * DAY)) < 60e3],
      ['1y', (e) => Math.abs(Date.parse(e) - (Date.now() + 365 * DAY)) < 60e3],
      [y, (e) => e.startsWith(`${y}T00:00:00`)],
      [`${y}T12:30:00+02:00`, (e) => e.startsWith(`${y}T10:30:00`)],
      ['never', (e) => e === null],
    ]) {
      const { id } = await createToken(`cli-exp-${when.replace(/[^\w-]/g, '')}`, [
        '--expires',
        when,
      ]);
      const t = json(await cli(['get', id, '--json']));
      assert.ok(
        check(t.expires_at && t.expires_at.replace(/(\.\d{3})\d+/, '$1')),
        `${when} -> ${t.expires_at}`,
      );
    }
  });

  test('--json gives the created token (with its secret, once) for scripts', async () => {
    const r = await cli(['create', '--label', 'cli-json', '--json']);
    const t = json(r);
    assert.match(t.token, OAT);
    assert.equal(t.label, 'cli-json');
    assert.equal(r.stdout.split(t.token).length, 2);
    assert.ok(!r.stderr.includes(t.token));
  });

  test('usage errors: exit 1, nothing created', async () => {
    const before = json(await cli(['list', '--json'])).total;
    assertUsage(await cli(['create']), /create needs --label/);
    assertUsage(
      await cli(['create', '--label', 'x', '--repo', 'acme/api']),
      /--repo needs PATH=SCOPE/,
    );
    assertUsage(
      await cli(['create', '--label', 'x', '--repo', 'acme/api=']),
      /needs at least one scope/,
    );
    assertUsage(await cli(['create', '--label', 'x', '--expires', 'soon']), /--expires needs/);
    assertUsage(await cli(['create', '--label', 'x', '--expires', '0d']), /not in the future/);
    assertUsage(await cli(['create', 'positional', '--label', 'x']), /create takes no arguments/);
    assert.equal(json(await cli(['list', '--json'])).total, before);
  });

  test('a request the API refuses: exit 1 with the field messages, nothing on stdout', async () => {
    const r = await cli(['create', '--label', 'x', '--repo', 'globex/app=image-pull']);
    assertApiError(r, 'bad_request', /resources/);
    assert.equal(r.stdout, '');
  });
});

describe('update, activate, deactivate', () => {
  test('update changes label, description and resources', async () => {
    const { id } = await createToken('cli-upd', ['--repo', 'acme/api=image-pull']);
    const r = await cli([
      'update',
      id,
      '--label',
      'cli-upd-2',
      '--description',
      'changed',
      '--repo',
      'acme/web=image-push',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^label\s+cli-upd-2$/m);
    assert.match(r.stderr, /^Updated token cli-upd-2/m);
    const t = json(await cli(['get', id, '--json']));
    assert.equal(t.label, 'cli-upd-2');
    assert.equal(t.description, 'changed');
    assert.deepEqual(t.resources, [
      { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-push'] },
    ]);
    const j = json(await cli(['update', id, '--description', '', '--json']));
    assert.equal(j.description || '', '');
  });

  test('update with nothing to change, or no ID: exit 1; an unknown ID: exit 1', async () => {
    const id = await seededId('ci-pull');
    assertUsage(await cli(['update', id]), /update needs --label/);
    assertUsage(await cli(['update', '--label', 'x']), /update needs the token's ID/);
    assertUsage(await cli(['update', id, '--expires', '30d']), /update has no option '--expires'/);
    assertApiError(
      await cli(['update', '00000000-0000-4000-8000-000000000000', '--label', 'x']),
      'not_found',
    );
  });

  test('deactivate then activate', async () => {
    const { id } = await createToken('cli-toggle');
    let r = await cli(['deactivate', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Deactivated token cli-toggle (${id}).\n`);
    assert.equal(json(await cli(['get', id, '--json'])).is_active, false);
    r = await cli(['activate', id, '--json']);
    assert.equal(json(r).is_active, true);
    assert.equal(json(await cli(['get', id, '--json'])).is_active, true);
    assertUsage(await cli(['activate']), /activate needs the token's ID/);
    assertApiError(await cli(['deactivate', '00000000-0000-4000-8000-000000000000']), 'not_found');
  });
});

describe('delete', () => {
  test('without --yes and without a terminal: refused with exit 1, the token kept', async () => {
    const { id } = await createToken('cli-del-refused');
    assertUsage(await cli(['delete', id]), /refusing to delete without --yes/);
    assert.equal(json(await cli(['get', id, '--json'])).id, id);
  });

  test('--yes deletes; a second delete is not_found (exit 1)', async () => {
    const { id } = await createToken('cli-del');
    const r = await cli(['delete', id, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Deleted token ${id}.\n`);
    assertApiError(await cli(['get', id]), 'not_found');
    assertApiError(await cli(['delete', id, '-y']), 'not_found');
  });

  test(
    'on a terminal it asks: no keeps the token, yes deletes it',
    { skip: !HAS_SCRIPT && 'script(1) is not installed' },
    async () => {
      const { id } = await createToken('cli-del-ask');
      let r = await cli(['delete', id], { tty: true, input: 'n\n' });
      assert.match(
        r.stdout,
        new RegExp(
          `Delete token cli-del-ask \\(${id}\\) from acme\\? This cannot be undone\\. \\[y/N\\]`,
        ),
      );
      assert.match(r.stdout, /Not deleted\./);
      assert.equal(r.code, 1);
      assert.equal(json(await cli(['get', id, '--json'])).id, id);
      r = await cli(['delete', id], { tty: true, input: 'y\n' });
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, new RegExp(`Deleted token ${id}\\.`));
      assertApiError(await cli(['get', id]), 'not_found');
    },
  );
});

describe('rotate', () => {
  test('prints only the new secret on stdout, each phase on stderr; the old token deactivated and relabelled', async () => {
    const { id, secret: oldSecret } = await createToken('cli-rot', [
      '--repo',
      'acme/api=image-pull',
      '--expires',
      '90d',
    ]);
    const r = await cli(['rotate', id]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${OAT.source}\\n$`));
    assert.notEqual(r.stdout.trim(), oldSecret);
    const newId = /Created the new token ([0-9a-f-]{36})\./.exec(r.stderr)[1];
    assert.match(r.stderr, new RegExp(`Signed in with the new token ${newId}: it works\\.`));
    assert.match(
      r.stderr,
      new RegExp(
        `Deactivated and relabelled the old token ${id} as cli-rot~retired~delete-after-\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ\\.`,
      ),
    );
    assert.ok(!r.stderr.includes(r.stdout.trim()));
    const [oldT, newT] = [
      json(await cli(['get', id, '--json'])),
      json(await cli(['get', newId, '--json'])),
    ];
    assert.equal(oldT.is_active, false);
    assert.match(oldT.label, /^cli-rot~retired~/);
    assert.equal(newT.is_active, true);
    assert.equal(newT.label, 'cli-rot');
    assert.deepEqual(newT.resources, oldT.resources);
  });

  test('--retire delete and --retire keep; --json for scripts', async () => {
    const { id } = await createToken('cli-rot-del');
    let r = await cli(['rotate', id, '--retire', 'delete']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Deleted the old token ${id}`));
    assertApiError(await cli(['get', id]), 'not_found');

    const kept = await createToken('cli-rot-keep');
    r = await cli(['rotate', kept.id, '--retire', 'keep', '--json']);
    const out = json(r);
    assert.equal(out.retired, true);
    assert.equal(out.retiredAs, 'overlap');
    assert.equal(out.retireError, null);
    assert.match(out.token.token, OAT);
    assert.equal(out.token.label, 'cli-rot-keep');
    const old = json(await cli(['get', kept.id, '--json']));
    assert.equal(old.is_active, true, 'keep: still active');
    assert.equal(old.label, out.retiredLabel);
    assert.match(old.label, /^cli-rot-keep~retired~active-until-.*~delete-after-/);
  });

  test('a bad --retire or no ID: exit 1', async () => {
    assertUsage(
      await cli(['rotate', 'x', '--retire', 'revoke']),
      /--retire needs deactivate, delete or keep/,
    );
    assertUsage(await cli(['rotate']), /rotate needs the token's ID/);
  });

  test('a failing create: exit 1, nothing on stdout, the old token untouched', async () => {
    const { id } = await createToken('cli-rot-fail');
    sb.faults({
      method: 'POST',
      path: '/access-tokens$',
      status: 500,
      body: { message: 'create broke' },
      times: 10,
    });
    let r;
    try {
      r = await cli(['rotate', id]);
    } finally {
      sb.clearFaults();
    }
    assertApiError(r, 'server_error', /create broke/);
    assert.equal(r.stdout, '');
    assert.equal(json(await cli(['get', id, '--json'])).is_active, true);
  });

  test('a failing retire: the new secret still on stdout (handed over), exit 1, the error on stderr', async () => {
    const { id } = await createToken('cli-rot-retire-fail');
    sb.faults({
      method: 'PATCH',
      path: '/access-tokens/',
      status: 500,
      body: { message: 'patch broke' },
      times: 10,
    });
    let r;
    try {
      r = await cli(['rotate', id]);
    } finally {
      sb.clearFaults();
    }
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`^${OAT.source}\\n$`));
    assert.match(
      r.stderr,
      new RegExp(`^error: server_error: could not retire the old token ${id}: patch broke$`, 'm'),
    );
    assert.match(r.stderr, new RegExp(`Deactivate it with: dockerhub-oat deactivate ${id}`));
    assert.ok(!r.stderr.includes(r.stdout.trim()));
    assert.equal(json(await cli(['get', id, '--json'])).is_active, true);
  });
});

describe('secrets', () => {
  test('no secret ever appeared on stderr', () => {
    assert.ok(secrets.size > 5, 'the suite saw too few secrets to prove anything');
    assert.ok(allStderr.length > 50);
    for (const stderr of allStderr) {
      assert.doesNotMatch(stderr, OAT);
      assert.doesNotMatch(stderr, /eyJ[A-Za-z0-9_-]+\.eyJ/);
      for (const s of secrets) assert.ok(!stderr.includes(s), 'a secret on stderr');
    }
  });
});
