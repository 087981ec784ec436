// The JS scope catalogue (bindings/scopes.js, built from src/core/scopes.txt) and those who read it: the
// sandbox accepts exactly its scopes, the dashboard's names cover exactly its scopes, and the C core
// (its lists written from the same file: tests/package/scopes-written-once.test.js) names the scope
// meant when a caller drops the "scope-" prefix of any of them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCOPES,
  REPO_SCOPES,
  ORG_SCOPES,
  ORG_SCOPE_LABELS,
  IMPLIES,
} from '../../bindings/scopes.js';
import { REPO_SCOPES as SANDBOX_REPO, ORG_SCOPES as SANDBOX_ORG } from '../../web/sandbox/index.js';
import { openWorld } from '../fixtures/hub.js';

const ALL = [...REPO_SCOPES, ...ORG_SCOPES];
const CREATE = 'POST /v2/orgs/{name}/access-tokens';

describe('the scope catalogue', () => {
  test('holds each scope once, each with the scope- prefix, grouped as SCOPES says', () => {
    assert.equal(new Set(ALL).size, ALL.length);
    for (const s of ALL) assert.match(s, /^scope-[a-z_]+(-[a-z_]+)*$/, s);
    assert.deepEqual(REPO_SCOPES, Object.values(SCOPES.TYPE_REPO).flat());
    assert.deepEqual(ORG_SCOPES, SCOPES.TYPE_ORG);
    assert.ok(REPO_SCOPES.includes(SCOPES.PUBLIC_READ.scopes[0]));
  });

  test('names every organization scope and implies only repository scopes of its own group', () => {
    assert.deepEqual(Object.keys(ORG_SCOPE_LABELS), [...ORG_SCOPES]);
    for (const [scope, implied] of Object.entries(IMPLIES)) {
      const group = Object.values(SCOPES.TYPE_REPO).find((g) => g.includes(scope));
      assert.ok(group, scope);
      for (const s of implied) assert.ok(group.includes(s) && s !== scope, `${scope} -> ${s}`);
    }
  });

  test('is what the sandbox accepts', () => {
    assert.equal(SANDBOX_REPO, REPO_SCOPES);
    assert.equal(SANDBOX_ORG, ORG_SCOPES);
  });

  test('is frozen all the way down, so no caller can change it for the others', () => {
    for (const list of [
      ...Object.values(SCOPES.TYPE_REPO),
      SCOPES.TYPE_ORG,
      REPO_SCOPES,
      ...Object.values(IMPLIES),
    ]) {
      assert.ok(Object.isFrozen(list));
      assert.throws(() => {
        /** @type {any} */ (list).push('scope-x');
      }, TypeError);
    }
    assert.ok(
      Object.isFrozen(SCOPES.TYPE_REPO) &&
        Object.isFrozen(ORG_SCOPE_LABELS) &&
        Object.isFrozen(IMPLIES),
    );
  });
});

describe('the C core knows each catalogue scope (through the WASM build)', () => {
  let world;
  let sb;
  let hub;
  before(async () => {
    world = await openWorld();
    sb = world.sb;
    hub = await world.client({ token: sb.mintJwt({ kind: 'password', sub: 'acme-owner' }) });
  });
  after(() => world?.close());

  test('each scope without its prefix is refused before any request, naming that scope', async () => {
    for (const scope of ALL) {
      const type = ORG_SCOPES.includes(scope) ? 'TYPE_ORG' : 'TYPE_REPO';
      const resources = [
        {
          type,
          path: type === 'TYPE_ORG' ? 'acme' : 'acme/api',
          scopes: [scope.slice('scope-'.length)],
        },
      ];
      await assert.rejects(hub.createAccessToken('acme', { label: 'bare', resources }), (err) => {
        assert.equal(err.code, 'invalid_argument', scope);
        assert.ok(err.message.includes(`"${scope}"`), `${scope}: ${err.message}`);
        return true;
      });
    }
    assert.equal(sb.counts[CREATE] ?? 0, 0, 'nothing was sent');
    // The same call with the prefix is sent and accepted: the refusals above were the prefix's.
    const ok = await hub.createAccessToken('acme', {
      label: 'full',
      resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: [...REPO_SCOPES] }],
    });
    assert.ok(ok.token);
    assert.equal(sb.counts[CREATE], 1);
  });
});
