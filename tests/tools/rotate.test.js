// rotateAccessToken (bindings/tools/rotate.js) against the sandbox: each retire mode, the verified
// phases (sign-in with the new token before the old one is touched, proved by the sandbox's
// request log), a failing read, create, sign-in, hand-over and retire, argument checks and
// cancellation. Nothing may be lost on any path, and afterwards one token holds the label.
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openOwnerWorld } from '../fixtures/hub.js';
import { DockerHubError } from '../../bindings/index.node.js';
import { rotateAccessToken } from '../../bindings/tools/rotate.js';

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
/** Requests to the token routes (the owner's login is not counted; the probe's read is). */
const tokenCalls = (sb) =>
  sb.requests.filter((r) => r.path.includes('/access-tokens')).map((r) => r.method);
/** The request log in words: "POST /v2/auth/token as oat ID", "PATCH OLD-ID". */
const steps = (sb) =>
  sb.requests
    .map((r) =>
      r.signedIn
        ? `sign-in ${r.signedIn.kind} ${r.signedIn.tokenId ?? r.signedIn.sub}`
        : `${r.method} ${r.path.replace(/^\/v2\/orgs\/acme\/access-tokens\/?/, '') || 'list'}`,
    )
    .filter((s) => !s.startsWith('POST /v2/auth/token'));

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
    expires_at:
      expiresInDays == null ? null : new Date(Date.now() + expiresInDays * DAY).toISOString(),
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
    assert.deepEqual(Object.keys(result).sort(), [
      'activeUntil',
      'deleteAfter',
      'old',
      'retireError',
      'retired',
      'retiredAs',
      'retiredLabel',
      'token',
    ]);
    assert.equal(result.retiredAs, 'deactivated');
    const n = result.token.id;
    assert.deepEqual(
      steps(sb),
      [`GET ${old.id}`, 'POST list', `sign-in oat ${n}`, `GET ${n}`, `PATCH ${old.id}`],
      'the new token signs in before the old one is touched',
    );
    const retired = await hub.getAccessToken(ORG, old.id);
    assert.equal(retired.is_active, false);
    assert.equal(retired.label, result.retiredLabel);
    assert.equal(
      result.retiredLabel,
      `deploy-bot~retired~delete-after-${result.deleteAfter.slice(0, 16)}Z`,
    );
    const graceMs = Date.parse(result.deleteAfter) - Date.now();
    assert.ok(graceMs > 7 * DAY - 120e3 && graceMs <= 7 * DAY + 60e3, 'a grace of 7 days');
    const holders = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
      (t) => t.label === 'deploy-bot',
    );
    assert.deepEqual(
      holders.map((t) => t.id),
      [n],
      'one token holds the label: the new one',
    );
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
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'GET', 'DELETE']);
    await assert.rejects(hub.getAccessToken(ORG, old.id), { code: 'not_found', status: 404 });
  });

  test('keep: both tokens active, the old one relabelled (active until deleted after the grace)', async () => {
    const old = await oldToken({ expiresInDays: 7 });
    const result = await rotateAccessToken(hub, ORG, old.id, {
      retire: 'keep',
      graceSeconds: 3600,
    });
    assert.equal(result.retired, true);
    assert.equal(result.retiredAs, 'overlap');
    assert.equal(result.retireError, null);
    assertLike(result.token, old);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'GET', 'PATCH']);
    const kept = await hub.getAccessToken(ORG, old.id);
    assert.equal(kept.is_active, true);
    assert.match(kept.label, /^deploy-bot~retired~active-until-(.*)~delete-after-\1$/);
  });

  test('an overlap: the old token stays active, relabelled with both times', async () => {
    const old = await oldToken();
    const now = Date.parse('2026-12-07T10:00:30Z');
    const result = await rotateAccessToken(hub, ORG, old.id, {
      overlapSeconds: 3600,
      graceSeconds: 86400,
      now,
    });
    assert.equal(
      result.retiredLabel,
      'deploy-bot~retired~active-until-2026-12-07T11:01Z~delete-after-2026-12-08T10:01Z',
    );
    assert.equal(result.activeUntil, '2026-12-07T11:01:00.000Z');
    assert.equal((await hub.getAccessToken(ORG, old.id)).is_active, true);
  });

  test('--expires and --description: the new token takes them', async () => {
    const old = await oldToken({ expiresInDays: null });
    const expiresAt = new Date(Date.now() + 90 * DAY).toISOString();
    const result = await rotateAccessToken(hub, ORG, old.id, {
      expiresAt,
      description: 'now it expires',
    });
    assert.equal(ms(result.token.expires_at), ms(expiresAt));
    assert.equal(result.token.description, 'now it expires');
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
    assert.equal(result.retired, true);
    assertLike(result.token, old);
    await assert.rejects(hub.rotateAccessToken(ORG, old.id, { retire: 'nope' }), {
      code: 'invalid_argument',
    });
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
    await assert.rejects(rotateAccessToken(hub, ORG, '00000000-0000-4000-8000-000000000000'), {
      code: 'not_found',
      status: 404,
    });
    assert.equal((await hub.listAccessTokens(ORG)).total, before);
  });

  for (const [status, code] of [
    [500, 'server_error'],
    [400, 'bad_request'],
  ]) {
    test(`a create that fails with ${status} leaves the old token untouched and rejects with ${code}`, async () => {
      const old = await oldToken();
      const before = (await hub.listAccessTokens(ORG)).total;
      sb.faults({
        method: 'POST',
        path: '/access-tokens$',
        status,
        times: 10,
        body: { message: `injected ${status}` },
      });
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
    sb.faults({
      method: 'PATCH',
      path: '/access-tokens/',
      status: 500,
      times: 10,
      body: { message: 'injected' },
    });
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
    sb.faults({
      method: 'DELETE',
      status: 403,
      times: 10,
      body: { message: 'no deleting today', errinfo: {} },
    });
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
    await assert.rejects(rotateAccessToken(hub, ORG, old.id, { signal: AbortSignal.abort() }), {
      code: 'aborted',
    });
    assert.deepEqual(tokenCalls(sb), []);
  });

  test('an abort while the create is in flight: the new token is deleted again, the old one left alone', async () => {
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
    const err = await rotateAccessToken(spy, ORG, old.id, { signal: controller.signal }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(err.code, 'aborted');
    assert.equal(err.undone, true);
    assert.match(
      err.message,
      /so it was deleted again; the old token .* is untouched and still works/,
    );
    assert.match(
      err.message,
      /^the rotation was interrupted before the new token \S+ was proved by a sign-in, so/,
      'an interrupt, not a failed sign-in',
    );
    assert.doesNotMatch(err.message, /could not sign in/);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'DELETE']);
    const left = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
      (t) => t.label === 'deploy-bot',
    );
    assert.deepEqual(
      left.map((t) => [t.id, t.is_active]),
      [[old.id, true]],
    );
  });
});

