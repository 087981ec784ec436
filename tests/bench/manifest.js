// Tokens as code at scale: planAccessTokens on a manifest of N entries and of 4N, in a fresh
// process, against the sandbox (every entry a create, so the org's side stays the same). The parse
// and the diff must grow linearly: `ratio_4x` is the time of 4N over the time of N, about 4 when
// linear (the old line search, which rescanned the text for every entry and repository, made it
// about 16). argv[2]: JSON { entries, repos, runs } (defaults 100, 20, 7). Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../web/sandbox/index.js';
import { createClient } from '../../bindings/index.node.js';

const { entries = 100, repos = 20, runs = 7 } = JSON.parse(process.argv[2] ?? '{}');

/** A manifest of n entries of `repos` repositories each, written as people write it (indented). */
function manifest(n) {
  const tokens = {};
  for (let i = 0; i < n; i++) {
    const repositories = {};
    for (let r = 0; r < repos; r++)
      repositories[`acme/service-${i}-${r}`] = ['image-pull', 'image-push'];
    tokens[`bench-${i}`] = {
      description: `entry ${i}`,
      resources: { repositories },
      expires: '90d',
      secret: { out: `bench-${i}.token` },
    };
  }
  return JSON.stringify({ version: 1, tokens }, null, 2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const sb = await startSandbox({ port: 0 });
const hub = await createClient({
  baseUrl: sb.url,
  credentials: { identifier: 'acme-owner', secret: 'sandbox-password' },
});
const out = { entries, repos, runs };
try {
  for (const [key, n] of [
    ['n', entries],
    ['n4', entries * 4],
  ]) {
    const text = manifest(n);
    await hub.planAccessTokens('acme', text); // warm: the module, the org's tokens cached by nothing but the JIT
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const plan = await hub.planAccessTokens('acme', text);
      times.push(performance.now() - t0);
      if (plan.steps.filter((s) => s.action === 'create').length !== n)
        throw new Error('the plan lost an entry');
    }
    out[key] = {
      entries: n,
      bytes: Buffer.byteLength(text),
      median_ms: Math.round(median(times) * 100) / 100,
    };
  }
  out.ratio_4x = Math.round((out.n4.median_ms / out.n.median_ms) * 100) / 100;
} finally {
  hub.close();
  await sb.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
