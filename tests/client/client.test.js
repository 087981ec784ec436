// The client end to end (issue 2): every operation and its WithHttpInfo variant through the real
// WASM module against the sandbox, errors mapped from the server's answers, the two ways of
// giving a token, argument checks that send nothing, close(), and no global touched.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import {
  ORG,
  OWNER,
  MEMBER,
  OAT,
  PULL_API,
  LIST_ROUTE,
  SIGN_IN_ROUTE,
  openOwnerWorld,
  rejectsWith,
  collect,
  until,
} from '../fixtures/hub.js';

const RESOURCES = [
  PULL_API,
  { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-pull', 'scope-image-push'] },
  { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
];
const SUMMARY_KEYS = [
  'created_at',
  'created_by',
  'expires_at',
  'id',
  'is_active',
  'label',
  'last_used_at',
];

let world;
let sb;
let hub; // signed in as the owner, shared by the tests that need no client of their own

before(async () => {
  // The Team limit (10) is not what this file tests: raise it so the creates never meet it.
  world = await openOwnerWorld({ tokenLimits: { team: 100 } });
  ({ sb, hub } = world);
});

after(async () => {
  await world.close();
});

function assertHeaders(headers) {
  assert.equal(typeof headers, 'object');
  const names = Object.keys(headers);
  assert.ok(names.length > 0, 'some headers');
  for (const name of names) {
    assert.equal(name, name.toLowerCase(), `header name ${name} is lower-case`);
    assert.equal(typeof headers[name], 'string', `header ${name} is a string`);
  }
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.match(headers[name] ?? '', /^\d+$/, `${name} is present`);
  }
}

function assertRateLimit(client, headers) {
  const rl = client.rateLimit;
  assert.ok(rl, 'rateLimit is set after a call');
  assert.deepEqual(Object.keys(rl).sort(), ['limit', 'remaining', 'reset']);
  for (const k of ['limit', 'remaining', 'reset'])
    assert.equal(typeof rl[k], 'number', `rateLimit.${k} is a number`);
  if (headers) {
    assert.deepEqual(rl, {
      limit: Number(headers['x-ratelimit-limit']),
      remaining: Number(headers['x-ratelimit-remaining']),
      reset: Number(headers['x-ratelimit-reset']),
    });
  }
}

/** A token of our own, for the tests that change or delete one. */
async function makeToken(label = 'e2e-token', extra = {}) {
  return hub.createAccessToken(ORG, { label, resources: [PULL_API], ...extra });
}

describe('operations', () => {
  test('listAccessTokens and listAccessTokensWithHttpInfo', async () => {
    const fresh = await world.client();
    assert.equal(fresh.rateLimit, null, 'no rateLimit before any call');
    const info = await fresh.listAccessTokensWithHttpInfo(ORG);
    assert.equal(info.status, 200);
    assert.deepEqual(Object.keys(info).sort(), ['data', 'headers', 'status']);
    assertHeaders(info.headers);
    assertRateLimit(fresh, info.headers);
    const page = info.data;
    assert.deepEqual(Object.keys(page).sort(), ['next', 'previous', 'results', 'total']);
    assert.equal(typeof page.total, 'number');
    assert.ok(page.total >= 3);
    assert.ok(Array.isArray(page.results));
    const labels = page.results.map((t) => t.label);
    for (const l of ['ci-pull', 'legacy-deploy', 'q1-audit'])
      assert.ok(labels.includes(l), `${l} is listed`);
    for (const item of page.results) {
      assert.equal('resources' in item, false, 'list items carry no resources');
      assert.deepEqual(Object.keys(item).sort(), SUMMARY_KEYS, 'the wire names, exactly');
    }
    const legacy = page.results.find((t) => t.label === 'legacy-deploy');
    assert.equal(legacy.is_active, false);
    assert.equal(legacy.created_by, 'acme-owner');

    const plain = await fresh.listAccessTokens(ORG, { page: 1, pageSize: 2 });
    assert.deepEqual(Object.keys(plain).sort(), ['next', 'previous', 'results', 'total']);
    assert.equal(plain.results.length, 2);
    assert.match(plain.next, /[?&]page=2\b/);
    assert.equal(plain.previous, null);
    const q = sb.requests.at(-1);
    assert.equal(q.method, 'GET');
    assert.equal(q.path, `/v2/orgs/${ORG}/access-tokens`);
    assert.deepEqual(q.query, { page: '1', page_size: '2' });
  });

  test('listAllAccessTokens yields every token', async () => {
    const all = await collect(hub.listAllAccessTokens(ORG, { pageSize: 1 }));
    const page = await hub.listAccessTokens(ORG, { pageSize: 100 });
    assert.deepEqual(
      all.map((t) => t.id),
      page.results.map((t) => t.id),
    );
  });

  test('createAccessToken and createAccessTokenWithHttpInfo', async () => {
    const expires = new Date(Date.now() + 30 * 86400e3).toISOString();
    const info = await hub.createAccessTokenWithHttpInfo(ORG, {
      label: 'e2e-create',
      description: 'made by client.test.js',
      resources: RESOURCES,
      expires_at: expires,
    });
    assert.equal(info.status, 201);
    assertHeaders(info.headers);
    assertRateLimit(hub, info.headers);
    const t = info.data;
    assert.match(t.token, OAT);
    assert.ok(t.token.startsWith('dckr_oat_'));
    assert.equal('created_by' in t, false, 'a create answer has no created_by');
    assert.equal(t.label, 'e2e-create');
    assert.equal(t.description, 'made by client.test.js');
    assert.deepEqual(t.resources, RESOURCES);
    assert.equal(t.is_active, true);
    assert.match(t.id, /^[0-9a-f-]{36}$/);
    assert.equal(Date.parse(t.expires_at.replace(/(\.\d{3})\d+/, '$1')), Date.parse(expires));
    const last = sb.requests.at(-1);
    assert.deepEqual([last.method, last.path], ['POST', `/v2/orgs/${ORG}/access-tokens`]);

    const plain = await hub.createAccessToken(ORG, {
      label: 'e2e-create-plain',
      resources: [PULL_API],
    });
    assert.match(plain.token, OAT);
    assert.notEqual(plain.token, t.token);
    assert.equal('created_by' in plain, false);
    assert.deepEqual(plain.resources, [PULL_API]);
    assert.equal(plain.expires_at, null);
  });

  test('getAccessToken and getAccessTokenWithHttpInfo', async () => {
    const made = await makeToken('e2e-get', { description: 'to read back' });
    const info = await hub.getAccessTokenWithHttpInfo(ORG, made.id);
    assert.equal(info.status, 200);
    assertHeaders(info.headers);
    assertRateLimit(hub, info.headers);
    assert.equal(info.data.id, made.id);
    assert.equal(info.data.label, 'e2e-get');
    assert.equal(info.data.description, 'to read back');
    assert.deepEqual(info.data.resources, [PULL_API]);
    assert.equal(info.data.created_by, 'acme-owner');
    assert.equal('token' in info.data, false, 'the secret is shown only at creation');

    const seeded = sb.credentials.tokens.find((t) => t.org === ORG && t.label === 'ci-pull');
    const plain = await hub.getAccessToken(ORG, seeded.id);
    assert.equal(plain.label, 'ci-pull');
    assert.ok(
      Array.isArray(plain.resources) && plain.resources.length > 0,
      'get carries resources',
    );
  });

  test('updateAccessToken and updateAccessTokenWithHttpInfo', async () => {
    const made = await makeToken('e2e-update');
    const info = await hub.updateAccessTokenWithHttpInfo(ORG, made.id, {
      label: 'e2e-updated',
      description: 'changed',
    });
    assert.equal(info.status, 200);
    assertHeaders(info.headers);
    assert.equal(info.data.id, made.id);
    assert.equal(info.data.label, 'e2e-updated');
    assert.equal(info.data.description, 'changed');
    assert.deepEqual(info.data.resources, [PULL_API]);
    const last = sb.requests.at(-1);
    assert.deepEqual(
      [last.method, last.path],
      ['PATCH', `/v2/orgs/${ORG}/access-tokens/${made.id}`],
    );

    const off = await hub.updateAccessToken(ORG, made.id, { is_active: false });
    assert.equal(off.is_active, false);
    assert.equal(off.label, 'e2e-updated');
    assert.equal((await hub.getAccessToken(ORG, made.id)).is_active, false);

    const resources = [{ type: 'TYPE_REPO', path: 'acme/worker', scopes: ['scope-image-push'] }];
    const moved = await hub.updateAccessToken(ORG, made.id, { resources, is_active: true });
    assert.deepEqual(moved.resources, resources);
    assert.equal(moved.is_active, true);
  });

  test('deleteAccessToken and deleteAccessTokenWithHttpInfo', async () => {
    const a = await makeToken('e2e-delete-a');
    const b = await makeToken('e2e-delete-b');
    const info = await hub.deleteAccessTokenWithHttpInfo(ORG, a.id);
    assert.equal(info.status, 204);
    assert.equal(info.data, undefined);
    assert.ok('data' in info);
    assertHeaders(info.headers);
    assertRateLimit(hub, info.headers);
    const last = sb.requests.at(-1);
    assert.deepEqual([last.method, last.path], ['DELETE', `/v2/orgs/${ORG}/access-tokens/${a.id}`]);

    assert.equal(await hub.deleteAccessToken(ORG, b.id), undefined);
    for (const id of [a.id, b.id]) {
      const err = await rejectsWith(hub.getAccessToken(ORG, id), 'not_found');
      assert.equal(err.status, 404);
    }
    const ids = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.map((t) => t.id);
    assert.ok(!ids.includes(a.id) && !ids.includes(b.id));
  });
});

describe("errors carry the server's word", () => {
  test('400: a description over 200 characters -> bad_request with fields', async () => {
    const before = (await hub.listAccessTokens(ORG, { pageSize: 100 })).total;
    const err = await rejectsWith(
      hub.createAccessToken(ORG, {
        label: 'too-long',
        description: 'd'.repeat(201),
        resources: [PULL_API],
      }),
      'bad_request',
    );
    assert.equal(err.status, 400);
    assert.ok(err.fields?.description, 'fields.description');
    assert.match(err.message, /200 characters/);
    assert.equal(
      (await hub.listAccessTokens(ORG, { pageSize: 100 })).total,
      before,
      'nothing was created',
    );
  });

  test('400: an unknown scope -> bad_request with fields', async () => {
    const err = await rejectsWith(
      hub.createAccessToken(ORG, {
        label: 'bad-scope',
        resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-fly'] }],
      }),
      'bad_request',
    );
    assert.equal(err.status, 400);
    assert.ok(Array.isArray(err.fields?.resources), 'fields.resources');
    assert.match(err.message, /scope-image-fly/);
    assert.equal(typeof err.headers, 'object');
    assert.equal(err.headers['x-ratelimit-limit'] !== undefined, true);
  });

  test('401: a bad password -> unauthorized, and the password is nowhere in the error', async () => {
    const password = 'Wrong-Secret-7f3a9c';
    const bad = await world.client({ credentials: { identifier: 'acme-owner', secret: password } });
    const err = await rejectsWith(bad.listAccessTokens(ORG), 'unauthorized');
    assert.equal(err.status, 401);
    assert.match(err.message, /Incorrect authentication credentials/, "the server's message");
    for (const text of [
      err.message,
      String(err),
      JSON.stringify(err),
      err.stack ?? '',
      JSON.stringify(err.headers ?? {}),
    ]) {
      assert.equal(text.includes(password), false, `the password leaks into ${text}`);
    }
  });

  test('403: signed in as a member -> forbidden', async () => {
    const member = await world.client({ credentials: MEMBER });
    const err = await rejectsWith(member.listAccessTokens(ORG), 'forbidden');
    assert.equal(err.status, 403);
    assert.match(err.message, /owners/);
    const other = await rejectsWith(hub.listAccessTokens('globex'), 'forbidden');
    assert.equal(other.status, 403);
  });

  test('404: an unknown token id and an unknown org -> not_found', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      () => hub.getAccessToken(ORG, id),
      () => hub.updateAccessToken(ORG, id, { label: 'x' }),
      () => hub.deleteAccessToken(ORG, id),
    ]) {
      const err = await rejectsWith(call(), 'not_found');
      assert.equal(err.status, 404);
      assert.match(err.message, /not found/i);
    }
    const err = await rejectsWith(hub.listAccessTokens('nosuchorg'), 'not_found');
    assert.equal(err.status, 404);
    assert.match(err.message, /nosuchorg/);
    await rejectsWith(
      hub.createAccessToken('nosuchorg', { label: 'x', resources: [PULL_API] }),
      'not_found',
    );
  });

  test('a secret the server echoes back is not in the error', async () => {
    const jwt = sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
    const byJwt = await world.client({ token: jwt });
    sb.faults({
      method: 'GET',
      path: 'access-tokens$',
      status: 401,
      times: 1,
      body: { message: `bad token ${jwt}`, detail: jwt, errinfo: { token: jwt } },
    });
    const err = await rejectsWith(byJwt.listAccessTokens(ORG), 'unauthorized');
    for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '']) {
      assert.equal(text.includes(jwt), false, `the JWT leaks into ${text}`);
    }
    assert.match(err.message, /^bad token /, 'the rest of the message is kept');

    const secret = 'Echoed-Secret-93b1';
    const byPassword = await world.client({ credentials: { identifier: 'acme-owner', secret } });
    sb.faults({
      method: 'POST',
      path: '^/v2/auth/token$',
      status: 400,
      times: 1,
      body: { message: `cannot parse ${secret}`, fields: { secret: [secret] } },
    });
    const err2 = await rejectsWith(byPassword.listAccessTokens(ORG), 'bad_request');
    assert.equal(JSON.stringify(err2).includes(secret), false, JSON.stringify(err2));
    assert.equal(err2.message.includes(secret), false);
  });

  test('every error is a DockerHubError and an Error, with code, status and message', async () => {
    const errs = [];
    for (const call of [
      () => hub.getAccessToken(ORG, 'nope'),
      () => hub.listAccessTokens(ORG, { page: 0 }),
    ]) {
      errs.push(
        await call().then(
          () => assert.fail('resolved'),
          (e) => e,
        ),
      );
    }
    for (const e of errs) {
      assert.ok(e instanceof DockerHubError);
      assert.ok(e instanceof Error);
      assert.equal(e.name, 'DockerHubError');
      assert.equal(typeof e.code, 'string');
      assert.equal(typeof e.status, 'number');
      assert.ok(e.message.length > 0);
    }
    assert.equal(errs[1].status, 0, 'no response: status 0');
  });
});

