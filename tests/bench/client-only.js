// The clients' own work, without the network: in a fresh process whose fetch answers from
// memory (fake-fetch.js), each client's calls one at a time, interleaved round by round like
// run.js. What is left is what a client costs on top of fetch itself (the floor: raw fetch).
// argv[2]: JSON { peers: [{ key, url }], rounds, warmup, batch, common }.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { installFakeFetch } from './fake-fetch.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const args = JSON.parse(process.argv[2]);
installFakeFetch();
const OPS = ['get', 'list10', 'list100', 'create'];
const clients = {};
for (const p of args.peers) clients[p.key] = await (await import(p.url)).makeClient(args.common);
const samples = Object.fromEntries(args.peers.map((p) => [p.key, Object.fromEntries(OPS.map((o) => [o, []]))]));
for (let r = 0; r < args.warmup + args.rounds; r++) {
  for (let k = 0; k < args.peers.length; k++) {
    const { key } = args.peers[(r + k) % args.peers.length];
    for (const op of OPS) {
      gc();
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
  out[p.key] = Object.fromEntries(OPS.map((op) => [op, { median_us: Number((median(samples[p.key][op]) * 1000).toFixed(1)), n: samples[p.key][op].length }]));
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
