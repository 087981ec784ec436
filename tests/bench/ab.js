#!/usr/bin/env node
// Before/after for a change to ours: two trees (each with bindings/ and dist/, e.g. this repo and
// a copy with one change: `cp -r`, edit, `bash scripts/build.sh` there), loaded side by side in
// one process and measured interleaved round by round against the bench server, so that the
// machine's drift hits both alike. Prints, per operation, the median and p99 of one call alone and
// the calls/s at 32 in flight for A and B, the ratio B/A, and each tree's .wasm size.
//
//   node tests/bench/ab.js DIR_A DIR_B [--rounds N] [--label-a NAME] [--label-b NAME] [--json FILE] [--no-network]
// --no-network answers from memory (fake-fetch.js): no server, no socket, so what is left is the
// clients' own CPU work, and a busy machine disturbs it much less.
import { fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ORG, TOKEN_ID, JWT, createRequest } from './bodies.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const OPS = ['get', 'list10', 'list100', 'create'];
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv.splice(i, 2)[1] : dflt;
};
const rounds = Number(opt('--rounds', 12));
const warmup = 2;
const labelA = opt('--label-a', 'A');
const labelB = opt('--label-b', 'B');
const jsonOut = opt('--json', null);
const noNetwork = argv.includes('--no-network');
if (noNetwork) argv.splice(argv.indexOf('--no-network'), 1);
const [dirA, dirB] = argv.map((d) => resolve(d));
if (!dirA || !dirB) {
  console.error(
    'usage: node tests/bench/ab.js DIR_A DIR_B [--rounds N] [--label-a NAME] [--label-b NAME] [--json FILE]',
  );
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p99 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
};

async function client(dir, baseUrl) {
  const { createClient } = await import(pathToFileURL(join(dir, 'bindings', 'index.node.js')).href);
  // The heap through the client's instance (bindings/client.js's instanceOf); a checkout from before
  // it had the probe on the client.
  const { instanceOf } = await import(pathToFileURL(join(dir, 'bindings', 'client.js')).href);
  const t0 = performance.now();
  const hub = await createClient({ baseUrl, token: JWT });
  const createMs = performance.now() - t0;
  return {
    createMs,
    get: () => hub.getAccessToken(ORG, TOKEN_ID),
    list10: () => hub.listAccessTokens(ORG, { page: 1, pageSize: 10 }),
    list100: () => hub.listAccessTokens(ORG, { page: 1, pageSize: 100 }),
    create: () => hub.createAccessToken(ORG, createRequest),
    heap: () => (instanceOf ? instanceOf(hub).Module._dhw_heap_in_use() : hub.debugHeapInUse()),
  };
}

