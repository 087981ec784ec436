#!/usr/bin/env node
// `npm run bench`: ours against openapi-fetch (typed by openapi-typescript from openapi.yaml, this
// project's own description of the five token operations) and a hand-written fetch + JSON.parse
// (the floor above the network), in one run, against a loopback server in a child process
// (server.js). It prints issue 13's table first (each row with its target), then every figure.
//
//   node tests/bench/run.js              the full run (about a minute and a half)
//   node tests/bench/run.js --quick      a smoke run of a few seconds (tests/bench/quick-run-writes-every-figure.test.js)
//   options: --out FILE (default tests/bench/results/latest.json; quick.json with --quick),
//            --rounds N, --cold N
//
// What is measured (every time is performance.now()):
// - per operation (get, list of 10, list of 100, create): the median and p99 of one call made
//   alone, and the calls per second with 32 in flight. The clients are interleaved round by round
//   (each round runs every client's batch, in an order that rotates), the warm-up rounds are
//   discarded, and throughput is the median of the rounds;
// - the clients' own work without the network (client-only.js: fetch answers from memory), the
//   median of one call alone: the figure that a busy machine disturbs least;
// - cold start: a fresh `node` per run and client (cold.js) that imports, creates a client and
//   makes its first call; the median of the runs. For ours, also the import + instantiation alone;
// - start after fetch(): the same in a process that has fetch()ed once already (a warm
//   serverless instance: undici and its wasm are loaded), from after that fetch to the data;
// - other hosts: Deno's and Bun's starts (cold.js under them), Bun per call (percall.js), and
//   workerd's first request through Miniflare (workerd.js); a host that cannot run is recorded
//   as { error } and shown as '-';
// - browser payload: the web entry bundled and minified by esbuild, and the .wasm, gzip -9,
//   against openapi-fetch bundled the same way;
// - our WASM heap (heap.js): at rest, per call in flight, growth over 1000 calls.
// - tokens as code (manifest.js): a plan of N entries and of 4N, the ratio of their times (linear:
//   about 4 or less).
// The figures go to the JSON file and a table with the ratios ours / peer. Noise never fails the
// run: it exits 0 unless something crashed. Not part of `npm test`.
import { fork, spawn } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ORG, TOKEN_ID, JWT, createRequest } from './bodies.js';
import { esbuildApp, viteApp, APPS } from './payload.js';
import { workerdPerCall, workerdStarts } from './workerd.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RESULTS = join(HERE, 'results');
const OPS = ['get', 'list10', 'list100', 'create'];
const OP_LABEL = { get: 'get', list10: 'list of 10', list100: 'list of 100', create: 'create' };
const IN_FLIGHT = 32;

// A collection before each batch (not timed), so that no client pays for another's garbage.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// ---- options ----

function parseArgs(argv) {
  const o = { quick: false, out: null, rounds: null, cold: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--cold') o.cold = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node tests/bench/run.js [--quick] [--out FILE] [--rounds N] [--cold N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  const config = o.quick
    ? {
        warmupRounds: 1,
        rounds: 3,
        batch: 8,
        throughputCalls: 64,
        inFlight: IN_FLIGHT,
        coldRuns: 3,
        heapCalls: 200,
        heapWarmup: 40,
        hostRuns: 1,
        hostRounds: 2,
        hostBatch: 10,
      }
    : {
        warmupRounds: 3,
        rounds: 20,
        batch: 40,
        throughputCalls: 320,
        inFlight: IN_FLIGHT,
        coldRuns: 15,
        heapCalls: 1000,
        heapWarmup: 200,
        hostRuns: 7,
        hostRounds: 10,
        hostBatch: 40,
      };
  if (o.rounds) config.rounds = o.rounds;
  if (o.cold) config.coldRuns = o.cold;
  config.quick = o.quick;
  const out = o.out ?? join(RESULTS, o.quick ? 'quick.json' : 'latest.json');
  return { config, out };
}

// ---- statistics ----

const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Nearest-rank percentile. */
function percentile(xs, p) {
  const s = sorted(xs);
  return s.length
    ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
    : NaN;
}
const round = (x, digits = 3) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
const ratio = (a, b) =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? round(a / b, 3) : null;

// ---- the machine ----

async function machine() {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const info = await readFile('/proc/cpuinfo', 'utf8');
    const m = info.match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: the model stays unknown
  }
  // Others' work on the machine shows here: read the figures with it in mind.
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadavg_at_start: loadavg().map((x) => round(x, 2)),
  };
}

