// No secret in any error, log line or console output. A broad scenario against the sandbox (wrong
// and right password, PAT, OAT, bad JWT, a throwing token function, an error of every kind), then
// a server of our own that echoes the Authorization header, the sign-in body and the posted body
// back inside error bodies, then the sandbox CLI in a child process. Every error is kept in every
// form a user sees it (message, String, JSON, stack, inspect), with everything printed to the
// console and every request log line; the last tests look for the passwords, PATs, OATs and JWTs
// in all of it. Return values are not checked: a create's answer is where its secret belongs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openWorld } from '../fixtures/hub.js';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import { startRawServer, respond, collectProcessFailures } from '../fixtures/hostile-server.js';
import { TextCollector, rejection, JWT_PATTERN } from '../fixtures/hostile-secrets.js';

const PASSWORD = 'sandbox-password';
const WRONG_PASSWORD = 'wrong-password-7c1d9e';
const BAD_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhY21lLW93bmVyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.Zm9yZ2VkLXNpZ25hdHVyZQ';
const RESOURCES = [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }];

const c = new TextCollector();
const failures = collectProcessFailures();
const clients = [];
let world;
let sb;
let sandboxLog;

async function client(options) {
  const hub = await createClient(options);
  clients.push(hub);
  return hub;
}

/** The bearer values every request to `server` carried, as secrets. */
function recordAuthorization(server) {
  server.on('request', (req) => {
    const auth = req.headers.authorization;
    if (auth) c.secret(auth.replace(/^Bearer /, ''));
  });
}

before(async () => {
  c.captureConsole();
  sandboxLog = [];
  world = await openWorld({ log: (line) => sandboxLog.push(line) });
  sb = world.sb;
  recordAuthorization(sb.server);
  c.secret(PASSWORD);
  c.secret(WRONG_PASSWORD);
  c.secret(BAD_JWT);
  for (const u of sb.credentials.users) for (const p of u.pats) c.secret(p);
  for (const t of sb.credentials.tokens) c.secret(t.secret);
});

after(async () => {
  for (const hub of clients) hub.close();
  await world?.close();
  c.restoreConsole();
  failures.stop();
});

