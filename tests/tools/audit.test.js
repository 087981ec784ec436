// hub.auditAccessTokens against the sandbox's hygiene world at a fixed clock: the findings, their
// sentences, the summary against the limit, the order and bounds of its requests (by the request
// log), and its refusals before any request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createServer, request } from 'node:http';
import { createClient, DockerHubError } from '../../bindings/index.node.js';
import { pruneCandidates, wordFinding } from '../../bindings/tools/audit.js';
import { NOW, ORG, OWNER, EXPECTED, keys, openHygieneWorld } from '../fixtures/hygiene.js';

let world;
let sb;
let hub;
before(async () => {
  world = await openHygieneWorld({ maxRetries: 0 });
  ({ sb, hub } = world);
});
after(() => world?.close());

const gets = () =>
  sb.requests.filter((r) => r.method === 'GET' && /access-tokens\/[^/]+$/.test(r.path));

test('finds every kind in the hygiene world, and nothing in the clean tokens', async () => {
  const report = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
  assert.deepEqual(keys(report.findings), EXPECTED);
  const clean = report.tokens
    .filter((t) => t.findings.length === 0)
    .map((t) => t.label)
    .sort();
  assert.deepEqual(clean, ['ci-pull', 'deploy-prod']);
  assert.equal(report.now, new Date(NOW).toISOString());
  assert.ok(
    report.tokens.every((t) => Array.isArray(t.resources)),
    'each token carries its resources',
  );
});

test('the summary counts every token toward the limit: this org is at it', async () => {
  const { summary } = await hub.auditAccessTokens(ORG, { now: NOW, limit: 10 });
  assert.deepEqual(
    {
      tokens: summary.tokens,
      active: summary.active,
      inactive: summary.inactive,
      expired: summary.expired,
      limit: summary.limit,
      available: summary.available,
      atLimit: summary.atLimit,
      worst: summary.worst,
    },
    {
      tokens: 10,
      active: 8,
      inactive: 1,
      expired: 1,
      limit: 10,
      available: 0,
      atLimit: true,
      worst: 'high',
    },
  );
  assert.equal(summary.usage, 'Tokens used: 10 of 10');
  assert.deepEqual(summary.bySeverity, { low: 4, medium: 5, high: 3 });
  const unknown = await hub.auditAccessTokens(ORG, { now: NOW });
  assert.equal(unknown.summary.limit, null);
  assert.equal(unknown.summary.usage, 'Tokens: 10');
  const business = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'business' });
  assert.equal(business.summary.available, 90);
});

test('each finding has a sentence with its numbers and dates', async () => {
  const report = await hub.auditAccessTokens(ORG, { now: NOW, plan: 'team' });
  const by = (label, kind) => report.findings.find((f) => f.label === label && f.kind === kind);
  assert.equal(
    by('q3-report', 'expired').sentence,
    'Expired 20 days ago (2026-11-11) and still counts toward the limit of 10: delete it.',
  );
  assert.equal(
    by('nightly-backup', 'unused').sentence,
    'Not used for 120 days (last used 2026-08-03).',
  );
  assert.equal(
    by('onboarding-bot', 'unused').sentence,
    'Never used since it was created 100 days ago (2026-08-23).',
  );
  assert.equal(
    by('release-signing', 'expiring').sentence,
    'Expires in 5 days (2026-12-06): rotate it before then.',
  );
  assert.match(by('admin-everything', 'broad').sentence, /initech\/\*: scope-repository-admin/);
  for (const f of report.findings)
    assert.match(f.sentence, /^[A-Z].*\.$/, `${f.kind}: ${f.sentence}`);
});

test('the windows move the thresholds: --unused 30 and --expiring 90 find more', async () => {
  const report = await hub.auditAccessTokens(ORG, { now: NOW, unusedDays: 30, expiringDays: 90 });
  const labels = (kind) =>
    report.findings
      .filter((f) => f.kind === kind)
      .map((f) => f.label)
      .sort();
  assert.deepEqual(labels('unused'), ['nightly-backup', 'onboarding-bot']);
  assert.deepEqual(labels('expiring'), ['ci-pull', 'deploy-prod', 'release-signing']);
  // A year later everything active but never expiring or long-lived has expired or gone stale.
  const later = await hub.auditAccessTokens(ORG, { now: NOW + 365 * 86400e3 });
  assert.deepEqual(
    later.findings
      .filter((f) => f.kind === 'expired')
      .map((f) => f.label)
      .sort(),
    [
      'ci-pull',
      'deploy-prod',
      'nightly-backup',
      'onboarding-bot',
      'public-mirror',
      'q3-report',
      'release-signing',
    ],
  );
});

test('requests: every list page first, then one GET per token, in list order at concurrency 1', async () => {
  sb.resetRequests();
  await hub.auditAccessTokens(ORG, { now: NOW, concurrency: 1 });
  const paths = sb.requests.filter((r) => !r.path.startsWith('/v2/auth')).map((r) => r.path);
  assert.equal(paths[0], `/v2/orgs/${ORG}/access-tokens`);
  const listed = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results.map(
    (t) => `/v2/orgs/${ORG}/access-tokens/${t.id}`,
  );
  assert.deepEqual(paths.slice(1), listed);
  assert.ok(
    sb.requests.every((r) => r.method === 'GET' || r.path === '/v2/auth/token'),
    'the audit changes nothing',
  );
});