// ---- set-up: the typed peer, the server ----

/** openapi-typescript writes results/schema.d.ts from the spec; esbuild strips the peer's types. */
async function preparePeers() {
  await mkdir(RESULTS, { recursive: true });
  const spec = join(HERE, 'openapi.yaml'); // written for this project: the five token operations
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const t0 = performance.now();
  const ast = await openapiTS(pathToFileURL(spec));
  const schema = `// Generated by openapi-typescript from tests/bench/openapi.yaml at bench time; do not edit.\n${astToString(ast)}`;
  await writeFile(join(RESULTS, 'schema.d.ts'), schema);
  const generateMs = performance.now() - t0;
  const esbuild = await import('esbuild');
  const ts = await readFile(join(HERE, 'peers', 'openapi-fetch.ts'), 'utf8');
  const { code } = await esbuild.transform(ts, { loader: 'ts', format: 'esm', target: 'node18' });
  // Beside the other peers' output so that `openapi-fetch` resolves from the project's node_modules.
  const file = join(RESULTS, 'openapi-fetch.mjs');
  await writeFile(file, code);
  return {
    schema: {
      file: relative(ROOT, join(RESULTS, 'schema.d.ts')),
      bytes: Buffer.byteLength(schema),
      generate_ms: round(generateMs, 1),
    },
    peers: [
      { key: 'ours', label: 'ours', url: pathToFileURL(join(HERE, 'peers', 'ours.js')).href },
      { key: 'openapi_fetch', label: 'openapi-fetch', url: pathToFileURL(file).href },
      {
        key: 'raw_fetch',
        label: 'raw fetch',
        url: pathToFileURL(join(HERE, 'peers', 'raw-fetch.js')).href,
      },
    ],
  };
}

/** tsc on the typed peer: proof that its calls match the spec's paths (full runs only). */
function typecheck() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) return Promise.resolve('skipped: typescript is not installed');
  const args = [
    tsc,
    '--noEmit',
    '--strict',
    '--target',
    'es2022',
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
    '--lib',
    'es2022,dom',
    '--skipLibCheck',
    join(HERE, 'peers', 'openapi-fetch.ts'),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('close', (code) =>
      resolve(code === 0 ? 'ok' : `failed: ${text.trim().slice(0, 500)}`),
    );
  });
}

function startServer() {
  const child = fork(join(HERE, 'server.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
    child.once('message', (m) => resolve({ url: m.url, child }));
  });
}

// ---- measuring ----

async function sequential(fn, n, samples) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
}

/**
 * `total` calls, `inFlight` at a time: calls per second (wall clock), and this process's CPU time
 * per call (user + system, all threads; the server's work is in its own process and not counted),
 * which other load on the machine disturbs far less than the wall clock.
 */
async function throughput(fn, total, inFlight) {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await fn();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cps: total / (wall / 1000), cpuUs: (cpu.user + cpu.system) / total };
}

