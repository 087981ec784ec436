// The sandbox's seeded world, auth, authorization and the five OAT operations, over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { startSandbox } from '../../web/sandbox/index.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const SUMMARY_KEYS = [
  'created_at',
  'created_by',
  'expires_at',
  'id',
  'is_active',
  'label',
  'last_used_at',
];
const PASSWORD = 'sandbox-password';

async function api(sb, method, path, { token, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined || raw !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(sb.url + path, {
    method,
    headers: h,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function login(sb, identifier, secret = PASSWORD) {
  const r = await api(sb, 'POST', '/v2/auth/token', { body: { identifier, secret } });
  assert.equal(r.status, 200, `login of ${identifier}: ${r.text}`);
  return r.json.access_token;
}

const decode = (jwt) =>
  jwt
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
const oat = (sb, label) => sb.credentials.tokens.find((t) => t.label === label);

describe('seeded world', () => {
  let sb;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());

  test('listens on loopback with a free port', () => {
    assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sb.port > 0);
    assert.equal(sb.url, `http://127.0.0.1:${sb.port}`);
  });

  test('acme on Team with three repositories, an owner and a member; globex apart', () => {
    const s = sb.state;
    const acme = s.orgs.find((o) => o.name === 'acme');
    assert.equal(acme.plan, 'team');
    assert.deepEqual(acme.repositories, ['acme/api', 'acme/web', 'acme/worker']);
    assert.deepEqual(acme.owners, ['acme-owner']);
    assert.deepEqual(acme.members, ['acme-member']);
    const globex = s.orgs.find((o) => o.name === 'globex');
    assert.ok(globex);
    for (const u of ['acme-owner', 'acme-member']) {
      assert.ok(!globex.owners.includes(u) && !globex.members.includes(u));
    }
  });

  test('acme has one active, one inactive and one expired token', () => {
    const statuses = sb.credentials.tokens
      .filter((t) => t.org === 'acme')
      .map((t) => t.status)
      .sort();
    assert.deepEqual(statuses, ['active', 'expired', 'inactive']);
    const acme = sb.state.orgs.find((o) => o.name === 'acme');
    assert.equal(acme.tokens.length, 3);
    const expired = acme.tokens.find(
      (t) => t.id === sb.credentials.tokens.find((c) => c.status === 'expired').id,
    );
    assert.ok(Date.parse(expired.expires_at) < Date.now());
    assert.equal(acme.tokens.find((t) => t.id === oat(sb, 'legacy-deploy').id).is_active, false);
  });

  test('state keeps only hashes of secrets and is a copy', () => {
    const s = sb.state;
    const text = JSON.stringify(s);
    assert.doesNotMatch(text, /dckr_oat_|dckr_pat_|sandbox-password/);
    const t = s.orgs[0].tokens[0];
    assert.equal(
      t.sha256,
      createHash('sha256')
        .update(sb.credentials.tokens.find((c) => c.id === t.id).secret)
        .digest('hex'),
    );
    s.orgs.length = 0;
    assert.ok(sb.state.orgs.length > 0);
  });

  test('the two users log in with the seeded password', async () => {
    for (const u of ['acme-owner', 'acme-member']) {
      const [, claims] = decode(await login(sb, u));
      assert.equal(claims.sub, u);
    }
  });
});

describe('seed options', () => {
  test('a Business org with 250 generated tokens, merged onto the default world', async () => {
    const sb = await startSandbox({
      port: 0,
      seed: {
        orgs: [
          {
            name: 'bigcorp',
            plan: 'business',
            owners: ['acme-owner'],
            repositories: ['app'],
            generateTokens: 250,
          },
        ],
      },
    });
    try {
      const big = sb.state.orgs.find((o) => o.name === 'bigcorp');
      assert.equal(big.plan, 'business');
      assert.equal(big.tokens.length, 250);
      assert.deepEqual(big.repositories, ['bigcorp/app']);
      assert.ok(
        sb.state.orgs.find((o) => o.name === 'acme'),
        'default world kept',
      );
    } finally {
      await sb.close();
    }
  });

  test('defaults: false starts from an empty world; users get PATs', async () => {
    const pat = 'dckr_pat_abcdefghijklmnopqrstuvwxyz0';
    const sb = await startSandbox({
      port: 0,
      seed: {
        defaults: false,
        users: [{ username: 'solo', password: 'pw', pats: [pat] }],
        orgs: [{ name: 'tiny', owners: ['solo'] }],
      },
    });
    try {
      assert.deepEqual(
        sb.state.orgs.map((o) => o.name),
        ['tiny'],
      );
      assert.deepEqual(
        sb.state.users.map((u) => u.username),
        ['solo'],
      );
      const [, claims] = decode(await login(sb, 'solo', pat));
      assert.equal(claims.kind, 'pat');
    } finally {
      await sb.close();
    }
  });

  test('overriding an org by name keeps its other fields', async () => {
    const sb = await startSandbox({
      port: 0,
      seed: { orgs: [{ name: 'acme', plan: 'business' }] },
    });
    try {
      const acme = sb.state.orgs.find((o) => o.name === 'acme');
      assert.equal(acme.plan, 'business');
      assert.equal(acme.tokens.length, 3);
    } finally {
      await sb.close();
    }
  });

  test('a bad seed is refused', async () => {
    await assert.rejects(startSandbox({ port: 0, seed: { orgs: [{ plan: 'team' }] } }), /name/);
    await assert.rejects(
      startSandbox({ port: 0, seed: { orgs: [{ name: 'x', generateTokens: -1 }] } }),
      /generateTokens/,
    );
  });
});

describe('POST /v2/auth/token', () => {
  let sb;
  let nowMs = Date.parse('2026-03-18T21:15:40.504Z');
  before(async () => {
    sb = await startSandbox({ port: 0, now: () => nowMs, jwtTtlSeconds: 600 });
  });
  after(() => sb.close());

  test('a password gives an HS256 JWT with sub, iat, exp = iat + 10 minutes and the kind', async () => {
    const r = await api(sb, 'POST', '/v2/auth/token', {
      body: { identifier: 'acme-owner', secret: PASSWORD },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['access_token']);
    const [head, claims] = decode(r.json.access_token);
    assert.equal(head.alg, 'HS256');
    assert.equal(claims.sub, 'acme-owner');
    assert.equal(claims.iat, Math.floor(nowMs / 1000));
    assert.equal(claims.exp, claims.iat + 600);
    assert.equal(claims.kind, 'password');
  });

  test('a PAT works as a secret', async () => {
    const pat = sb.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
    assert.match(pat, /^dckr_pat_/);
    const [, claims] = decode(await login(sb, 'acme-owner', pat));
    assert.equal(claims.kind, 'pat');
  });

  test('bad credentials: 401 {message, errinfo}', async () => {
    for (const body of [
      { identifier: 'acme-owner', secret: 'wrong' },
      { identifier: 'nobody', secret: PASSWORD },
      { identifier: 'acme-owner', secret: 'dckr_pat_wrongwrongwrongwrongwrongwr' },
      { identifier: 'acme', secret: PASSWORD },
      { identifier: 'globex', secret: oat(sb, 'ci-pull').secret },
      { identifier: 'acme-owner', secret: oat(sb, 'ci-pull').secret },
    ]) {
      const r = await api(sb, 'POST', '/v2/auth/token', { body });
      assert.equal(r.status, 401, JSON.stringify(body));
      assert.equal(typeof r.json.message, 'string');
      assert.deepEqual(r.json.errinfo, {});
    }
  });

  test('missing identifier or secret: 400 with fields; malformed JSON: 400', async () => {
    const r = await api(sb, 'POST', '/v2/auth/token', { body: { identifier: 'acme-owner' } });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.fields, { secret: ['This field is required.'] });
    const m = await api(sb, 'POST', '/v2/auth/token', { raw: '{"identifier":' });
    assert.equal(m.status, 400);
    assert.match(m.json.message, /JSON/);
  });

  test('an active OAT logs in (kind oat) and sets last_used_at', async () => {
    const t = oat(sb, 'ci-pull');
    nowMs += 1234;
    const jwt = await login(sb, 'acme', t.secret);
    const [, claims] = decode(jwt);
    assert.equal(claims.kind, 'oat');
    assert.equal(claims.sub, 'acme');
    const stored = sb.state.orgs.find((o) => o.name === 'acme').tokens.find((x) => x.id === t.id);
    assert.equal(stored.last_used_at, new Date(nowMs).toISOString().replace('Z', '000Z'));
  });

  test('an inactive or expired OAT cannot log in', async () => {
    for (const label of ['legacy-deploy', 'q1-audit']) {
      const r = await api(sb, 'POST', '/v2/auth/token', {
        body: { identifier: 'acme', secret: oat(sb, label).secret },
      });
      assert.equal(r.status, 401, label);
    }
  });

  test('an OAT stops working once its expiry passes', async () => {
    const owner = await login(sb, 'acme-owner');
    const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'short', expires_at: new Date(nowMs + 60_000).toISOString() },
    });
    assert.equal(c.status, 201);
    await login(sb, 'acme', c.json.token);
    nowMs += 61_000;
    const r = await api(sb, 'POST', '/v2/auth/token', {
      body: { identifier: 'acme', secret: c.json.token },
    });
    assert.equal(r.status, 401);
    await api(sb, 'DELETE', `/v2/orgs/acme/access-tokens/${c.json.id}`, {
      token: await login(sb, 'acme-owner'),
    });
  });
});

