// The rounds both per-call children (percall.js, client-only.js) run: each peer's calls one at a
// time, interleaved round by round in an order that rotates, the warm-up rounds discarded; the
// median of each peer's calls per operation. Web-standard globals only (Bun and Deno run it too).

/** @returns {Promise<Record<string, Record<string, { median_ms: number, n: number }>>>} */
export async function interleavedMedians({ peers, ops, rounds, warmup, batch, common }, collect) {
  const clients = {};
  for (const p of peers) clients[p.key] = await (await import(p.url)).makeClient(common);
  const samples = Object.fromEntries(
    peers.map((p) => [p.key, Object.fromEntries(ops.map((o) => [o, []]))]),
  );
  for (let r = 0; r < warmup + rounds; r++) {
    for (let k = 0; k < peers.length; k++) {
      const { key } = peers[(r + k) % peers.length];
      for (const op of ops) {
        collect();
        for (let i = 0; i < batch; i++) {
          const t0 = performance.now();
          await clients[key][op]();
          if (r >= warmup) samples[key][op].push(performance.now() - t0);
        }
      }
    }
  }
  const out = {};
  for (const p of peers)
    out[p.key] = Object.fromEntries(
      ops.map((op) => [
        op,
        { median_ms: median(samples[p.key][op]), n: samples[p.key][op].length },
      ]),
    );
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