describe('the token option', () => {
  test('a JWT string: no sign-in request, the calls work', async () => {
    const jwt = sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
    const client = await world.client({ token: jwt });
    const signIns = world.count(SIGN_IN_ROUTE);
    const page = await client.listAccessTokens(ORG);
    assert.ok(page.total >= 3);
    const made = await client.createAccessToken(ORG, { label: 'by-jwt', resources: [PULL_API] });
    assert.equal((await client.getAccessToken(ORG, made.id)).label, 'by-jwt');
    await client.deleteAccessToken(ORG, made.id);
    assert.equal(world.count(SIGN_IN_ROUTE), signIns, 'no sign-in with a given JWT');
  });

  test('an async function: called for a JWT, the calls work', async () => {
    let calls = 0;
    const client = await world.client({
      token: async () => {
        calls++;
        await Promise.resolve();
        return sb.mintJwt({ kind: 'password', sub: 'acme-owner' });
      },
    });
    const signIns = world.count(SIGN_IN_ROUTE);
    assert.ok((await client.listAccessTokens(ORG)).total >= 3);
    assert.ok((await client.listAccessTokens(ORG)).total >= 3);
    assert.equal(calls, 1, 'the JWT is kept while it is valid');
    assert.equal(world.count(SIGN_IN_ROUTE), signIns);
  });

  test('a sync function works too; a function that throws -> unauthorized', async () => {
    const ok = await world.client({
      token: () => sb.mintJwt({ kind: 'password', sub: 'acme-owner' }),
    });
    assert.ok((await ok.listAccessTokens(ORG)).total >= 3);
    const n = sb.requests.length;
    const broken = await world.client({
      token: () => {
        throw new Error('vault sealed');
      },
    });
    const err = await rejectsWith(broken.listAccessTokens(ORG), 'unauthorized');
    assert.equal(sb.requests.length, n, 'no request without a JWT');
    assert.doesNotMatch(err.message, /^$/);
  });

  test('a JWT of a member: forbidden, as with credentials', async () => {
    const client = await world.client({
      token: sb.mintJwt({ kind: 'password', sub: 'acme-member' }),
    });
    await rejectsWith(client.listAccessTokens(ORG), 'forbidden');
  });
});