describe('verified phases', () => {
  const labelHolders = async () =>
    (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
      (t) => t.label === 'deploy-bot',
    );

  test('sign-in refused: the new token is deleted again, the old one untouched, the error says so', async () => {
    const old = await oldToken();
    sb.faults({
      method: 'POST',
      path: '/v2/auth/token$',
      status: 401,
      body: { message: 'no', errinfo: {} },
      times: 1,
    });
    const phases = [];
    const err = await rotateAccessToken(hub, ORG, old.id, {
      onPhase: (e) => phases.push(`${e.phase} ${e.status}`),
    }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(err.code, 'unauthorized');
    assert.equal(err.phase, 'verify');
    assert.equal(err.undone, true);
    assert.match(
      err.message,
      new RegExp(
        `^the new token ${err.newId} could not sign in .*so it was deleted again; the old token ${old.id} is untouched and still works$`,
      ),
    );
    assert.deepEqual(phases, [
      'read started',
      'read done',
      'create started',
      'create done',
      'verify started',
      'verify failed',
      'undo started',
      'undo done',
    ]);
    assert.deepEqual(tokenCalls(sb), ['GET', 'POST', 'DELETE']);
    assert.deepEqual(
      (await labelHolders()).map((t) => [t.id, t.is_active]),
      [[old.id, true]],
    );
  });

  test('a hand-over that throws: handover_failed, the new token deleted again, no secret in the message', async () => {
    const old = await oldToken();
    let secret;
    const err = await rotateAccessToken(hub, ORG, old.id, {
      handOver: (t) => {
        secret = t.token;
        throw new Error(`vault refused ${t.token}`);
      },
    }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(err.code, 'handover_failed');
    assert.equal(err.phase, 'handover');
    assert.ok(!err.message.includes(secret.slice(9, 17)), 'no run of the secret');
    assert.match(
      err.message,
      /could not be handed over \(handover_failed: vault refused .*\), so it was deleted again/,
    );
    assert.deepEqual(
      (await labelHolders()).map((t) => [t.id, t.is_active]),
      [[old.id, true]],
    );
  });

  test('a failed undo says the new token is left and names it', async () => {
    const old = await oldToken();
    sb.faults({
      method: 'DELETE',
      path: '/access-tokens/',
      status: 500,
      body: { message: 'delete broke' },
      times: 10,
    });
    const err = await rotateAccessToken(hub, ORG, old.id, {
      handOver: () => {
        throw new Error('nowhere');
      },
    }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    sb.clearFaults();
    assert.equal(err.undone, false);
    assert.match(
      err.message,
      new RegExp(
        `and it could not be deleted again \\(delete broke\\): delete it; the old token ${old.id} is untouched`,
      ),
    );
    assert.equal((await hub.getAccessToken(ORG, err.newId)).label, 'deploy-bot');
  });

  test('the phases, in order: the hand-over sees a token that signed in; the retire comes after it', async () => {
    const old = await oldToken();
    const order = [];
    const result = await rotateAccessToken(hub, ORG, old.id, {
      handOver: (t) => {
        order.push(`handover after ${steps(sb).at(-2)}`);
        void t;
      },
      onPhase: (e) => {
        if (e.status === 'done') order.push(e.phase);
      },
    });
    assert.deepEqual(order, [
      'read',
      'create',
      'verify',
      `handover after sign-in oat ${result.token.id}`,
      'handover',
      'retire',
    ]);
    assert.equal(steps(sb).at(-1), `PATCH ${old.id}`);
    assert.ok(
      await hub.verifyAccessToken(ORG, result.token.token, result.token.id),
      'the new secret signs in',
    );
    const oldSecretless = await hub.getAccessToken(ORG, old.id);
    assert.equal(oldSecretless.is_active, false);
  });

  test('a plain rotate keeps the lifetime exactly (a relative expiry still matches)', async () => {
    const old = await oldToken({ expiresInDays: 90 });
    const { token } = await rotateAccessToken(hub, ORG, old.id);
    const span = (t) => ms(t.expires_at) - ms(t.created_at);
    assert.ok(Math.abs(span(token) - span(old)) < 60e3, `${span(token)} vs ${span(old)}`);
  });
});