async function main() {
  let server = null;
  let url = 'http://127.0.0.1:9';
  if (noNetwork) (await import('./fake-fetch.js')).installFakeFetch();
  else {
    server = fork(join(HERE, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    ({ url } = await new Promise((r) => server.once('message', r)));
  }
  try {
    const sides = [
      { label: labelA, dir: dirA, c: await client(dirA, url) },
      { label: labelB, dir: dirB, c: await client(dirB, url) },
    ];
    const seq = sides.map(() => Object.fromEntries(OPS.map((o) => [o, []])));
    const thr = sides.map(() => Object.fromEntries(OPS.map((o) => [o, []])));
    const cpuPer = sides.map(() => Object.fromEntries(OPS.map((o) => [o, []])));
    for (let r = 0; r < warmup + rounds; r++) {
      for (let k = 0; k < 2; k++) {
        const s = (r + k) % 2;
        const c = sides[s].c;
        for (const op of OPS) {
          const samples = [];
          gc();
          for (let i = 0; i < 40; i++) {
            const t0 = performance.now();
            await c[op]();
            samples.push(performance.now() - t0);
          }
          gc();
          let started = 0;
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await Promise.all(
            Array.from({ length: 32 }, async () => {
              while (started < 320) {
                started++;
                await c[op]();
              }
            }),
          );
          const cps = 320 / ((performance.now() - t0) / 1000);
          const cpu1 = process.cpuUsage(cpu0);
          if (r >= warmup) {
            seq[s][op].push(...samples);
            thr[s][op].push(cps);
            cpuPer[s][op].push((cpu1.user + cpu1.system) / 320);
          }
        }
      }
      if (process.stderr.isTTY) process.stderr.write(`\r  round ${r + 1}/${warmup + rounds}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const out = { rounds, sides: [] };
    for (let s = 0; s < 2; s++) {
      const wasm = await readFile(join(sides[s].dir, 'dist', 'dockerhub_oat.wasm'));
      const glue = await readFile(join(sides[s].dir, 'dist', 'dockerhub_oat.mjs'));
      out.sides.push({
        label: sides[s].label,
        dir: sides[s].dir,
        wasm_bytes: wasm.length,
        wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
        glue_bytes: glue.length,
        glue_gzip_bytes: gzipSync(glue, { level: 9 }).length,
        heap_at_rest_bytes: sides[s].c.heap(),
        ops: Object.fromEntries(
          OPS.map((op) => [
            op,
            {
              median_ms: median(seq[s][op]),
              p99_ms: p99(seq[s][op]),
              calls_per_s: median(thr[s][op]),
              cpu_us_per_call: median(cpuPer[s][op]),
            },
          ]),
        ),
      });
    }
    const [a, b] = out.sides;
    const pad = (x, n = 12) => String(x).padStart(n);
    console.log(
      `A = ${a.label} (${a.dir})\nB = ${b.label} (${b.dir})\n${rounds} rounds, interleaved${noNetwork ? ', no network (fake-fetch.js)' : ''}`,
    );
    console.log(
      `${''.padEnd(10)}${pad('A median')}${pad('B median')}${pad('B/A', 7)}${pad('A p99', 9)}${pad('B p99', 9)}` +
        `${pad('A calls/s')}${pad('B calls/s')}${pad('B/A', 7)}${pad('A cpu us')}${pad('B cpu us')}${pad('B/A', 7)}`,
    );
    for (const op of OPS) {
      const x = a.ops[op];
      const y = b.ops[op];
      console.log(
        `${op.padEnd(10)}${pad(x.median_ms.toFixed(4))}${pad(y.median_ms.toFixed(4))}${pad((y.median_ms / x.median_ms).toFixed(3), 7)}` +
          `${pad(x.p99_ms.toFixed(3), 9)}${pad(y.p99_ms.toFixed(3), 9)}${pad(x.calls_per_s.toFixed(0))}${pad(y.calls_per_s.toFixed(0))}${pad((y.calls_per_s / x.calls_per_s).toFixed(3), 7)}` +
          `${pad(x.cpu_us_per_call.toFixed(1))}${pad(y.cpu_us_per_call.toFixed(1))}${pad((y.cpu_us_per_call / x.cpu_us_per_call).toFixed(3), 7)}`,
      );
    }
    console.log(
      "(cpu us: this process's CPU time per call at 32 in flight, the server excluded: the steadiest figure on a busy machine)",
    );
    console.log(
      `wasm        ${pad(a.wasm_bytes)}${pad(b.wasm_bytes)}  gzip -9 ${a.wasm_gzip_bytes} -> ${b.wasm_gzip_bytes}`,
    );
    console.log(
      `glue .mjs   ${pad(a.glue_bytes)}${pad(b.glue_bytes)}  gzip -9 ${a.glue_gzip_bytes} -> ${b.glue_gzip_bytes}`,
    );
    console.log(`heap at rest${pad(a.heap_at_rest_bytes)}${pad(b.heap_at_rest_bytes)}`);
    if (jsonOut) await writeFile(jsonOut, JSON.stringify(out, null, 2) + '\n');
  } finally {
    server?.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