async function rounds(peers, clients, config, log) {
  const seq = {};
  const thr = {};
  const cpu = {};
  for (const op of OPS) {
    seq[op] = Object.fromEntries(peers.map((p) => [p.key, []]));
    thr[op] = Object.fromEntries(peers.map((p) => [p.key, []]));
    cpu[op] = Object.fromEntries(peers.map((p) => [p.key, []]));
  }
  const total = config.warmupRounds + config.rounds;
  for (let r = 0; r < total; r++) {
    const warm = r < config.warmupRounds;
    const order = peers.map((_, i) => peers[(i + r) % peers.length]);
    for (const peer of order) {
      const client = clients[peer.key];
      for (const op of OPS) {
        const samples = [];
        if (gc) gc();
        await sequential(client[op], config.batch, samples);
        if (gc) gc(); // each batch starts clean instead of paying for the previous client's garbage
        const { cps, cpuUs } = await throughput(
          client[op],
          config.throughputCalls,
          config.inFlight,
        );
        if (!warm) {
          seq[op][peer.key].push(...samples);
          thr[op][peer.key].push(cps);
          cpu[op][peer.key].push(cpuUs);
        }
      }
    }
    log(
      `  round ${r + 1}/${total}${warm ? ' (warm-up, discarded)' : ''}: ${order.map((p) => p.label).join(', ')}`,
    );
  }
  const latency = {};
  const calls = {};
  for (const op of OPS) {
    latency[op] = {};
    calls[op] = {};
    for (const p of peers) {
      const s = seq[op][p.key];
      latency[op][p.key] = {
        median_ms: round(median(s), 4),
        p99_ms: round(percentile(s, 99), 4),
        mean_ms: round(s.reduce((a, b) => a + b, 0) / s.length, 4),
        n: s.length,
      };
      const t = thr[op][p.key];
      calls[op][p.key] = {
        calls_per_s: round(median(t), 0),
        min: round(Math.min(...t), 0),
        max: round(Math.max(...t), 0),
        cpu_us_per_call: round(median(cpu[op][p.key]), 1),
        rounds: t.length,
        in_flight: config.inFlight,
      };
    }
  }
  return { latency, throughput: calls };
}

const runNode = (args) => runCmd(process.execPath, args);

/** Runs a bench script (node, or `deno run -A`, `bun run`); resolves with the JSON line it printed. */
function runCmd(bin, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - t0;
      if (code !== 0)
        return reject(
          new Error(
            `${bin} ${args.map(String).join(' ').slice(0, 200)} exited ${code}: ${err.trim()}`,
          ),
        );
      try {
        resolve({ result: JSON.parse(out.trim().split('\n').pop()), wall });
      } catch {
        reject(new Error(`${bin} ${args[0]} printed no JSON: ${out} ${err}`));
      }
    });
  });
}

/** Other runtimes, from the project's devDependencies: [binary, arguments before the script]. */
const RUNTIMES = {
  node: [process.execPath, []],
  deno: [join(ROOT, 'node_modules', '.bin', 'deno'), ['run', '-A']],
  bun: [join(ROOT, 'node_modules', '.bin', 'bun'), ['run']],
};

