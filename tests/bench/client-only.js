// The clients' own work, without the network: in a fresh process whose fetch answers from
// memory (fake-fetch.js), each client's calls one at a time, interleaved round by round like
// run.js. What is left is what a client costs on top of fetch itself (the floor: raw fetch).
// argv[2]: JSON { peers: [{ key, url }], rounds, warmup, batch, common }.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { installFakeFetch } from './fake-fetch.js';
import { interleavedMedians } from './interleave.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const args = JSON.parse(process.argv[2]);
installFakeFetch();
const OPS = ['get', 'list10', 'list100', 'create'];
const medians = await interleavedMedians({ ...args, ops: OPS }, gc);
const out = {};
for (const [key, ops] of Object.entries(medians))
  out[key] = Object.fromEntries(
    Object.entries(ops).map(([op, m]) => [
      op,
      { median_us: Number((m.median_ms * 1000).toFixed(1)), n: m.n },
    ]),
  );
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