describe('the sandbox, signed in every way, with errors of every kind', () => {
  const org = 'acme';

  test('a wrong password: unauthorized, the password not repeated', async () => {
    const hub = await client({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: WRONG_PASSWORD },
      maxRetries: 0,
    });
    const err = await rejection(c, 'wrong password', hub.listAccessTokens(org));
    assert.ok(err instanceof DockerHubError);
    assert.equal(err.code, 'unauthorized');
  });

  test('the right password: every operation, and every kind of error', async () => {
    const hub = await client({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: PASSWORD },
      maxRetries: 0,
      timeoutMs: 3000,
    });
    const created = await hub.createAccessToken(org, {
      label: 'secrets-test',
      resources: RESOURCES,
    });
    c.secret(created.token);
    assert.match(created.token, /^dckr_oat_/);
    await hub.getAccessToken(org, created.id);
    await hub.updateAccessToken(org, created.id, { description: 'still here' });
    for await (const t of hub.listAllAccessTokens(org)) assert.equal(t.token, undefined);

    const kinds = [
      [
        '400 validation',
        'bad_request',
        () =>
          hub.createAccessToken(org, {
            label: 'x',
            resources: [
              { type: 'TYPE_REPO', path: 'acme/does-not-exist', scopes: ['scope-image-pull'] },
            ],
          }),
      ],
      [
        '401 fault (then the re-sign-in gets one too)',
        'unauthorized',
        () => {
          sb.faults({ path: '/access-tokens', times: 2, preset: 'unauthorized' });
          return hub.listAccessTokens(org);
        },
      ],
      ['403 other org', 'forbidden', () => hub.listAccessTokens('globex')],
      [
        '404 unknown id',
        'not_found',
        () => hub.getAccessToken(org, '00000000-0000-4000-8000-000000000000'),
      ],
      [
        '429 fault',
        'rate_limited',
        () => {
          sb.faults({ path: '/access-tokens', preset: 'rate-limited' });
          return hub.getAccessToken(org, created.id);
        },
      ],
      [
        '500 fault',
        'server_error',
        () => {
          sb.faults({ path: '/access-tokens', preset: 'server-error' });
          return hub.updateAccessToken(org, created.id, { label: 'y' });
        },
      ],
      [
        '502 html fault',
        'server_error',
        () => {
          sb.faults({ path: '/access-tokens', preset: 'html502' });
          return hub.listAccessTokens(org);
        },
      ],
      [
        'invalid JSON fault',
        'invalid_response',
        () => {
          sb.faults({ path: '/access-tokens', preset: 'bad-json' });
          return hub.listAccessTokens(org);
        },
      ],
      [
        'reset fault',
        'network',
        () => {
          sb.faults({ path: '/access-tokens', reset: true });
          return hub.getAccessToken(org, created.id);
        },
      ],
      [
        'stall fault (timeout)',
        'timeout',
        async () => {
          const quick = await client({
            baseUrl: sb.url,
            credentials: { identifier: 'acme-owner', secret: PASSWORD },
            timeoutMs: 300,
          });
          await quick.listAccessTokens(org); // signed in first, so the stall hits the call itself
          sb.faults({ path: '/access-tokens', stall: true });
          return quick.listAccessTokens(org);
        },
      ],
      [
        'aborted',
        'aborted',
        () => {
          const ac = new AbortController();
          sb.faults({ path: '/access-tokens', delayMs: 500 });
          const p = hub.listAccessTokens(org, { signal: ac.signal });
          setTimeout(() => ac.abort(), 20);
          return p;
        },
      ],
      ['invalid argument', 'invalid_argument', () => hub.getAccessToken(org, 'has spaces')],
      [
        'pageSize out of range',
        'invalid_argument',
        () => hub.listAccessTokens(org, { pageSize: 1000 }),
      ],
    ];
    for (const [name, code, run] of kinds) {
      const err = await rejection(c, `password client, ${name}`, (async () => run())());
      assert.ok(err instanceof DockerHubError, name);
      assert.equal(err.code, code, `${name}: ${err.message}`);
    }
    sb.clearFaults();
    await hub.deleteAccessToken(org, created.id);
    const err = await rejection(
      c,
      'password client, delete twice',
      hub.deleteAccessToken(org, created.id),
    );
    assert.equal(err.code, 'not_found');
    hub.close();
    assert.equal(
      (await rejection(c, 'password client, closed', hub.listAccessTokens(org))).code,
      'closed',
    );
  });

  test('a PAT: works, and its errors do not carry it', async () => {
    const pat = sb.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
    const hub = await client({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: pat },
      maxRetries: 0,
    });
    assert.ok(Array.isArray((await hub.listAccessTokens(org)).results));
    assert.equal(
      (await rejection(c, 'PAT client, 404', hub.getAccessToken(org, 'nope'))).code,
      'not_found',
    );
    assert.equal(
      (await rejection(c, 'PAT client, 403', hub.listAccessTokens('globex'))).code,
      'forbidden',
    );
    const wrongPat = `${pat.slice(0, -4)}XXXX`;
    c.secret(wrongPat);
    const bad = await client({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: wrongPat },
      maxRetries: 0,
    });
    assert.equal((await rejection(c, 'wrong PAT', bad.listAccessTokens(org))).code, 'unauthorized');
  });

  test('an OAT (a created one, and the seeded one) signs in but may not manage tokens: 403', async () => {
    const owner = await client({
      baseUrl: sb.url,
      credentials: { identifier: 'acme-owner', secret: PASSWORD },
    });
    const created = await owner.createAccessToken(org, {
      label: 'oat-login',
      resources: RESOURCES,
    });
    c.secret(created.token);
    const seeded = sb.credentials.tokens.find((t) => t.org === org && t.status === 'active').secret;
    for (const [name, secret] of [
      ['created OAT', created.token],
      ['seeded OAT', seeded],
    ]) {
      const hub = await client({
        baseUrl: sb.url,
        credentials: { identifier: org, secret },
        maxRetries: 0,
      });
      assert.equal(
        (await rejection(c, `${name}, list`, hub.listAccessTokens(org))).code,
        'forbidden',
      );
      assert.equal(
        (await rejection(c, `${name}, create`, hub.createAccessToken(org, { label: 'nope' }))).code,
        'forbidden',
      );
    }
    const inactive = sb.credentials.tokens.find(
      (t) => t.org === org && t.status === 'inactive',
    ).secret;
    const hub = await client({
      baseUrl: sb.url,
      credentials: { identifier: org, secret: inactive },
      maxRetries: 0,
    });
    assert.equal(
      (await rejection(c, 'inactive OAT', hub.listAccessTokens(org))).code,
      'unauthorized',
    );
    await owner.deleteAccessToken(org, created.id);
  });

  test('a bad JWT, a minted one faulted to 401, a throwing token function', async () => {
    const bad = await client({ baseUrl: sb.url, token: BAD_JWT, maxRetries: 0 });
    assert.equal((await rejection(c, 'bad JWT', bad.listAccessTokens(org))).code, 'unauthorized');

    const minted = sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
    c.secret(minted);
    const good = await client({ baseUrl: sb.url, token: minted, maxRetries: 0 });
    sb.faults({ path: '/access-tokens', preset: 'unauthorized' });
    assert.equal(
      (await rejection(c, 'minted JWT, 401 fault', good.listAccessTokens(org))).code,
      'unauthorized',
    );

    const throwing = await client({
      baseUrl: sb.url,
      token: () => {
        throw new Error(`cannot read ${PASSWORD} ${minted}`);
      },
    });
    const e1 = await rejection(c, 'throwing token function', throwing.listAccessTokens(org));
    assert.equal(e1.code, 'unauthorized');
    const rejecting = await client({
      baseUrl: sb.url,
      token: async () => {
        throw new Error(`vault said ${BAD_JWT}`);
      },
    });
    assert.equal(
      (await rejection(c, 'rejecting token function', rejecting.getAccessToken(org, 'x'))).code,
      'unauthorized',
    );
    const empty = await client({ baseUrl: sb.url, token: () => '' });
    assert.equal(
      (await rejection(c, 'token function returning ""', empty.listAccessTokens(org))).code,
      'unauthorized',
    );
  });

  test('the sandbox request log holds lines, and they are the path-only kind', () => {
    assert.ok(sandboxLog.length > 20, `${sandboxLog.length} lines`);
    for (const line of sandboxLog)
      assert.match(
        line,
        /^(GET|POST|PATCH|DELETE) \/\S* \d{3} [\d.]+ms( \(cut\)| \(no answer\))?$/,
      );
    for (const line of sandboxLog) c.add('sandbox log', line);
  });
});

