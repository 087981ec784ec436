// Validation of create and update bodies, with Docker's 400 shape {fields, text}.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox } from '../../web/sandbox/index.js';

const NOW = Date.parse('2026-03-18T21:15:40.504Z');
const DAY = 86_400_000;

async function api(sb, method, path, { token, body, raw } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(sb.url + path, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

async function login(sb, identifier = 'acme-owner', secret = 'sandbox-password') {
  return (await api(sb, 'POST', '/v2/auth/token', { body: { identifier, secret } })).json
    .access_token;
}

const repos = Array.from({ length: 60 }, (_, i) => `r${i}`);

describe('create validation', () => {
  let sb, owner;
  before(async () => {
    sb = await startSandbox({
      port: 0,
      now: () => NOW,
      // Room for many tokens, and 60 repositories for the 50-repository rule.
      seed: {
        orgs: [
          {
            name: 'acme',
            plan: 'business',
            repositories: ['acme/api', 'acme/web', 'acme/worker', ...repos],
          },
        ],
      },
    });
    owner = await login(sb);
  });
  after(() => sb.close());

  const create = (body) => api(sb, 'POST', '/v2/orgs/acme/access-tokens', { token: owner, body });
  async function bad(body, field, re) {
    const r = await create(body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 200)} -> ${r.text}`);
    assert.deepEqual(Object.keys(r.json).sort(), ['fields', 'text']);
    assert.equal(typeof r.json.text, 'string');
    assert.ok(r.json.text.length > 0);
    assert.ok(Array.isArray(r.json.fields[field]), `fields.${field} in ${r.text}`);
    if (re) assert.match(r.json.fields[field].join(' '), re);
    return r;
  }
  async function good(body) {
    const r = await create(body);
    assert.equal(r.status, 201, `${JSON.stringify(body).slice(0, 200)} -> ${r.text}`);
    return r;
  }

  test('label: missing, empty, blank or null -> "This field is required."', async () => {
    for (const body of [
      {},
      { label: '' },
      { label: '   ' },
      { label: null },
      { description: 'no label' },
    ]) {
      const r = await bad(body, 'label');
      assert.deepEqual(r.json.fields.label, ['This field is required.']);
    }
    await bad({ label: 42 }, 'label', /string/);
  });

  test('an empty body counts as {}; a non-object body and malformed JSON are 400', async () => {
    const empty = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', { token: owner, raw: '' });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.json.fields.label, ['This field is required.']);
    await bad([{ label: 'x' }], 'non_field_errors');
    for (const raw of ['{"label": "x"', 'label=x', '{label: "x"}']) {
      const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', { token: owner, raw });
      assert.equal(r.status, 400, raw);
      assert.match(r.json.message, /JSON/);
    }
  });

  test('description: at most 200 characters', async () => {
    await good({ label: 'd200', description: 'x'.repeat(200) });
    await bad({ label: 'd201', description: 'x'.repeat(201) }, 'description', /200/);
    await bad({ label: 'dnum', description: 5 }, 'description');
  });

  test('resource type and scopes must be known, scopes must fit the type', async () => {
    await bad(
      {
        label: 'x',
        resources: [{ type: 'TYPE_TEAM', path: 'acme/api', scopes: ['scope-image-pull'] }],
      },
      'resources',
      /TYPE_TEAM/,
    );
    await bad(
      { label: 'x', resources: [{ path: 'acme/api', scopes: ['scope-image-pull'] }] },
      'resources',
      /type/,
    );
    await bad(
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['repo-pull'] }] },
      'resources',
      /repo-pull/,
    );
    await bad(
      {
        label: 'x',
        resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-member-read'] }],
      },
      'resources',
      /scope-member-read/,
    );
    await bad(
      { label: 'x', resources: [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-image-pull'] }] },
      'resources',
      /scope-image-pull/,
    );
    await bad(
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [] }] },
      'resources',
      /empty/,
    );
    await bad(
      { label: 'x', resources: [{ type: 'TYPE_REPO', path: 'acme/api' }] },
      'resources',
      /scopes/,
    );
    await bad(
      { label: 'x', resources: [{ type: 'TYPE_REPO', scopes: ['scope-image-pull'] }] },
      'resources',
      /path/,
    );
    await bad({ label: 'x', resources: 'acme/api' }, 'resources', /list/);
    await bad({ label: 'x', resources: ['acme/api'] }, 'resources');
  });

  test('every documented scope is accepted for its type', async () => {
    const { REPO_SCOPES, ORG_SCOPES } = await import('../../web/sandbox/index.js');
    assert.equal(REPO_SCOPES.length, 15);
    assert.equal(ORG_SCOPES.length, 18);
    const r = await good({
      label: 'all scopes',
      resources: [
        { type: 'TYPE_REPO', path: 'acme/api', scopes: [...REPO_SCOPES] },
        { type: 'TYPE_ORG', path: 'acme', scopes: [...ORG_SCOPES] },
      ],
    });
    assert.deepEqual(r.json.resources[1].scopes, [...ORG_SCOPES]);
  });

  test('TYPE_REPO path: an existing repository of the org, a glob in it, or */*/public', async () => {
    const pull = ['scope-image-pull'];
    for (const path of ['acme/api', 'acme/*', 'acme/w*', '*/*/public']) {
      await good({ label: path, resources: [{ type: 'TYPE_REPO', path, scopes: pull }] });
    }
    for (const path of [
      'acme/nope',
      'globex/app',
      'globex/*',
      '*/*',
      'acme',
      'acme/api/extra',
      '*/*/private',
      'ACME/API',
    ]) {
      await bad(
        { label: path, resources: [{ type: 'TYPE_REPO', path, scopes: pull }] },
        'resources',
        /repository/,
      );
    }
  });

  test('TYPE_ORG path: the organization name only', async () => {
    await good({
      label: 'org',
      resources: [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] }],
    });
    for (const path of ['globex', 'acme/api', '*']) {
      await bad(
        { label: 'org', resources: [{ type: 'TYPE_ORG', path, scopes: ['scope-member-read'] }] },
        'resources',
        /organization name/,
      );
    }
  });

  test('at most 50 repositories per token (*/*/public does not count)', async () => {
    const res = (n) =>
      repos
        .slice(0, n)
        .map((r) => ({ type: 'TYPE_REPO', path: `acme/${r}`, scopes: ['scope-image-pull'] }));
    await good({
      label: '50',
      resources: [
        ...res(50),
        { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
      ],
    });
    await bad({ label: '51', resources: res(51) }, 'resources', /at most 50/);
  });

  test('expires_at: RFC 3339, in the future, at most a year ahead; null means never', async () => {
    const iso = (ms) => new Date(ms).toISOString();
    await good({ label: 'tomorrow', expires_at: iso(NOW + DAY) });
    await good({ label: 'offset', expires_at: '2026-03-20T10:00:00+02:00' });
    await good({ label: 'micros', expires_at: '2026-04-01T00:00:00.123456Z' }).then((r) =>
      assert.equal(r.json.expires_at, '2026-04-01T00:00:00.123456Z'),
    );
    await good({ label: 'a year', expires_at: iso(NOW + 365 * DAY) });
    await good({ label: 'never', expires_at: null }).then((r) =>
      assert.equal(r.json.expires_at, null),
    );
    for (const v of [
      '2026-04-01',
      '2026-04-01T00:00:00',
      '01/04/2026',
      'tomorrow',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      1774000000,
      true,
    ]) {
      await bad({ label: 'fmt', expires_at: v }, 'expires_at', /RFC 3339/);
    }
    await bad({ label: 'past', expires_at: iso(NOW - 1000) }, 'expires_at', /future/);
    await bad({ label: 'now', expires_at: iso(NOW) }, 'expires_at', /future/);
    await bad({ label: 'far', expires_at: iso(NOW + 366 * DAY) }, 'expires_at', /365 days/);
  });

  test('several problems are all reported, each under its field', async () => {
    const r = await bad(
      {
        label: '',
        description: 'y'.repeat(300),
        expires_at: 'soon',
        resources: [{ type: 'X', path: 'a', scopes: ['b'] }],
      },
      'label',
    );
    assert.deepEqual(Object.keys(r.json.fields).sort(), [
      'description',
      'expires_at',
      'label',
      'resources',
    ]);
  });

  test('is_active at create is ignored (the API has none)', async () => {
    const r = await good({ label: 'inactive?', is_active: false });
    assert.equal(r.json.is_active, true);
  });
});

describe('update validation', () => {
  let sb, owner, path;
  before(async () => {
    sb = await startSandbox({ port: 0, now: () => NOW });
    owner = await login(sb);
    const c = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
      token: owner,
      body: { label: 'u' },
    });
    path = `/v2/orgs/acme/access-tokens/${c.json.id}`;
  });
  after(() => sb.close());

  test('the same field rules as create; nothing changes on 400', async () => {
    for (const [body, field] of [
      [{ label: '' }, 'label'],
      [{ label: null }, 'label'],
      [{ description: 'z'.repeat(201) }, 'description'],
      [
        { resources: [{ type: 'TYPE_REPO', path: 'globex/app', scopes: ['scope-image-pull'] }] },
        'resources',
      ],
      [{ is_active: 'yes' }, 'is_active'],
      [{ expires_at: null }, 'expires_at'],
      [{ label: 'ok', is_active: 0 }, 'is_active'],
    ]) {
      const r = await api(sb, 'PATCH', path, { token: owner, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.json.fields[field], `${field} in ${r.text}`);
    }
    const g = await api(sb, 'GET', path, { token: owner });
    assert.equal(g.json.label, 'u');
    assert.equal(g.json.is_active, true);
  });

  test('malformed JSON is 400', async () => {
    const r = await api(sb, 'PATCH', path, { token: owner, raw: '{' });
    assert.equal(r.status, 400);
  });
});

describe('limit switches', () => {
  test("the manuals' limits can be switched off with null", async () => {
    const sb = await startSandbox({
      port: 0,
      now: () => NOW,
      limits: { descriptionMax: null, expiryMaxDays: null },
    });
    try {
      const owner = await login(sb);
      const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
        token: owner,
        body: { label: 'long', description: 'x'.repeat(500), expires_at: '2030-01-01T00:00:00Z' },
      });
      assert.equal(r.status, 201, r.text);
    } finally {
      await sb.close();
    }
  });

  test('tokenLimits changes the per-plan limit', async () => {
    const sb = await startSandbox({ port: 0, tokenLimits: { team: 3 } });
    try {
      const r = await api(sb, 'POST', '/v2/orgs/acme/access-tokens', {
        token: await login(sb),
        body: { label: 'fourth' },
      });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /limit of 3/);
    } finally {
      await sb.close();
    }
  });
});