test('a token deleted between the list and its GET is left out; any other failure stops the audit', async () => {
  const listed = (await hub.listAccessTokens(ORG, { pageSize: 100 })).results;
  const gone = listed.find((t) => t.label === 'q3-report');
  sb.faults({
    method: 'GET',
    path: `${gone.id}$`,
    status: 404,
    body: { message: 'Not found', errinfo: {} },
  });
  const report = await hub.auditAccessTokens(ORG, { now: NOW });
  assert.equal(report.summary.tokens, 9);
  assert.ok(!report.findings.some((f) => f.label === 'q3-report'));

  sb.resetRequests();
  const third = listed[2];
  sb.faults({ method: 'GET', path: `${third.id}$`, preset: 'server-error' });
  await assert.rejects(hub.auditAccessTokens(ORG, { now: NOW, concurrency: 1 }), (err) => {
    assert.ok(err instanceof DockerHubError);
    assert.equal(err.code, 'server_error');
    return true;
  });
  assert.equal(gets().length, 3, 'no GET is sent after the failed one');
});

test('progress: one call per token after the list, ending at the total', async () => {
  const seen = [];
  await hub.auditAccessTokens(ORG, { now: NOW, onProgress: (p) => seen.push(p) });
  assert.deepEqual(seen[0], { phase: 'list', done: 0, total: 0 });
  assert.deepEqual(seen.at(-1), { phase: 'resources', done: 10, total: 10 });
  assert.equal(seen.filter((p) => p.phase === 'resources').length, 11);
});

test('bad options are refused before any request', async () => {
  const bad = [
    [{ unusedDays: 0 }, /unusedDays/],
    [{ unusedDays: 1.5 }, /unusedDays/],
    [{ expiringDays: -1 }, /expiringDays/],
    [{ now: 'yesterday' }, /now/],
    [{ now: NaN }, /now/],
    [{ limit: 0 }, /limit/],
    [{ plan: 'free' }, /plan/],
    [{ concurrency: 0 }, /concurrency/],
    [{ concurrency: 17 }, /concurrency/],
    [{ colour: 'red' }, /unknown key "colour"/],
    [{ onProgress: 'yes' }, /onProgress/],
  ];
  sb.resetRequests();
  for (const [options, pattern] of bad) {
    await assert.rejects(
      hub.auditAccessTokens(ORG, options),
      (err) => err.code === 'invalid_argument' && pattern.test(err.message),
    );
  }
  await assert.rejects(hub.auditAccessTokens('', {}), (err) => err.code === 'invalid_argument');
  await assert.rejects(
    hub.auditAccessTokens(ORG, { signal: AbortSignal.abort() }),
    (err) => err.code === 'aborted',
  );
  assert.equal(sb.requests.length, 0);
});

test('clean-up candidates: expired and inactive by default, unused on request', async () => {
  const report = await hub.auditAccessTokens(ORG, { now: NOW, unusedDays: 100 });
  assert.deepEqual(
    pruneCandidates(report)
      .map((c) => `${c.label} ${c.reason}`)
      .sort(),
    ['old-deploy inactive', 'q3-report expired'],
  );
  assert.deepEqual(
    pruneCandidates(report, { expired: false, inactive: false, unusedDays: 110 }).map(
      (c) => c.label,
    ),
    ['nightly-backup'],
  );
});

test('property: every finding the core can report gets a one-sentence wording without "undefined"', () => {
  const finding = fc.record({
    kind: fc.constantFrom('expired', 'inactive', 'unused', 'expiring', 'no_expiry', 'broad'),
    days: fc.nat(100000),
    at: fc.integer({ min: 0, max: 253402300799 }),
    neverUsed: fc.boolean(),
    reason: fc.constantFrom('admin', 'delete', 'org_write', 'wildcard', 'public_with_private'),
    path: fc.constantFrom('acme/*', 'acme', '*/*/public'),
    scopes: fc.array(fc.constantFrom('scope-image-delete', 'scope-x-admin'), { minLength: 1 }),
  });
  fc.assert(
    fc.property(finding, fc.option(fc.integer({ min: 1, max: 1000 })), (f, limit) => {
      const s = wordFinding(f, { limit });
      return /^[A-Z][^\n]*\.$/.test(s) && !s.includes('undefined') && !s.includes('NaN');
    }),
  );
});

/**
 * A loopback proxy in front of the sandbox that holds each token GET until `width` of them are in
 * flight (or every token's GET has arrived), so the most in flight at once is what the client
 * allows, decided by arrivals, not by time.
 */
async function holdingProxy(target, width, total) {
  let inFlight = 0;
  let arrived = 0;
  let most = 0;
  const held = [];
  const release = () => {
    if (inFlight >= width || arrived >= total) while (held.length) held.shift()();
  };
  const server = createServer((req, res) => {
    const isGet = req.method === 'GET' && /access-tokens\/[^/?]+(\?|$)/.test(req.url);
    const forward = () => {
      const up = request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
          r.on('end', () => {
            if (isGet) inFlight--;
          });
        },
      );
      req.pipe(up);
    };
    if (!isGet) return forward();
    inFlight++;
    arrived++;
    most = Math.max(most, inFlight);
    held.push(forward);
    release();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    most: () => most,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

test('concurrency: never more token GETs in flight than asked, and that many when there is work', async () => {
  for (const width of [1, 3]) {
    const proxy = await holdingProxy(sb.url, width, 10);
    const viaProxy = await createClient({ baseUrl: proxy.url, credentials: OWNER, maxRetries: 0 });
    try {
      const report = await viaProxy.auditAccessTokens(ORG, { now: NOW, concurrency: width });
      assert.equal(report.summary.tokens, 10);
      assert.equal(proxy.most(), width);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  }
});