describe('invalid arguments are refused before any request', () => {
  let fresh; // never used for a valid call: a sign-in would show in sb.requests too
  const ID = '00000000-0000-4000-8000-000000000000';

  before(async () => {
    fresh = await world.client();
  });

  async function refused(what, makePromise) {
    const n = sb.requests.length;
    const err = await rejectsWith(makePromise(), 'invalid_argument').catch((e) => {
      e.message = `${what}: ${e.message}`;
      throw e;
    });
    assert.equal(err.status, 0, `${what}: status 0`);
    assert.equal(
      sb.requests.length,
      n,
      `${what}: no request was sent (${JSON.stringify(sb.requests.slice(n))})`,
    );
    return err;
  }

  const BAD_NAMES = [
    ['empty', ''],
    ['256 characters', 'a'.repeat(256)],
    ['a slash', 'ac/me'],
    ['..', '..'],
    ['.', '.'],
    ['a ?', 'acme?x=1'],
    ['a #', 'acme#x'],
    ['a %', 'ac%2Fme'],
    ['a space', 'ac me'],
    ['a CR', 'ac\rme'],
    ['a LF', 'ac\nme'],
    ['a NUL', 'acme\0/x'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object', { toString: () => 'acme' }],
    ['an array', ['acme']],
  ];

  for (const [label, bad] of BAD_NAMES) {
    test(`org ${label}`, async () => {
      await refused('list', () => fresh.listAccessTokens(bad));
      await refused('listWithHttpInfo', () => fresh.listAccessTokensWithHttpInfo(bad));
      await refused('listAll', () => collect(fresh.listAllAccessTokens(bad)));
      await refused('create', () =>
        fresh.createAccessToken(bad, { label: 'x', resources: [PULL_API] }),
      );
      await refused('get', () => fresh.getAccessToken(bad, ID));
      await refused('update', () => fresh.updateAccessToken(bad, ID, { label: 'x' }));
      await refused('delete', () => fresh.deleteAccessToken(bad, ID));
      await refused('deleteWithHttpInfo', () => fresh.deleteAccessTokenWithHttpInfo(bad, ID));
    });

    test(`id ${label}`, async () => {
      await refused('get', () => fresh.getAccessToken(ORG, bad));
      await refused('getWithHttpInfo', () => fresh.getAccessTokenWithHttpInfo(ORG, bad));
      await refused('update', () => fresh.updateAccessToken(ORG, bad, { label: 'x' }));
      await refused('delete', () => fresh.deleteAccessToken(ORG, bad));
    });
  }

  test('a 255-character org is not refused: it goes to the server (404)', async () => {
    const err = await rejectsWith(hub.listAccessTokens('a'.repeat(255)), 'not_found');
    assert.equal(err.status, 404);
  });

  test('page and pageSize', async () => {
    for (const page of [0, -1, 1.5, '1', NaN, Infinity, null]) {
      await refused(`page ${String(page)}`, () => fresh.listAccessTokens(ORG, { page }));
    }
    for (const pageSize of [0, 101, -5, 2.5, '10']) {
      await refused(`pageSize ${pageSize}`, () => fresh.listAccessTokens(ORG, { pageSize }));
      await refused(`listAll pageSize ${pageSize}`, () =>
        collect(fresh.listAllAccessTokens(ORG, { pageSize })),
      );
    }
  });

  const BAD_CREATES = [
    ['no label', { resources: [PULL_API] }],
    ['label ""', { label: '', resources: [PULL_API] }],
    ['label not a string', { label: 7, resources: [PULL_API] }],
    [
      'a resource without type',
      { label: 'x', resources: [{ path: 'acme/api', scopes: ['scope-image-pull'] }] },
    ],
    [
      'a resource without path',
      { label: 'x', resources: [{ type: 'TYPE_REPO', scopes: ['scope-image-pull'] }] },
    ],
    [
      'a resource without scopes',
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api' }] },
    ],
    [
      'a resource with empty scopes',
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [] }] },
    ],
    [
      'type TYPE_USER',
      {
        label: 'x',
        resources: [{ type: 'TYPE_USER', path: 'acme/api', scopes: ['scope-image-pull'] }],
      },
    ],
    [
      'scopes not an array',
      {
        label: 'x',
        resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: 'scope-image-pull' }],
      },
    ],
    [
      'a scope ""',
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [''] }] },
    ],
    [
      'a scope that is a number',
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [1] }] },
    ],
    ['resources not an array', { label: 'x', resources: PULL_API }],
    ['expires_at "tomorrow"', { label: 'x', resources: [PULL_API], expires_at: 'tomorrow' }],
    [
      'expires_at 2026-02-30',
      { label: 'x', resources: [PULL_API], expires_at: '2026-02-30T00:00:00Z' },
    ],
    ['expires_at a number', { label: 'x', resources: [PULL_API], expires_at: 1767225600 }],
    ['an unknown key is_active', { label: 'x', resources: [PULL_API], is_active: true }],
    ['an unknown key labels', { labels: 'x', resources: [PULL_API] }],
    ['null', null],
    ['an array', [{ label: 'x' }]],
    ['a string', '{"label":"x"}'],
  ];
  for (const [label, body] of BAD_CREATES) {
    test(`create with ${label}`, async () => {
      await refused('create', () => fresh.createAccessToken(ORG, body));
      await refused('createWithHttpInfo', () => fresh.createAccessTokenWithHttpInfo(ORG, body));
    });
  }

  const BAD_UPDATES = [
    ['expires_at', { expires_at: '2027-01-01T00:00:00Z' }],
    ['expires_at null', { label: 'x', expires_at: null }],
    ['nothing to change', {}],
    ['is_active "yes"', { is_active: 'yes' }],
    ['is_active 1', { is_active: 1 }],
    ['label ""', { label: '' }],
    ['an unknown key', { lable: 'x' }],
    ['a bad resource', { resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [''] }] }],
    ['null', null],
  ];
  for (const [label, body] of BAD_UPDATES) {
    test(`update with ${label}`, async () => {
      await refused('update', () => fresh.updateAccessToken(ORG, ID, body));
      await refused('updateWithHttpInfo', () => fresh.updateAccessTokenWithHttpInfo(ORG, ID, body));
    });
  }

  test('unknown option keys and bad options', async () => {
    await refused('list { pages }', () => fresh.listAccessTokens(ORG, { pages: 2 }));
    await refused('list { page_size }', () => fresh.listAccessTokens(ORG, { page_size: 2 }));
    await refused('listAll { page }', () => collect(fresh.listAllAccessTokens(ORG, { page: 2 })));
    await refused('get { timeout }', () => fresh.getAccessToken(ORG, ID, { timeout: 5 }));
    await refused('create { force }', () =>
      fresh.createAccessToken(ORG, { label: 'x', resources: [PULL_API] }, { force: true }),
    );
    await refused('update { x }', () => fresh.updateAccessToken(ORG, ID, { label: 'x' }, { x: 1 }));
    await refused('delete { signal: {} }', () => fresh.deleteAccessToken(ORG, ID, { signal: {} }));
    await refused('get options null', () => fresh.getAccessToken(ORG, ID, null));
    await refused('list options a string', () => fresh.listAccessTokens(ORG, 'page=2'));
  });

  test('createClient refuses bad options', async () => {
    const cases = [
      ['baseUrl ftp://x', { baseUrl: 'ftp://x', credentials: OWNER }],
      ['baseUrl with user info', { baseUrl: 'https://u:p@h', credentials: OWNER }],
      ['baseUrl with a query', { baseUrl: `${sb.url}?x=1`, credentials: OWNER }],
      ['baseUrl not a string', { baseUrl: 42, credentials: OWNER }],
      [
        'token and credentials',
        { baseUrl: sb.url, token: 'eyJhbGciOiJIUzI1NiJ9.e30.x', credentials: OWNER },
      ],
      ['an unknown option', { baseUrl: sb.url, credentials: OWNER, retries: 2 }],
      [
        'credentials without secret',
        { baseUrl: sb.url, credentials: { identifier: 'acme-owner' } },
      ],
      ['a token that is a number', { baseUrl: sb.url, token: 12 }],
      ['timeoutMs 0', { baseUrl: sb.url, credentials: OWNER, timeoutMs: 0 }],
      ['maxRetries -1', { baseUrl: sb.url, credentials: OWNER, maxRetries: -1 }],
    ];
    for (const [what, options] of cases) await refused(what, () => createClient(options));
    await refused('options null', () => createClient(null));
  });
});