describe('JWT checks on /v2 routes', () => {
  let sb;
  let nowMs = Date.parse('2026-05-01T10:00:00Z');
  before(async () => {
    sb = await startSandbox({ port: 0, now: () => nowMs, jwtTtlSeconds: 30 });
  });
  after(() => sb.close());
  const list = (token) => api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token });

  test('no Authorization header: 401', async () => {
    const r = await list();
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.message, 'string');
    assert.deepEqual(r.json.errinfo, {});
  });

  test('garbage, a tampered signature, a changed payload, alg none: 401', async () => {
    const jwt = await login(sb, 'acme-owner');
    assert.equal((await list(jwt)).status, 200);
    const [h, p, s] = jwt.split('.');
    const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, sub: 'acme-member', exp: claims.exp + 9999 }),
    ).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    for (const bad of [
      'garbage',
      `${h}.${p}.${flipped}`,
      `${h}.${forged}.${s}`,
      `${none}.${p}.`,
      `${none}.${p}.${s}`,
    ]) {
      assert.equal((await list(bad)).status, 401, bad);
    }
    const basic = await api(sb, 'GET', '/v2/orgs/acme/access-tokens', {
      headers: {
        authorization: `Basic ${Buffer.from('acme-owner:sandbox-password').toString('base64')}`,
      },
    });
    assert.equal(basic.status, 401);
  });

  test('a JWT from another sandbox (another key): 401', async () => {
    const other = await startSandbox({ port: 0 });
    try {
      const jwt = await login(other, 'acme-owner');
      assert.equal((await list(jwt)).status, 401);
    } finally {
      await other.close();
    }
  });

  test('an expired JWT: 401; a fresh one works', async () => {
    const jwt = await login(sb, 'acme-owner');
    nowMs += 29_000;
    assert.equal((await list(jwt)).status, 200);
    nowMs += 1_000;
    const r = await list(jwt);
    assert.equal(r.status, 401);
    assert.match(r.json.message, /expired/i);
    assert.equal((await list(await login(sb, 'acme-owner'))).status, 200);
  });

  test('unknown /v2 paths need a JWT too, then 404', async () => {
    assert.equal((await api(sb, 'GET', '/v2/repositories/acme')).status, 401);
    assert.equal(
      (await api(sb, 'GET', '/v2/repositories/acme', { token: await login(sb, 'acme-owner') }))
        .status,
      404,
    );
    assert.equal((await api(sb, 'GET', '/nothing-here')).status, 404);
  });

  test('a wrong method on a known route: 405 with Allow', async () => {
    const r = await api(sb, 'PUT', '/v2/orgs/acme/access-tokens', {
      token: await login(sb, 'acme-owner'),
      body: {},
    });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, POST');
  });
});

