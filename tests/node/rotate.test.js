// rotateAccessToken (bindings/rotate.js) against the sandbox: each retire mode, a failing read,
// create and retire, argument checks and cancellation. Nothing may be lost on any path.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openOwnerWorld } from './helpers/hub.js';
import { DockerHubError } from '../../bindings/index.node.js';
import { rotateAccessToken } from '../../bindings/rotate.js';

const ORG = 'acme';
const DAY = 86400e3;
const OAT = /^dckr_oat_[A-Za-z0-9]{32}$/;
const RESOURCES = [
  { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] },
  { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-push'] },
  { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
  { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
];

const ms = (s) => Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
/** Requests to the token routes (the login is not counted). */
const tokenCalls = (sb) => sb.requests.filter((r) => r.path.includes('/access-tokens')).map((r) => r.method);

let world;
let sb;
let hub;

beforeEach(async () => {
  world = await openOwnerWorld();
  ({ sb, hub } = world);
});

afterEach(async () => {
  await world.close();
});

/** The token to rotate: every field set, expiring in 30 days. */
async function oldToken({ expiresInDays = 30 } = {}) {
  const created = await hub.createAccessToken(ORG, {
    label: 'deploy-bot',
    description: 'Pushes the web image from CI',
    resources: RESOURCES,
    expires_at: expiresInDays == null ? null : new Date(Date.now() + expiresInDays * DAY).toISOString(),
  });
  const old = await hub.getAccessToken(ORG, created.id);
  sb.resetRequests();
  return old;
}

function assertLike(newToken, old) {
  assert.notEqual(newToken.id, old.id);
  assert.match(newToken.token, OAT);
  assert.equal(newToken.label, old.label);
  assert.equal(newToken.description, old.description);
  assert.deepEqual(newToken.resources, old.resources);
  assert.equal(newToken.is_active, true);
  if (old.expires_at === null) {
    assert.equal(newToken.expires_at, null);
  } else {
    const oldSpan = ms(old.expires_at) - ms(old.created_at);
    const newSpan = ms(newToken.expires_at) - ms(newToken.created_at);
    assert.ok(Math.abs(newSpan - oldSpan) < 5000, `span ${newSpan} ms, the old one ${oldSpan} ms`);
  }
}

describe('retire modes', () => {
  test('deactivate (the default): a like token, the old one inactive', async () => {
    const old = await oldToken();
    const result = await rotateAccessToken(hub, ORG, old.id);
    assert.equal(result.retired, true);
    assert.equal(result.retireError, null);
    assertLike(result.token, old);
    assert.deepEqual(Object.keys(result).sort(), ['retireError', 'retired', 'token']);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'PATCH']);
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, false);
    const fresh = await hub.getAccessToken(ORG, result.token.id);
    assert.equal(fresh.is_active, true);
    assert.deepEqual(fresh.resources, old.resources);
  });

  test('delete: the old token is gone', async () => {
    const old = await oldToken({ expiresInDays: 90 });
    const result = await rotateAccessToken(hub, ORG, old.id, { retire: 'delete' });
    assert.equal(result.retired, true);
    assert.equal(result.retireError, null);
    assertLike(result.token, old);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'DELETE']);
    await assert.rejects(hub.getAccessToken(ORG, old.id), { code: 'not_found', status: 404 });
  });

  test('keep: both tokens active, retired false, no retire request', async () => {
    const old = await oldToken({ expiresInDays: 7 });
    const result = await rotateAccessToken(hub, ORG, old.id, { retire: 'keep' });
    assert.equal(result.retired, false);
    assert.equal(result.retireError, null);
    assertLike(result.token, old);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST']);
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });

  test('a token that never expires gets a successor that never expires', async () => {
    const old = await oldToken({ expiresInDays: null });
    assert.equal(old.expires_at, null);
    const result = await rotateAccessToken(hub, ORG, old.id);
    assertLike(result.token, old);
    assert.equal(result.token.expires_at, null);
  });

  test('a seeded token with a short description and public read rotates too', async () => {
    const seeded = sb.credentials.tokens.find((t) => t.label === 'ci-pull');
    const old = await hub.getAccessToken(ORG, seeded.id);
    const result = await rotateAccessToken(hub, ORG, old.id);
    assertLike(result.token, old);
    assert.ok(result.token.resources.some((r) => r.path === '*/*/public'));
  });
});

describe('the client method', () => {
  test('hub.rotateAccessToken(org, id, options) is this function', async () => {
    const old = await oldToken();
    const result = await hub.rotateAccessToken(ORG, old.id, { retire: 'keep' });
    assert.equal(result.retired, false);
    assertLike(result.token, old);
    await assert.rejects(hub.rotateAccessToken(ORG, old.id, { retire: 'nope' }), { code: 'invalid_argument' });
  });
});

