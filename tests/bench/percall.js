// Per call on another runtime (run.js starts it under Bun): each peer's calls one at a time
// against the bench server, interleaved round by round, the warm-up rounds discarded; prints the
// median per operation in ms. Plain ESM on web-standard globals, so Node, Bun and Deno all run it.
// argv[2]: JSON { peers: [{ key, url }], common: { baseUrl, token, org, id, createRequest },
//                 ops, rounds, warmup, batch }
import { interleavedMedians } from './interleave.js';

const args = JSON.parse(process.argv[2]);
const collect = globalThis.Bun?.gc ?? globalThis.gc ?? (() => {});
const medians = await interleavedMedians(args, () => collect(true));
const out = {};
for (const [key, ops] of Object.entries(medians))
  out[key] = Object.fromEntries(
    Object.entries(ops).map(([op, m]) => [
      op,
      { median_ms: Number(m.median_ms.toFixed(4)), n: m.n },
    ]),
  );
process.stdout.write(JSON.stringify(out) + '\n');
