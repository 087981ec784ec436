// Per call on another runtime (run.js starts it under Bun): each peer's calls one at a time
// against the bench server, interleaved round by round, the warm-up rounds discarded; prints the
// median per operation in ms. Plain ESM on web-standard globals, so Node, Bun and Deno all run it.
// argv[2]: JSON { peers: [{ key, url }], common: { baseUrl, token, org, id, createRequest },
//                 ops, rounds, warmup, batch }
const args = JSON.parse(process.argv[2]);
const collect = globalThis.Bun?.gc ?? globalThis.gc ?? (() => {});
const clients = {};
for (const p of args.peers) clients[p.key] = await (await import(p.url)).makeClient(args.common);
const samples = Object.fromEntries(args.peers.map((p) => [p.key, Object.fromEntries(args.ops.map((o) => [o, []]))]));
for (let r = 0; r < args.warmup + args.rounds; r++) {
  for (let k = 0; k < args.peers.length; k++) {
    const { key } = args.peers[(r + k) % args.peers.length];
    for (const op of args.ops) {
      collect(true);
      for (let i = 0; i < args.batch; i++) {
        const t0 = performance.now();
        await clients[key][op]();
        if (r >= args.warmup) samples[key][op].push(performance.now() - t0);
      }
    }
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const out = {};
for (const p of args.peers)
  out[p.key] = Object.fromEntries(args.ops.map((op) => [op, { median_ms: Number(median(samples[p.key][op]).toFixed(4)), n: samples[p.key][op].length }]));
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0); // keep-alive sockets would hold the process open