describe('arguments', () => {
  for (const [what, args] of [
    ['an unknown retire mode', [{ retire: 'revoke' }]],
    ['a retire mode of the wrong type', [{ retire: true }]],
    ['an unknown option', [{ retire: 'delete', dryRun: true }]],
    ['a string for options', ['delete']],
  ]) {
    test(`${what} is rejected with invalid_argument before any request`, async () => {
      const old = await oldToken();
      sb.resetRequests();
      await assert.rejects(rotateAccessToken(hub, ORG, old.id, ...args), (err) => {
        assert.ok(err instanceof DockerHubError);
        assert.equal(err.code, 'invalid_argument');
        assert.equal(err.status, 0);
        return true;
      });
      assert.deepEqual(sb.requests, []);
    });
  }

  test('an empty id is rejected before any request', async () => {
    await assert.rejects(rotateAccessToken(hub, ORG, ''), { code: 'invalid_argument' });
    assert.deepEqual(tokenCalls(sb), []);
  });
});

describe('failures', () => {
  test('an unknown token: not_found, nothing created', async () => {
    const before = (await hub.listAccessTokens(ORG)).total;
    await assert.rejects(
      rotateAccessToken(hub, ORG, '00000000-0000-4000-8000-000000000000'),
      { code: 'not_found', status: 404 },
    );
    assert.equal((await hub.listAccessTokens(ORG)).total, before);
  });

  for (const [status, code] of [[500, 'server_error'], [400, 'bad_request']]) {
    test(`a create that fails with ${status} leaves the old token untouched and rejects with ${code}`, async () => {
      const old = await oldToken();
      const before = (await hub.listAccessTokens(ORG)).total;
      sb.faults({ method: 'POST', path: '/access-tokens$', status, times: 10, body: { message: `injected ${status}` } });
      await assert.rejects(rotateAccessToken(hub, ORG, old.id), (err) => {
        assert.ok(err instanceof DockerHubError);
        assert.equal(err.code, code);
        assert.equal(err.status, status);
        return true;
      });
      sb.clearFaults();
      const after = await hub.getAccessToken(ORG, old.id);
      assert.equal(after.is_active, true);
      assert.deepEqual(after, old);
      assert.equal((await hub.listAccessTokens(ORG)).total, before);
      assert.ok(!tokenCalls(sb).includes('PATCH') && !tokenCalls(sb).includes('DELETE'));
    });
  }

  test('a failing deactivate still hands back the new token and its secret', async () => {
    const old = await oldToken();
    sb.faults({ method: 'PATCH', path: '/access-tokens/', status: 500, times: 10, body: { message: 'injected' } });
    const result = await rotateAccessToken(hub, ORG, old.id);
    sb.clearFaults();
    assert.equal(result.retired, false);
    assert.ok(result.retireError instanceof DockerHubError);
    assert.equal(result.retireError.code, 'server_error');
    assert.equal(result.retireError.status, 500);
    assertLike(result.token, old);
    assert.equal((await hub.getAccessToken(ORG, result.token.id)).is_active, true);
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });

  test('a failing delete still hands back the new token and its secret', async () => {
    const old = await oldToken();
    sb.faults({ method: 'DELETE', status: 403, times: 10, body: { message: 'no deleting today', errinfo: {} } });
    const result = await rotateAccessToken(hub, ORG, old.id, { retire: 'delete' });
    sb.clearFaults();
    assert.equal(result.retired, false);
    assert.equal(result.retireError.code, 'forbidden');
    assert.equal(result.retireError.message, 'no deleting today');
    assertLike(result.token, old);
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });

  test('the token limit (400) at create: rejects, old token kept', async () => {
    // acme is on Team (10 tokens): 3 seeded + the old one + 6 more = 10.
    const old = await oldToken();
    for (let i = 0; i < 6; i++) await hub.createAccessToken(ORG, { label: `filler-${i}` });
    await assert.rejects(rotateAccessToken(hub, ORG, old.id), (err) => {
      assert.equal(err.code, 'bad_request');
      assert.match(err.message, /limit/);
      return true;
    });
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });
});

describe('cancellation', () => {
  test('a signal aborted before the call: aborted, no request', async () => {
    const old = await oldToken();
    sb.resetRequests();
    await assert.rejects(rotateAccessToken(hub, ORG, old.id, { signal: AbortSignal.abort() }), { code: 'aborted' });
    assert.deepEqual(tokenCalls(sb), []);
  });

  test('an abort while the create is in flight: the new token is kept, the old one left alone', async () => {
    const old = await oldToken();
    const controller = new AbortController();
    // The abort lands exactly when the create is sent: no timing involved.
    const spy = Object.create(hub, {
      getAccessToken: { value: (...a) => hub.getAccessToken(...a) },
      updateAccessToken: { value: (...a) => hub.updateAccessToken(...a) },
      deleteAccessToken: { value: (...a) => hub.deleteAccessToken(...a) },
      createAccessToken: {
        value: (...a) => {
          const p = hub.createAccessToken(...a);
          controller.abort();
          return p;
        },
      },
    });
    const result = await rotateAccessToken(spy, ORG, old.id, { signal: controller.signal });
    assert.equal(result.retired, false);
    assert.equal(result.retireError.code, 'aborted');
    assertLike(result.token, old);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST']);
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });
});