describe('a server that echoes secrets back inside error bodies', () => {
  let echo;
  const STATIC_JWT =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlY2hvIiwiZXhwIjo0MTAyNDQ0ODAwfQ.ZWNoby1zaWduYXR1cmU';
  const ECHO_PASSWORD = 'echo-password-5b7a';
  const escapeAll = (s) =>
    [...s].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

  /** org name -> how the error echoes: `auth` is the Authorization header, `body` the request body. */
  const ECHOES = {
    message: ({ auth }) => [401, JSON.stringify({ message: `bad token ${auth}` })],
    detail: ({ body }) => [400, JSON.stringify({ detail: body })],
    both: ({ auth, body }) => [
      400,
      JSON.stringify({ message: `${auth} sent ${body}`, detail: auth, text: auth }),
    ],
    fields: ({ auth }) => [
      400,
      JSON.stringify({ fields: { label: [`bad ${auth}`], [auth]: ['key'] } }),
    ],
    errinfo: ({ auth }) => [
      403,
      JSON.stringify({ message: 'forbidden', errinfo: { token: auth, nested: [{ again: auth }] } }),
    ],
    escaped: ({ auth }) => [401, `{"message":"bad ${escapeAll(auth)}"}`],
    slashes: ({ auth }) => [
      401,
      JSON.stringify({ message: `bad ${auth}` }).replace(/\./g, '\\u002e'),
    ],
    nul: ({ auth }) => [401, `{"message":"bad\\u0000${auth}","detail":"x\\u0000${auth}"}`],
    trailing: ({ auth }) => [401, `{"message":"bad"} ${auth}`],
    array: ({ auth }) => [400, JSON.stringify([auth])],
    text: ({ auth }) => [400, `bad token ${auth}`],
    html: ({ auth }) => [502, `<html><body>upstream refused ${auth}</body></html>`],
    ok200: ({ auth }) => [200, `{"id": 5, "echo": "${auth}"}`],
    created: ({ auth }) => [201, JSON.stringify({ id: 'x', echo: auth })],
    ratelimit: ({ auth }) => [429, JSON.stringify({ detail: `slow down ${auth}` })],
    // The 1000-byte cut of a message falls inside the secret, at every offset in turn.
    straddle: ({ auth, n }) => [
      401,
      JSON.stringify({
        message: `${'x'.repeat(1000 - 7 - (n % 60))}${auth} tail`,
        text: auth.slice(7, 40),
      }),
    ],
    // Pieces only: 8 characters here, 20 there, the JWT's parts apart.
    pieces: ({ auth }) => [
      400,
      JSON.stringify({
        message: `got ${auth.slice(20, 28)} and ${auth.slice(-20)}`,
        detail: auth.split('.').join(' '),
        fields: { label: [auth.slice(9, 29)] },
      }),
    ],
  };

  before(async () => {
    echo = await startRawServer((req, sock) => {
      const auth = req.headers.authorization ?? '';
      if (auth) c.secret(auth.replace(/^Bearer /, ''));
      if (req.path === '/v2/auth/token') {
        const { identifier, secret } = JSON.parse(req.body);
        if (identifier === 'signin-message')
          return respond(sock, req, 401, { body: { message: `wrong secret ${secret}` } });
        if (identifier === 'signin-detail')
          return respond(sock, req, 400, { body: { detail: req.body } });
        if (identifier === 'signin-escaped')
          return respond(sock, req, 401, { body: `{"message":"${escapeAll(secret)}"}` });
        return respond(sock, req, 200, { body: { access_token: STATIC_JWT } });
      }
      const org = /^\/v2\/orgs\/([^/]+)/.exec(req.path)?.[1];
      const [status, body] = ECHOES[org]({ auth, body: req.body, n: echo.requests.length });
      respond(sock, req, status, {
        body,
        headers: {
          'Content-Type': status === 502 ? 'text/html' : 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      });
    });
    c.secret(STATIC_JWT);
    c.secret(ECHO_PASSWORD);
  });
  after(() => echo?.close());

  for (const auth of ['static JWT', 'credentials']) {
    test(`every echo, with a ${auth} client`, async () => {
      const options =
        auth === 'static JWT'
          ? { token: STATIC_JWT }
          : { credentials: { identifier: 'acme-owner', secret: ECHO_PASSWORD } };
      const hub = await client({ baseUrl: echo.url, maxRetries: 0, ...options });
      for (const org of Object.keys(ECHOES)) {
        const call =
          org === 'created' || org === 'detail' || org === 'both'
            ? hub.createAccessToken(org, {
                label: 'echo',
                description: 'posted body',
                resources: RESOURCES,
              })
            : hub.getAccessToken(org, 'x');
        const err = await rejection(c, `echo ${org} (${auth})`, call);
        assert.ok(err instanceof DockerHubError, org);
      }
      for (let i = 0; i < 60; i++) {
        // the cut at 60 offsets inside the JWT
        await rejection(c, `echo straddle ${i} (${auth})`, hub.getAccessToken('straddle', 'x'));
      }
    });
  }

  test('a sign-in whose error echoes the password', async () => {
    for (const identifier of ['signin-message', 'signin-detail', 'signin-escaped']) {
      const hub = await client({
        baseUrl: echo.url,
        maxRetries: 0,
        credentials: { identifier, secret: ECHO_PASSWORD },
      });
      const err = await rejection(c, `echo ${identifier}`, hub.listAccessTokens('acme'));
      assert.ok(err instanceof DockerHubError);
      assert.match(err.code, /^(unauthorized|bad_request)$/);
    }
  });

  test('a secret cut by the 1000-byte clip is still redacted whole: nothing of it is left', async () => {
    const hub = await client({ baseUrl: echo.url, maxRetries: 0, token: STATIC_JWT });
    const local = new TextCollector();
    local.secret(STATIC_JWT);
    for (let i = 0; i < 60; i++)
      await rejection(local, `straddle ${i}`, hub.getAccessToken('straddle', 'x'));
    const pieces = await rejection(local, 'pieces', hub.getAccessToken('pieces', 'x'));
    assert.match(pieces.message, /^got \[redacted\] and \[redacted\]$/);
    assert.deepEqual(local.findings(), []);
  });

  test('redaction keeps the rest of the message', async () => {
    const hub = await client({ baseUrl: echo.url, maxRetries: 0, token: STATIC_JWT });
    const err = await rejection(c, 'echo message, kept', hub.getAccessToken('message', 'x'));
    assert.equal(err.message, 'bad token Bearer [redacted]');
  });
});

test('a secret echoed in a response header is not handed on in err.headers', async () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoZHIifQ.aGVhZGVyLWVjaG8';
  const srv = await startRawServer((req, sock) =>
    respond(sock, req, 401, {
      headers: {
        'WWW-Authenticate': `Bearer error="invalid_token", token="${req.headers.authorization}"`,
      },
      body: { message: 'bad token' },
    }),
  );
  const hub = await client({ baseUrl: srv.url, token: JWT, maxRetries: 0 });
  try {
    const local = new TextCollector();
    local.secret(JWT);
    await rejection(local, 'header echo', hub.getAccessToken('acme', 'x'));
    assert.deepEqual(local.findings(), []);
  } finally {
    hub.close();
    await srv.close();
  }
});

