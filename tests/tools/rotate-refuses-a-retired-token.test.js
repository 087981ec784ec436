// Rule: a token a rotation retired is not rotated again (its replacement holds the label; a second
// rotation would give a second live token with that label and a ~retired~...~retired~ one): rotate
// refuses it before any write (proved by the sandbox's request log) and says what to do; the
// audit offers no rotate fix for a retired token; a table cut keeps a retired label apart from
// the live one and from other retired ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { fixFor } from '../../bindings/tools/audit.js';
import { cut } from '../../bindings/cli/output.js';
import { retiredLabel } from '../../bindings/tools/retired.js';
import { openOwnerWorld, ORG } from '../fixtures/hub.js';
import { runCli, writeRequests } from '../fixtures/cli-run.js';

let world;
let dir;
before(async () => {
  world = await openOwnerWorld();
  dir = mkdtempSync(join(tmpdir(), 'dh-reretire-'));
});
after(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});
const env = () => world.ownerEnv();
const cli = (args) => runCli(args, { env: env(), cwd: dir });

test('rotate of a retired token: refused, exit 1, no write request, and it says what to do', async () => {
  const first = await cli(['rotate', 'ci-pull', '--out', 'one.token']);
  assert.equal(first.code, 0, first.stderr);
  const retired = (await world.hub.listAccessTokens(ORG, { pageSize: 100 })).results.find((t) =>
    t.label.startsWith('ci-pull~retired~'),
  );
  assert.ok(retired);
  world.sb.resetRequests();
  const again = await cli(['rotate', retired.id, '--out', 'two.token']);
  assert.equal(again.code, 1, again.stderr);
  assert.match(
    again.stderr,
    /was retired by a rotation already: the token labelled "ci-pull" replaced it\. Rotate that one instead, or delete this one now \(dockerhub-oat delete [0-9a-f-]+ --yes\)/,
  );
  assert.deepEqual(writeRequests(world.sb), []);
  const holders = (await world.hub.listAccessTokens(ORG, { pageSize: 100 })).results.filter(
    (t) => t.label === 'ci-pull',
  );
  assert.equal(holders.length, 1);
});

test('the audit gives no rotate fix for a retired token', () => {
  const label = retiredLabel('ci-pull', { deleteAfter: Date.UTC(2026, 11, 14) });
  for (const kind of ['expiring', 'no_expiry']) {
    assert.equal(fixFor({ kind, tokenId: 't1' }, label), null, kind);
    assert.deepEqual(fixFor({ kind, tokenId: 't1' }, 'ci-pull'), [
      'dockerhub-oat',
      'rotate',
      't1',
      '--expires',
      '90d',
    ]);
  }
});

test('property: a cut retired label stays apart from its live label and from another retired one', () => {
  const base = fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !s.includes('~'));
  const when = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) });
  fc.assert(
    fc.property(base, when, when, (label, a, b) => {
      const ra = retiredLabel(label, { deleteAfter: a });
      assert.notEqual(cut(ra), cut(label));
      assert.ok(cut(ra).includes('~retired~'), cut(ra));
      if (Math.ceil(a / 60e3) !== Math.ceil(b / 60e3))
        assert.notEqual(cut(ra), cut(retiredLabel(label, { deleteAfter: b })));
    }),
    { seed: 20261207, numRuns: 300 },
  );
});