describe('close()', () => {
  test('later calls reject with closed; close twice is harmless', async () => {
    const client = await world.client();
    await client.listAccessTokens(ORG);
    client.close();
    client.close();
    const n = sb.requests.length;
    const ID = sb.credentials.tokens.find((t) => t.org === ORG).id;
    await rejectsWith(client.listAccessTokens(ORG), 'closed');
    await rejectsWith(client.listAccessTokensWithHttpInfo(ORG), 'closed');
    await rejectsWith(collect(client.listAllAccessTokens(ORG)), 'closed');
    await rejectsWith(
      client.createAccessToken(ORG, { label: 'x', resources: [PULL_API] }),
      'closed',
    );
    await rejectsWith(client.getAccessToken(ORG, ID), 'closed');
    await rejectsWith(client.updateAccessToken(ORG, ID, { label: 'x' }), 'closed');
    await rejectsWith(client.deleteAccessTokenWithHttpInfo(ORG, ID), 'closed');
    assert.equal(sb.requests.length, n, 'nothing sent after close');
    assert.ok(client.rateLimit, 'rateLimit stays readable');
  });

  test('a call in flight at close rejects with closed at once', async () => {
    const client = await world.client();
    await client.listAccessTokens(ORG);
    sb.faults({ method: 'GET', path: 'access-tokens$', delayMs: 2000, times: 1 });
    const n = sb.requests.length;
    const p = client.listAccessTokens(ORG);
    const outcome = p.then(
      () => 'resolved',
      (e) => e,
    );
    await until(() => sb.requests.length > n, 'the request to reach the sandbox');
    const t0 = performance.now();
    client.close();
    const err = await outcome;
    assert.ok(err instanceof DockerHubError, `rejected, not ${err}`);
    assert.equal(err.code, 'closed');
    assert.ok(performance.now() - t0 < 500, 'without waiting for the answer');
    sb.clearFaults();
  });

  test('a call waiting for its sign-in at close rejects with closed', async () => {
    const client = await world.client();
    sb.faults({ method: 'POST', path: '^/v2/auth/token$', delayMs: 2000, times: 1 });
    const n = world.count(SIGN_IN_ROUTE);
    const lists = world.count(LIST_ROUTE);
    const outcome = client.listAccessTokens(ORG).then(
      () => 'resolved',
      (e) => e,
    );
    await until(() => world.count(SIGN_IN_ROUTE) > n, 'the sign-in to reach the sandbox');
    client.close();
    const err = await outcome;
    assert.equal(err?.code, 'closed');
    assert.equal(world.count(LIST_ROUTE), lists, 'the list was never sent');
    sb.clearFaults();
  });

  test('closing during listAllAccessTokens ends the iteration with closed', async () => {
    const client = await world.client();
    const seen = [];
    const err = await (async () => {
      for await (const t of client.listAllAccessTokens(ORG, { pageSize: 1 })) {
        seen.push(t.id);
        client.close();
      }
    })().then(
      () => 'finished',
      (e) => e,
    );
    assert.equal(seen.length, 1);
    assert.ok(err instanceof DockerHubError, `rejected, not ${err}`);
    assert.equal(err.code, 'closed');
  });
});

describe('globals', () => {
  const probe = fileURLToPath(new URL('../probes/globals-probe.js', import.meta.url));
  const runProbe = (...args) =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [probe, sb.url, ...args],
        { timeout: 20000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`the probe failed: ${err.message}\n${stderr}`));
          else resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
        },
      );
    });

  test('importing the package and making calls adds or changes no global', async () => {
    const report = await runProbe();
    assert.equal(report.failure, undefined, report.failure);
    assert.deepEqual(report.calls, [
      'list:' + report.calls[0].slice(5),
      'create:string',
      'get:true',
      'delete',
      'error:not_found',
    ]);
    assert.deepEqual(report.added, [], 'globals added');
    assert.deepEqual(report.removed, [], 'globals removed');
    assert.deepEqual(report.changed, [], 'globals changed');
    assert.equal(report.xhrBefore, 'undefined');
    assert.equal(report.xhrAfter, 'undefined', 'no XMLHttpRequest left on globalThis');
  });

  test('the probe itself sees a global that is added or changed', async () => {
    const report = await runProbe('--canary');
    assert.deepEqual(report.added, ['dockerhubOatCanary']);
    assert.deepEqual(report.changed, ['escape']);
  });
});