describe('POST /v2/users/login (deprecated)', () => {
  let sb;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(() => sb.close());

  test('username and password give {token}, a usable JWT', async () => {
    const r = await api(sb, 'POST', '/v2/users/login', {
      body: { username: 'acme-owner', password: PASSWORD },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['token']);
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: r.json.token })).status,
      200,
    );
  });

  test('a PAT works as the password', async () => {
    const pat = sb.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
    const r = await api(sb, 'POST', '/v2/users/login', {
      body: { username: 'acme-owner', password: pat },
    });
    assert.equal(r.status, 200);
  });

  test('an OAT is refused: "Cannot log into an organization account"', async () => {
    const r = await api(sb, 'POST', '/v2/users/login', {
      body: { username: 'acme', password: oat(sb, 'ci-pull').secret },
    });
    assert.equal(r.status, 401);
    assert.equal(r.json.detail, 'Cannot log into an organization account');
  });

  test('bad credentials: 401 {detail}', async () => {
    const r = await api(sb, 'POST', '/v2/users/login', {
      body: { username: 'acme-owner', password: 'nope' },
    });
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.detail, 'string');
  });
});

describe('authorization', () => {
  let sb, owner, member, oatJwt, globexId;
  before(async () => {
    sb = await startSandbox({
      port: 0,
      seed: {
        users: [{ username: 'free-owner' }],
        orgs: [{ name: 'freeorg', plan: 'free', owners: ['free-owner'] }],
      },
    });
    owner = await login(sb, 'acme-owner');
    member = await login(sb, 'acme-member');
    oatJwt = await login(sb, 'acme', oat(sb, 'ci-pull').secret);
    globexId = oat(sb, 'globex-ci').id;
  });
  after(() => sb.close());

  const five = (org, id) => [
    ['GET', `/v2/orgs/${org}/access-tokens`, undefined],
    ['POST', `/v2/orgs/${org}/access-tokens`, { label: 'x' }],
    ['GET', `/v2/orgs/${org}/access-tokens/${id}`, undefined],
    ['PATCH', `/v2/orgs/${org}/access-tokens/${id}`, { label: 'y' }],
    ['DELETE', `/v2/orgs/${org}/access-tokens/${id}`, undefined],
  ];

  test('a member (not owner) gets 403 on all five operations', async () => {
    for (const [m, p, body] of five('acme', oat(sb, 'ci-pull').id)) {
      const r = await api(sb, m, p, { token: member, body });
      assert.equal(r.status, 403, `${m} ${p}`);
      assert.equal(typeof r.json.message, 'string');
      assert.deepEqual(r.json.errinfo, {});
    }
  });

  test('a JWT minted from an OAT gets 403 on all five operations', async () => {
    for (const [m, p, body] of five('acme', oat(sb, 'ci-pull').id)) {
      assert.equal((await api(sb, m, p, { token: oatJwt, body })).status, 403, `${m} ${p}`);
    }
  });

  test('an owner of acme gets 403 on globex', async () => {
    for (const [m, p, body] of five('globex', globexId)) {
      assert.equal((await api(sb, m, p, { token: owner, body })).status, 403, `${m} ${p}`);
    }
  });

  test('an unknown organization: 404', async () => {
    for (const [m, p, body] of five('no-such-org', oat(sb, 'ci-pull').id)) {
      const r = await api(sb, m, p, { token: owner, body });
      assert.equal(r.status, 404, `${m} ${p}`);
      assert.deepEqual(r.json.errinfo, {});
    }
  });

  test('a token of another organization, or an unknown id: 404', async () => {
    for (const id of [globexId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      for (const [m, p, body] of five('acme', id).slice(2)) {
        assert.equal((await api(sb, m, p, { token: owner, body })).status, 404, `${m} ${p}`);
      }
    }
    assert.ok(
      sb.state.orgs.find((o) => o.name === 'globex').tokens.some((t) => t.id === globexId),
      'still there',
    );
  });

  test('an organization without a Team or Business plan: 403', async () => {
    const r = await api(sb, 'GET', '/v2/orgs/freeorg/access-tokens', {
      token: await login(sb, 'free-owner'),
    });
    assert.equal(r.status, 403);
    assert.match(r.json.message, /Team or Business/);
  });

  test('a JWT from a PAT manages tokens by default, and gets 403 with patCanManage: false', async () => {
    const pat = sb.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
    assert.equal(
      (
        await api(sb, 'GET', '/v2/orgs/acme/access-tokens', {
          token: await login(sb, 'acme-owner', pat),
        })
      ).status,
      200,
    );
    const strict = await startSandbox({ port: 0, patCanManage: false });
    try {
      const p = strict.credentials.users.find((u) => u.username === 'acme-owner').pats[0];
      assert.equal(
        (
          await api(strict, 'GET', '/v2/orgs/acme/access-tokens', {
            token: await login(strict, 'acme-owner', p),
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await api(strict, 'GET', '/v2/orgs/acme/access-tokens', {
            token: await login(strict, 'acme-owner'),
          })
        ).status,
        200,
      );
    } finally {
      await strict.close();
    }
  });
});

describe('list', () => {
  let sb, owner;
  before(async () => {
    sb = await startSandbox({
      port: 0,
      seed: {
        orgs: [{ name: 'bigcorp', plan: 'business', owners: ['acme-owner'], generateTokens: 250 }],
      },
    });
    owner = await login(sb, 'acme-owner');
  });
  after(() => sb.close());

  test('{total, next, previous, results}; items without resources, newest first, microseconds', async () => {
    const r = await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json), ['total', 'next', 'previous', 'results']);
    assert.equal(r.json.total, 3);
    assert.equal(r.json.next, null);
    assert.equal(r.json.previous, null);
    assert.deepEqual(
      r.json.results.map((t) => t.label),
      ['ci-pull', 'legacy-deploy', 'q1-audit'],
    );
    for (const t of r.json.results) {
      assert.deepEqual(Object.keys(t).sort(), SUMMARY_KEYS);
      assert.match(t.id, UUID);
      assert.match(t.created_at, MICROS);
      for (const k of ['expires_at', 'last_used_at']) if (t[k] !== null) assert.match(t[k], MICROS);
      assert.equal(t.created_by, 'acme-owner');
    }
    assert.equal(r.headers.get('content-type'), 'application/json');
  });

  test("next/previous are absolute URLs on the sandbox's own origin, whatever the Host says", async () => {
    const r = await api(sb, 'GET', '/v2/orgs/acme/access-tokens?page=2&page_size=1', {
      token: owner,
    });
    assert.equal(r.json.next, `${sb.url}/v2/orgs/acme/access-tokens?page=3&page_size=1`);
    assert.equal(r.json.previous, `${sb.url}/v2/orgs/acme/access-tokens?page=1&page_size=1`);
    assert.deepEqual(
      r.json.results.map((t) => t.label),
      ['legacy-deploy'],
    );
    const viaHost = (host) =>
      new Promise((resolve, reject) => {
        http
          .get(
            `${sb.url}/v2/orgs/acme/access-tokens?page=1&page_size=2`,
            { headers: { host, authorization: `Bearer ${owner}` } },
            (res) => {
              let d = '';
              res.on('data', (c) => {
                d += c;
              });
              res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(d) }));
            },
          )
          .on('error', reject);
      });
    const local = await viaHost(`localhost:${sb.port}`);
    assert.equal(local.json.next, `${sb.url}/v2/orgs/acme/access-tokens?page=2&page_size=2`);
    const foreign = await viaHost('hub.example.test:8443');
    assert.equal(foreign.status, 403, 'a foreign Host is refused');
    assert.equal(foreign.json.next, undefined);
  });

  test('250 tokens: pages of 100, 100 and 50, no overlap, newest first, default page size 10', async () => {
    const seen = [];
    let url = '/v2/orgs/bigcorp/access-tokens?page=1&page_size=100';
    const sizes = [];
    while (url) {
      const r = await api(sb, 'GET', url, { token: owner });
      assert.equal(r.status, 200);
      assert.equal(r.json.total, 250);
      sizes.push(r.json.results.length);
      seen.push(...r.json.results);
      url = r.json.next && r.json.next.slice(sb.url.length);
    }
    assert.deepEqual(sizes, [100, 100, 50]);
    assert.equal(new Set(seen.map((t) => t.id)).size, 250);
    const times = seen.map((t) => t.created_at);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.equal(seen[0].label, 'token-0001');
    const d = await api(sb, 'GET', '/v2/orgs/bigcorp/access-tokens', { token: owner });
    assert.equal(d.json.results.length, 10);
    assert.equal(d.json.next, `${sb.url}/v2/orgs/bigcorp/access-tokens?page=2&page_size=10`);
  });

  test('page and page_size are validated: integers >= 1, page_size <= 100', async () => {
    for (const q of [
      'page=0',
      'page=-1',
      'page=abc',
      'page=1.5',
      'page=',
      'page_size=0',
      'page_size=101',
      'page_size=x',
      'page_size=2.0',
    ]) {
      const r = await api(sb, 'GET', `/v2/orgs/acme/access-tokens?${q}`, { token: owner });
      assert.equal(r.status, 400, q);
      assert.equal(typeof r.json.text, 'string');
      assert.ok(
        Object.keys(r.json.fields).every((k) => k === 'page' || k === 'page_size'),
        q,
      );
    }
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/acme/access-tokens?page_size=100', { token: owner })).status,
      200,
    );
  });

  test('a page past the end is empty with previous pointing at the last page', async () => {
    const r = await api(sb, 'GET', '/v2/orgs/acme/access-tokens?page=9&page_size=2', {
      token: owner,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results, []);
    assert.equal(r.json.total, 3);
    assert.equal(r.json.next, null);
    assert.equal(r.json.previous, `${sb.url}/v2/orgs/acme/access-tokens?page=2&page_size=2`);
  });
});