test('the sandbox CLI: no secret in any request log line after its banner', async () => {
  const cli = fileURLToPath(new URL('../../web/sandbox/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
  try {
    const BANNER_END = 'Ctrl-C stops.';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no banner from the CLI: ${stdout} ${stderr}`)),
        10000,
      );
      const look = () => {
        if (!stdout.includes(BANNER_END)) return;
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve();
      };
      child.stdout.on('data', look);
      void exited.then(() => reject(new Error(`the CLI exited: ${stdout} ${stderr}`)));
      look();
    });
    const banner = stdout.slice(0, stdout.indexOf(BANNER_END) + BANNER_END.length);
    const url = /listening on (http:\/\/\S+)/.exec(banner)[1];
    const cliSecrets = [...banner.matchAll(/dckr_(?:oat|pat)_[A-Za-z0-9]+/g)].map((m) => m[0]);
    assert.ok(cliSecrets.length >= 4, 'the banner shows the seeded tokens (on purpose)');
    for (const s of cliSecrets) c.secret(s);

    const owner = await client({
      baseUrl: url,
      credentials: { identifier: 'acme-owner', secret: PASSWORD },
      maxRetries: 0,
    });
    const created = await owner.createAccessToken('acme', {
      label: 'cli-run',
      resources: RESOURCES,
    });
    c.secret(created.token);
    await owner.listAccessTokens('acme');
    const oat = await client({
      baseUrl: url,
      credentials: { identifier: 'acme', secret: created.token },
      maxRetries: 0,
    });
    assert.equal(
      (await rejection(c, 'CLI: OAT manages', oat.listAccessTokens('acme'))).code,
      'forbidden',
    );
    const pat = await client({
      baseUrl: url,
      credentials: {
        identifier: 'acme-owner',
        secret: cliSecrets.find((s) => s.startsWith('dckr_pat_')),
      },
      maxRetries: 0,
    });
    await pat.getAccessToken('acme', created.id);
    const wrong = await client({
      baseUrl: url,
      credentials: { identifier: 'acme-owner', secret: WRONG_PASSWORD },
      maxRetries: 0,
    });
    assert.equal(
      (await rejection(c, 'CLI: wrong password', wrong.listAccessTokens('acme'))).code,
      'unauthorized',
    );
    const badJwt = await client({ baseUrl: url, token: BAD_JWT, maxRetries: 0 });
    assert.equal(
      (await rejection(c, 'CLI: bad JWT', badJwt.listAccessTokens('acme'))).code,
      'unauthorized',
    );
    await owner.deleteAccessToken('acme', created.id);

    // Every request has been answered (and so logged) before its call settled.
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `the CLI stopped: ${code} ${signal}`);
    const after = stdout
      .slice(banner.length)
      .split('\n')
      .filter((l) => l.trim());
    assert.ok(after.length >= 8, `request log lines after the banner: ${after.length}`);
    assert.ok(
      after.some((l) => / \/v2\/auth\/token 401 /.test(l)),
      'the failed sign-in is logged',
    );
    for (const line of after) c.add('CLI stdout after the banner', line);
    for (const line of stderr.split('\n').filter((l) => l.trim())) c.add('CLI stderr', line);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
});

test('the checker itself finds a planted secret', () => {
  const planted = [
    { where: 'plant 1', text: `oops ${PASSWORD}` },
    { where: 'plant 2', text: 'a eyJhbGciOi.eyJzdWIi.c2ln b' },
    { where: 'plant 3', text: 'dckr_oat_AAAAAAAAAAAAAAAA' },
    { where: 'plant 4', text: `only 8 of it: ${WRONG_PASSWORD.slice(3, 11)}.` },
  ];
  for (const item of planted) assert.ok(c.findings([item]).length >= 1, item.where);
  const tok = sb.credentials.tokens[0].secret;
  assert.deepEqual(
    c.findings([{ where: 'prefix', text: `${tok.slice(0, 9)} alone is public` }]),
    [],
  );
  assert.equal(c.findings([{ where: 'past the prefix', text: tok.slice(2, 10) }]).length, 1);
  assert.ok(JWT_PATTERN.test(BAD_JWT));
});

test('nothing collected holds a secret', (t) => {
  c.restoreConsole();
  const errors = new Set(c.items.filter((i) => i.where.endsWith(': message')).map((i) => i.where))
    .size;
  t.diagnostic(
    `${c.items.length} texts checked (${errors} errors in 5+ forms each, console, log lines) against ${c.secrets.size} secrets and the JWT / dckr_ patterns`,
  );
  assert.ok(c.items.length > 300, `${c.items.length} texts collected`);
  assert.ok(c.secrets.size >= 15, `${c.secrets.size} secrets known`);
  assert.ok(
    [...c.secrets].some((s) => JWT_PATTERN.test(s)),
    'the JWTs the clients sent were seen',
  );
  assert.deepEqual(c.findings(), []);
});

test('no unhandled rejection or uncaught exception', () => {
  assert.deepEqual(
    failures.seen.map(([kind, e]) => `${kind}: ${e?.stack ?? e}`),
    [],
  );
});