/** cold.js once per run and peer, interleaved. afterFetch: the process fetch()es once first. */
async function coldStarts(peers, common, runs, log, { runtime = 'node', afterFetch = false } = {}) {
  const [bin, pre] = RUNTIMES[runtime];
  const marks = Object.fromEntries(peers.map((p) => [p.key, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[(i + k) % peers.length];
      const { result, wall } = await runCmd(bin, [
        ...pre,
        join(HERE, 'cold.js'),
        JSON.stringify({ ...common, peer: peer.url, afterFetch }),
      ]);
      marks[peer.key].push({ ...result, wall });
    }
  }
  log(
    `  ${runs} ${afterFetch ? 'starts after a first fetch()' : 'cold starts'} per client (${runtime})`,
  );
  const out = { runs };
  for (const p of peers) {
    const m = marks[p.key];
    const med = (f) => round(median(m.map(f)), 2);
    out[p.key] = {
      // From the process's start (Node's boot included, the same for every client) to the data.
      first_response_ms: med((x) => x.firstResponse),
      node_boot_ms: med((x) => x.start),
      import_ms: med((x) => x.imported - x.start),
      create_client_ms: med((x) => x.created - x.imported),
      first_call_ms: med((x) => x.firstResponse - x.created),
      // What the client adds to Node's boot before it can send: import + create (ours instantiates the WASM here).
      import_and_create_ms: med((x) => x.created - x.start),
      // What the client adds before the data: import, create, first call.
      client_start_ms: med((x) => x.firstResponse - x.start),
      spawn_to_exit_ms: med((x) => x.wall),
    };
  }
  return out;
}

async function payload() {
  const esbuild = await import('esbuild');
  const bundle = async (build) => {
    const r = await esbuild.build({
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: ROOT,
      ...build,
    });
    return r.outputFiles[0].contents;
  };
  const sizes = (bytes) => ({
    bytes: bytes.length,
    gzip_bytes: gzipSync(bytes, { level: zlib.Z_BEST_COMPRESSION }).length,
  });
  const wasm = await readFile(join(ROOT, 'dist', 'dockerhub_oat.wasm'));
  const ours = (js) => {
    const j = sizes(js);
    const w = sizes(wasm);
    return {
      js_bytes: j.bytes,
      js_gzip_bytes: j.gzip_bytes,
      wasm_bytes: w.bytes,
      wasm_gzip_bytes: w.gzip_bytes,
      total_bytes: j.bytes + w.bytes,
      total_gzip_bytes: j.gzip_bytes + w.gzip_bytes,
    };
  };
  const peer = (js) => {
    const j = sizes(js);
    return {
      js_bytes: j.bytes,
      js_gzip_bytes: j.gzip_bytes,
      total_bytes: j.bytes,
      total_gzip_bytes: j.gzip_bytes,
    };
  };
  const stdin = (contents) => ({
    stdin: { contents, resolveDir: HERE, loader: 'js', sourcefile: 'entry.js' },
  });
  return {
    // Issue 23: what a browser downloads for the one-call app, built as its user builds it.
    one_call: {
      esbuild: {
        ours: await esbuildApp(APPS.ours, true),
        openapi_fetch: await esbuildApp(APPS.openapi_fetch, false),
      },
      vite: {
        ours: await viteApp(APPS.ours, true),
        openapi_fetch: await viteApp(APPS.openapi_fetch, false),
      },
    },
    // The whole web entry, every export kept (.mjs glue bundled in; the .wasm beside it).
    ours: ours(await bundle({ entryPoints: [join(ROOT, 'bindings', 'index.web.js')] })),
    // What an app that makes one call ships (tree-shaken): the same shape as the openapi-fetch entry.
    ours_one_call: ours(
      await bundle(
        stdin(
          `import { createClient } from '../../bindings/index.web.js';
       const hub = await createClient({ token: 'x' });
       export const r = hub.getAccessToken('acme', 'a7a5ef25-8889-43a0-8cc7-f2a94268e861');`,
        ),
      ),
    ),
    openapi_fetch: peer(
      await bundle(
        stdin(
          `import createClient from 'openapi-fetch';
       const client = createClient({ baseUrl: 'https://hub.docker.com', headers: { Authorization: 'Bearer x' } });
       export const r = client.GET('/v2/orgs/{org}/access-tokens/{token_id}', { params: { path: { org: 'acme', token_id: 'a7a5ef25-8889-43a0-8cc7-f2a94268e861' } } });`,
        ),
      ),
    ),
    raw_fetch: peer(
      await bundle(
        stdin(
          `export const r = fetch('https://hub.docker.com/v2/orgs/acme/access-tokens/a7a5ef25-8889-43a0-8cc7-f2a94268e861', { headers: { Authorization: 'Bearer x' } }).then(async (res) => { const t = await res.text(); if (!res.ok) throw new Error(t); return JSON.parse(t); });`,
        ),
      ),
    ),
  };
}

/** Deno's and Bun's starts, Bun per call, workerd's start; a host that cannot run gets { error }. */
async function otherHosts(peers, common, config, log) {
  const two = peers.filter((p) => p.key !== 'raw_fetch');
  const out = {};
  const guard = async (name, fn) => {
    try {
      out[name] = await fn();
    } catch (err) {
      out[name] = { error: String(err?.message ?? err).slice(0, 500) };
      log(`  ${name}: ${out[name].error}`);
    }
  };
  await guard('deno_start', () =>
    coldStarts(two, common, config.hostRuns, log, { runtime: 'deno' }),
  );
  await guard('bun_start', () => coldStarts(two, common, config.hostRuns, log, { runtime: 'bun' }));
  for (const runtime of ['bun', 'deno']) {
    await guard(`${runtime}_per_call`, async () => {
      const [bin, pre] = RUNTIMES[runtime];
      const args = {
        peers: two.map(({ key, url }) => ({ key, url })),
        common,
        ops: OPS,
        rounds: config.hostRounds,
        warmup: 1,
        batch: config.hostBatch,
      };
      const { result } = await runCmd(bin, [
        ...pre,
        join(HERE, 'percall.js'),
        JSON.stringify(args),
      ]);
      log(
        `  ${runtime}: ${config.hostRounds} rounds of ${config.hostBatch} calls per client and operation`,
      );
      return result;
    });
  }
  await guard('workerd_per_call', async () => {
    const r = await workerdPerCall(
      two.map((p) => p.key),
      common,
      config.hostRounds,
      config.hostBatch,
    );
    if (r.error) throw new Error(r.error);
    log(
      `  workerd (Miniflare): ${config.hostRounds} rounds of ${config.hostBatch} gets per client`,
    );
    return r;
  });
  await guard('workerd_start', async () => {
    const r = await workerdStarts(
      two.map((p) => p.key),
      common,
      config.hostRuns,
    );
    if (r.error) throw new Error(r.error);
    log(`  workerd (Miniflare): ${config.hostRuns} starts per client`);
    return r;
  });
  return out;
}

// ---- the report ----

/** Issue 23's table: ours against openapi-fetch, each row's target beside it. */
function summary(results) {
  const h = results.hosts ?? {};
  const pair = (get) => {
    try {
      return [get('ours'), get('openapi_fetch')];
    } catch {
      return [null, null];
    }
  };
  const oneCall = (bundler) => (k) => results.payload.one_call[bundler][k].total_gzip_bytes;
  const BYTES = 'ours <= 20480 bytes (20 KiB)';
  const rows = [
    [
      'one-call app (esbuild --splitting): browser downloads, gzip -9 (bytes)',
      pair(oneCall('esbuild')),
      BYTES,
    ],
    ['one-call app (vite build): browser downloads, gzip -9 (bytes)', pair(oneCall('vite')), BYTES],
    [
      'cold start: process start to first data (Node, ms)',
      pair((k) => results.cold_start[k].first_response_ms),
      1.1,
    ],
    [
      'start after fetch(): import, create, first call (Node, ms)',
      pair((k) => results.start_after_fetch[k].client_start_ms),
      1.3,
    ],
    ['get, per call, median (Node, ms)', pair((k) => results.latency.get[k].median_ms), 1.1],
    [
      'list of 100, per call, median (Node, ms)',
      pair((k) => results.latency.list100[k].median_ms),
      1.3,
    ],
    [
      'start: import, create, first call (Bun, ms)',
      pair((k) => h.bun_start[k].client_start_ms),
      1.1,
    ],
    ['get, per call, median (Bun, ms)', pair((k) => h.bun_per_call[k].get.median_ms), 1.1],
    [
      'list of 100, per call, median (Bun, ms)',
      pair((k) => h.bun_per_call[k].list100.median_ms),
      1.3,
    ],
    [
      'start: import, create, first call (Deno, ms)',
      pair((k) => h.deno_start[k].client_start_ms),
      1.1,
    ],
    ['get, per call, median (Deno, ms)', pair((k) => h.deno_per_call[k].get.median_ms), 1.1],
    [
      'list of 100, per call, median (Deno, ms)',
      pair((k) => h.deno_per_call[k].list100.median_ms),
      1.3,
    ],
    [
      'start: the first request (workerd via Miniflare, ms)',
      pair((k) => h.workerd_start[k].first_request_ms),
      1.1,
    ],
    [
      'get, per request, median (workerd via Miniflare, ms)',
      pair((k) => h.workerd_per_call[k].get.median_ms),
      1.1,
    ],
  ];
  return rows.map(([measure, [ours, peer], target]) => ({
    measure,
    ours: ours ?? null,
    openapi_fetch: peer ?? null,
    ratio: ratio(ours, peer),
    target: typeof target === 'string' ? target : `<= ${target.toFixed(2)}x`,
    met:
      ours == null || peer == null
        ? null
        : typeof target === 'string'
          ? ours <= 20480
          : ratio(ours, peer) <= target,
  }));
}

function summaryTable(rows) {
  const cell = (v) => (v == null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(3));
  const lines = [
    `${'issue 23: ours against openapi-fetch, in this one run'.padEnd(72)}${'ours'.padStart(10)}${'openapi-fetch'.padStart(15)}${'ratio'.padStart(9)}   target`,
  ];
  for (const r of rows)
    lines.push(
      `${r.measure.padEnd(72)}${cell(r.ours).padStart(10)}${cell(r.openapi_fetch).padStart(15)}${(r.ratio == null ? '-' : `${r.ratio.toFixed(2)}x`).padStart(9)}   ${r.target}${r.met === null ? '' : r.met ? '  met' : '  MISSED'}`,
    );
  return lines.join('\n');
}

function table(results, peers) {
  const [ours, ...others] = peers;
  const lines = [];
  const cols = ['', ...peers.map((p) => p.label), ...others.map((p) => `ours/${p.label}`)];
  const widths = [36, ...peers.map(() => 14), ...others.map(() => 20)];
  const row = (cells) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('');
  const fmt = (v, digits) =>
    v == null || Number.isNaN(v) ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v);
  const ratioCell = (v) => (v == null ? '-' : `${v.toFixed(2)}x`);
  const line = (label, get, digits) => {
    const vals = peers.map((p) => get(p.key));
    lines.push(
      row([
        label,
        ...vals.map((v) => fmt(v, digits)),
        ...others.map((p) => ratioCell(ratio(get(ours.key), get(p.key)))),
      ]),
    );
  };
  const m = results.machine;
  const c = results.config;
  lines.push(
    `dockerhub-oat bench${c.quick ? ' (--quick: a smoke run, not figures to quote)' : ''}`,
  );
  lines.push(
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${m.loadavg_at_start.join(' ')} at start, ${m.loadavg_at_end.join(' ')} at end;`,
  );
  lines.push(
    `${c.rounds} rounds (+${c.warmupRounds} warm-up), ` +
      `${c.batch} sequential calls and ${c.throughputCalls} calls at ${c.inFlight} in flight per client, operation and round`,
  );
  lines.push('');
  lines.push(row(cols));
  lines.push(row(['per call, alone (ms)']));
  for (const op of OPS) {
    line(`  ${OP_LABEL[op]} median`, (k) => results.latency[op][k].median_ms, 3);
    line(`  ${OP_LABEL[op]} p99`, (k) => results.latency[op][k].p99_ms, 3);
  }
  lines.push(row([`throughput, ${c.inFlight} in flight (calls/s)`]));
  for (const op of OPS) line(`  ${OP_LABEL[op]}`, (k) => results.throughput[op][k].calls_per_s, 0);
  lines.push(row([`client CPU per call, ${c.inFlight} in flight (us)`]));
  for (const op of OPS)
    line(`  ${OP_LABEL[op]}`, (k) => results.throughput[op][k].cpu_us_per_call, 1);
  lines.push(row(['client work alone, no network (us/call, median)']));
  for (const op of OPS) line(`  ${OP_LABEL[op]}`, (k) => results.client_only[k][op].median_us, 1);
  lines.push(row([`cold start, median of ${results.cold_start.runs} (ms)`]));
  line('  process start to first data', (k) => results.cold_start[k].first_response_ms, 1);
  line('    of which Node boot', (k) => results.cold_start[k].node_boot_ms, 1);
  line('    import', (k) => results.cold_start[k].import_ms, 1);
  line('    create client', (k) => results.cold_start[k].create_client_ms, 1);
  line('    first call', (k) => results.cold_start[k].first_call_ms, 1);
  line('  spawn to exit', (k) => results.cold_start[k].spawn_to_exit_ms, 1);
  lines.push(
    row(['  ours: import + instantiate', fmt(results.cold_start.ours.import_and_create_ms, 1)]),
  );
  lines.push(
    row([`start after a first fetch(), median of ${results.start_after_fetch.runs} (ms)`]),
  );
  line('  import, create, first call', (k) => results.start_after_fetch[k].client_start_ms, 1);
  line('    import', (k) => results.start_after_fetch[k].import_ms, 1);
  line('    create client', (k) => results.start_after_fetch[k].create_client_ms, 1);
  line('    first call', (k) => results.start_after_fetch[k].first_call_ms, 1);
  lines.push(row(['browser payload (bytes)']));
  const pay = (k) => results.payload[k];
  line('  js, minified', (k) => pay(k).js_bytes, 0);
  line('  js, gzip -9', (k) => pay(k).js_gzip_bytes, 0);
  line('  wasm', (k) => pay(k).wasm_bytes ?? 0, 0);
  line('  wasm, gzip -9', (k) => pay(k).wasm_gzip_bytes ?? 0, 0);
  line('  total, gzip -9', (k) => pay(k).total_gzip_bytes, 0);
  const one = results.payload.ours_one_call;
  lines.push(
    row(['  ours, one-call app, one file: js gz', fmt(one.js_gzip_bytes, 0)]) +
      `   (total gz ${one.total_gzip_bytes}; esbuild without --splitting keeps the tools' JS in the file)`,
  );
  for (const [bundler, apps] of Object.entries(results.payload.one_call)) {
    lines.push(
      row([`  one-call app, ${bundler}: files gz`]) +
        `   ours ${JSON.stringify(apps.ours.files)}; openapi-fetch ${JSON.stringify(apps.openapi_fetch.files)}`,
    );
  }
  const h = results.heap;
  lines.push(row(['our WASM heap (bytes)']));
  lines.push(row(['  at rest, one client', h.at_rest_bytes]));
  lines.push(row(['  one more client', h.per_client_bytes]));
  for (const op of OPS) {
    const f = h.in_flight[op];
    lines.push(
      row([`  ${OP_LABEL[op]}: 32 in flight`, f.during_bytes]) +
        `   (${round(f.per_call_bytes, 1)} per call in flight)`,
    );
  }
  lines.push(
    row([
      `  after ${h.growth.calls} calls vs before`,
      h.growth.after_bytes - h.growth.before_bytes,
    ]) +
      `   (${round(h.growth.per_call_bytes, 3)} per call; before ${h.growth.before_bytes}, after ${h.growth.after_bytes})`,
  );
  return lines.join('\n');
}

// ---- main ----

async function main() {
  const { config, out } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const log = (s) => process.stderr.write(`${s}\n`);
  const results = {
    schema_version: 1,
    date: new Date().toISOString(),
    machine: await machine(),
    config,
  };

  log("bench: generating the spec's types, compiling the typed peer");
  const { schema, peers } = await preparePeers();
  results.openapi_typescript = schema;
  results.typecheck = config.quick ? 'skipped (--quick)' : await typecheck();
  if (!config.quick) log(`bench: tsc on peers/openapi-fetch.ts: ${results.typecheck}`);

  const server = await startServer();
  server.child.removeAllListeners('exit');
  const cleanup = () => server.child.connected && server.child.disconnect();
  try {
    const common = { baseUrl: server.url, token: JWT, org: ORG, id: TOKEN_ID, createRequest };
    log(`bench: server on ${server.url} (its own process)`);

    // Same answers from every client, or the comparison means nothing.
    const clients = {};
    for (const p of peers) clients[p.key] = await (await import(p.url)).makeClient(common);
    for (const op of OPS) {
      const datas = [];
      for (const p of peers) datas.push(await clients[p.key][op]());
      for (let i = 1; i < datas.length; i++)
        if (
          !isDeepStrictEqual(
            JSON.parse(JSON.stringify(datas[i])),
            JSON.parse(JSON.stringify(datas[0])),
          )
        )
          throw new Error(`${peers[i].label} and ${peers[0].label} disagree on ${op}`);
    }

    log('bench: heap (fresh process)');
    const heap = await runNode([
      join(HERE, 'heap.js'),
      JSON.stringify({
        ...common,
        peer: peers[0].url,
        calls: config.heapCalls,
        warmup: config.heapWarmup,
      }),
    ]);
    results.heap = heap.result;

    log('bench: tokens as code, a plan of N and of 4N entries (fresh process)');
    results.manifest_plan = (
      await runNode([join(HERE, 'manifest.js'), JSON.stringify({ runs: config.quick ? 3 : 7 })])
    ).result;
    log(
      `bench: plan of ${results.manifest_plan.n4.entries} entries over ${results.manifest_plan.n.entries}: x${results.manifest_plan.ratio_4x} (linear: about 4 or less)`,
    );

    log('bench: client work alone, no network (fresh process)');
    const alone = await runNode([
      join(HERE, 'client-only.js'),
      JSON.stringify({
        peers: peers.map(({ key, url }) => ({ key, url })),
        common,
        rounds: config.rounds,
        warmup: config.warmupRounds,
        batch: config.quick ? 20 : 100,
      }),
    ]);
    results.client_only = alone.result;

    log('bench: rounds');
    Object.assign(results, await rounds(peers, clients, config, log));
    for (const p of peers) clients[p.key].close();

    log('bench: cold starts');
    results.cold_start = await coldStarts(peers, common, config.coldRuns, log);
    log('bench: starts in a process that has already called fetch()');
    results.start_after_fetch = await coldStarts(peers, common, config.coldRuns, log, {
      afterFetch: true,
    });
    log('bench: Deno, Bun and workerd');
    results.hosts = await otherHosts(peers, common, config, log);
  } finally {
    cleanup();
  }

  log('bench: payload (esbuild)');
  results.payload = await payload();

  const [ours, ...others] = peers;
  results.ratios = {};
  for (const p of others) {
    const r = (results.ratios[`ours_over_${p.key}`] = {
      latency_median: {},
      latency_p99: {},
      throughput: {},
      cpu_per_call: {},
    });
    for (const op of OPS) {
      r.latency_median[op] = ratio(
        results.latency[op][ours.key].median_ms,
        results.latency[op][p.key].median_ms,
      );
      r.latency_p99[op] = ratio(
        results.latency[op][ours.key].p99_ms,
        results.latency[op][p.key].p99_ms,
      );
      r.throughput[op] = ratio(
        results.throughput[op][ours.key].calls_per_s,
        results.throughput[op][p.key].calls_per_s,
      );
      r.cpu_per_call[op] = ratio(
        results.throughput[op][ours.key].cpu_us_per_call,
        results.throughput[op][p.key].cpu_us_per_call,
      );
    }
    r.client_only = Object.fromEntries(
      OPS.map((op) => [
        op,
        ratio(
          results.client_only[ours.key][op].median_us,
          results.client_only[p.key][op].median_us,
        ),
      ]),
    );
    r.cold_start_first_response = ratio(
      results.cold_start[ours.key].first_response_ms,
      results.cold_start[p.key].first_response_ms,
    );
    r.start_after_fetch = ratio(
      results.start_after_fetch[ours.key].client_start_ms,
      results.start_after_fetch[p.key].client_start_ms,
    );
    r.payload_total_gzip = ratio(
      results.payload.ours.total_gzip_bytes,
      results.payload[p.key].total_gzip_bytes,
    );
  }
  results.clients = Object.fromEntries(peers.map((p) => [p.key, p.label]));
  results.machine.loadavg_at_end = loadavg().map((x) => round(x, 2));
  results.duration_s = round((performance.now() - t0) / 1000, 1);

  await mkdir(dirname(out), { recursive: true });
  results.summary = summary(results);
  await writeFile(out, JSON.stringify(results, null, 2) + '\n');
  console.log(summaryTable(results.summary));
  console.log('');
  console.log(table(results, peers));
  console.log(
    `\nratios: ours / peer (below 1 is better for time and bytes, above 1 better for calls/s)`,
  );
  console.log(`wrote ${relative(process.cwd(), out) || out} in ${results.duration_s} s`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