describe('create, get, update, delete', () => {
  let sb, owner;
  let nowMs = Date.parse('2026-03-18T21:15:40.504Z');
  before(async () => {
    sb = await startSandbox({ port: 0, now: () => nowMs });
    owner = await login(sb, 'acme-owner');
  });
  after(() => sb.close());
  const resources = [
    { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
    { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
    { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
  ];

  test('create: 201 without created_by, with token (shown once), description and resources', async () => {
    nowMs += 1000;
    const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'deploy', description: 'CD', resources, expires_at: '2026-06-01T00:00:00Z' },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), [
      'created_at',
      'description',
      'expires_at',
      'id',
      'is_active',
      'label',
      'last_used_at',
      'resources',
      'token',
    ]);
    assert.match(r.json.id, UUID);
    assert.match(r.json.token, /^dckr_oat_[0-9A-Za-z]{32}$/);
    assert.equal(r.json.label, 'deploy');
    assert.equal(r.json.description, 'CD');
    assert.equal(r.json.is_active, true);
    assert.equal(r.json.last_used_at, null);
    assert.equal(r.json.created_at, '2026-03-18T21:15:41.504000Z');
    assert.equal(r.json.expires_at, '2026-06-01T00:00:00.000000Z');
    assert.deepEqual(r.json.resources, resources);

    const stateText = JSON.stringify(sb.state);
    assert.ok(!stateText.includes(r.json.token), 'the secret is not stored');
    assert.ok(
      stateText.includes(createHash('sha256').update(r.json.token).digest('hex')),
      'its SHA-256 is',
    );

    const g = await api(sb, 'GET', `/v2/orgs/acme/access-tokens/${r.json.id}`, { token: owner });
    assert.equal(g.status, 200);
    assert.deepEqual(
      Object.keys(g.json).sort(),
      [...SUMMARY_KEYS, 'description', 'resources'].sort(),
    );
    assert.equal(g.json.created_by, 'acme-owner');
    assert.deepEqual(g.json.resources, resources);
    assert.ok(!g.text.includes(r.json.token));

    const l = await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner });
    assert.equal(l.json.results[0].id, r.json.id, 'newest first');
    assert.ok(!l.text.includes(r.json.token));

    const [, claims] = decode(await login(sb, 'acme', r.json.token));
    assert.equal(claims.oat_id, r.json.id);
  });

  test('create without expires_at never expires; two tokens get different secrets', async () => {
    const a = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'a' },
    });
    const b = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'b', expires_at: null },
    });
    assert.equal(a.status, 201);
    assert.equal(a.json.expires_at, null);
    assert.deepEqual(a.json.resources, []);
    assert.equal(a.json.description, '');
    assert.notEqual(a.json.token, b.json.token);
    assert.notEqual(a.json.id, b.json.id);
    for (const t of [a, b])
      await api(sb, 'DELETE', `/v2/orgs/acme/access-tokens/${t.json.id}`, { token: owner });
  });

  test('patch: label, description, resources, is_active; answer with resources', async () => {
    const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'p', resources: resources.slice(0, 1) },
    });
    const path = `/v2/orgs/acme/access-tokens/${c.json.id}`;
    const r = await api(sb, 'PATCH', path, {
      token: owner,
      body: {
        label: 'p2',
        description: 'changed',
        resources: resources.slice(1),
        is_active: false,
      },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      Object.keys(r.json).sort(),
      [...SUMMARY_KEYS, 'description', 'resources'].sort(),
    );
    assert.equal(r.json.label, 'p2');
    assert.equal(r.json.description, 'changed');
    assert.equal(r.json.is_active, false);
    assert.deepEqual(r.json.resources, resources.slice(1));
    assert.equal(r.json.created_at, c.json.created_at);
    assert.deepEqual((await api(sb, 'GET', path, { token: owner })).json, r.json);

    // Deactivated: cannot log in; reactivated: can.
    assert.equal(
      (
        await api(sb, 'POST', '/v2/auth/token', {
          body: { identifier: 'acme', secret: c.json.token },
        })
      ).status,
      401,
    );
    const on = await api(sb, 'PATCH', path, { token: owner, body: { is_active: true } });
    assert.equal(on.json.is_active, true);
    assert.equal(on.json.label, 'p2', 'fields not sent stay');
    await login(sb, 'acme', c.json.token);

    const empty = await api(sb, 'PATCH', path, { token: owner, body: {} });
    assert.equal(empty.status, 200);
    await api(sb, 'DELETE', path, { token: owner });
  });

  test('patch refuses expires_at with 400 and changes nothing', async () => {
    const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'e' },
    });
    const path = `/v2/orgs/acme/access-tokens/${c.json.id}`;
    const r = await api(sb, 'PATCH', path, {
      token: owner,
      body: { label: 'e2', expires_at: '2026-04-01T00:00:00Z' },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(Object.keys(r.json.fields), ['expires_at']);
    const g = await api(sb, 'GET', path, { token: owner });
    assert.equal(g.json.label, 'e');
    assert.equal(g.json.expires_at, null);
    await api(sb, 'DELETE', path, { token: owner });
  });

  test('delete: 204 with no body; then 404 and the token cannot log in', async () => {
    const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'gone' },
    });
    await login(sb, 'acme', c.json.token);
    const before = (await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner })).json
      .total;
    const path = `/v2/orgs/acme/access-tokens/${c.json.id}`;
    const d = await api(sb, 'DELETE', path, { token: owner });
    assert.equal(d.status, 204);
    assert.equal(d.text, '');
    assert.equal(d.headers.get('content-type'), null);
    assert.equal((await api(sb, 'GET', path, { token: owner })).status, 404);
    assert.equal((await api(sb, 'DELETE', path, { token: owner })).status, 404);
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner })).json.total,
      before - 1,
    );
    assert.equal(
      (
        await api(sb, 'POST', '/v2/auth/token', {
          body: { identifier: 'acme', secret: c.json.token },
        })
      ).status,
      401,
    );
  });

  test('a trailing slash and an upper-case org name reach the same routes', async () => {
    const total = (await api(sb, 'GET', '/v2/orgs/acme/access-tokens', { token: owner })).json
      .total;
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/acme/access-tokens/', { token: owner })).json.total,
      total,
    );
    assert.equal(
      (await api(sb, 'GET', '/v2/orgs/ACME/access-tokens', { token: owner })).status,
      200,
    );
  });
});

