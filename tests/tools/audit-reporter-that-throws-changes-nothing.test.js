// Rule: a progress reporter that throws changes nothing. An onProgress that throws does not end
// the audit early or change what it settles with (the report, or a DockerHubError), and no GET is
// in flight or sent after the audit has settled (read from the sandbox's request log); an async
// onProgress or apply's onStep that rejects leaves no unhandled rejection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openOwnerWorld } from '../fixtures/hub.js';
import { pendingCalls } from '../fixtures/heap.js';

test('auditAccessTokens: an onProgress that throws neither fails the audit nor leaves requests running after it', async () => {
  const world = await openOwnerWorld();
  const { sb, hub } = world;
  try {
    for (let i = 0; i < 5; i++) {
      await hub.createAccessToken('acme', {
        label: `p${i}`,
        resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }],
      });
    }
    const quiet = await hub.auditAccessTokens('acme', { concurrency: 4 });
    sb.resetRequests();
    let calls = 0;
    const report = await hub.auditAccessTokens('acme', {
      concurrency: 4,
      onProgress: () => {
        calls++;
        throw new Error('a reporter bug');
      },
    });
    assert.equal(pendingCalls(hub), 0, 'no call of the audit is still under way once it settled');
    const atSettle = sb.requests.length;
    assert.equal(
      atSettle,
      1 + quiet.tokens.length,
      'one list and one GET per token, all before it settled',
    );
    assert.deepEqual(
      report.tokens.map((t) => t.id),
      quiet.tokens.map((t) => t.id),
    );
    assert.ok(calls >= 2);
  } finally {
    await world.close();
  }
});

test('an async onProgress (audit) or onStep (apply) that rejects leaves no unhandled rejection', async () => {
  const seen = [];
  const onRejection = (reason) => seen.push(String(reason));
  process.on('unhandledRejection', onRejection);
  const world = await openOwnerWorld();
  const { hub } = world;
  try {
    const report = await hub.auditAccessTokens('acme', {
      onProgress: async () => {
        throw new Error('async reporter (audit)');
      },
    });
    assert.ok(report.tokens.length > 0);
    const plan = await hub.planAccessTokens('acme', { version: 1, tokens: { 'attack-new': {} } });
    const result = await hub.applyAccessTokens('acme', plan, {
      onSecret: () => {},
      onStep: async () => {
        throw new Error('async reporter (apply)');
      },
    });
    assert.equal(result.ok, true);
    // 'unhandledRejection' is emitted once the microtasks have run: a turn of the event loop later.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, []);
  } finally {
    process.off('unhandledRejection', onRejection);
    await world.close();
  }
});