describe('token limits', () => {
  test('Team: 10 tokens, expired and inactive ones count; 400 with a message', async () => {
    const sb = await startSandbox({ port: 0 });
    try {
      const owner = await login(sb, 'acme-owner');
      const ids = [];
      for (let i = 0; i < 7; i++) {
        const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
          token: owner,
          body: { label: `t${i}` },
        });
        assert.equal(r.status, 201, `token ${i + 4}`);
        ids.push(r.json.id);
      }
      const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
        token: owner,
        body: { label: 'eleventh' },
      });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /limit of 10/);
      assert.deepEqual(r.json.errinfo, {});
      await api(sb, 'DELETE', `/v2/orgs/acme/access-tokens/${ids[0]}`, { token: owner });
      assert.equal(
        (
          await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
            token: owner,
            body: { label: 'again' },
          })
        ).status,
        201,
      );
    } finally {
      await sb.close();
    }
  });

  test('Business: 100 tokens', async () => {
    const sb = await startSandbox({
      port: 0,
      seed: {
        orgs: [{ name: 'biz', plan: 'business', owners: ['acme-owner'], generateTokens: 99 }],
      },
    });
    try {
      const owner = await login(sb, 'acme-owner');
      assert.equal(
        (
          await api(sb, 'POST', '/v2/orgs/biz/access-tokens', {
            token: owner,
            body: { label: 'hundredth' },
          })
        ).status,
        201,
      );
      const r = await api(sb, 'POST', '/v2/orgs/biz/access-tokens', {
        token: owner,
        body: { label: 'one too many' },
      });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /limit of 100/);
    } finally {
      await sb.close();
    }
  });
});
