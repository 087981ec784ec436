#!/usr/bin/env node
// Where our time goes: runs one operation of ours in a loop under `node --cpu-prof` against the
// bench server (its own process, not in the profile), then sums the profile's self time by part:
// our bindings, the XHR shim, the Emscripten glue, the WASM (by function where the .wasm keeps
// its names: build with --profiling-funcs for that), undici (fetch), V8 builtins such as
// JSON.parse, the garbage collector, and idle (waiting on the server).
//
//   node tests/bench/profile.js [get|list10|list100|create] [calls] [--peer ours|raw-fetch|openapi-fetch] [--no-network]
//                                                  default: get 5000 --peer ours
//   node tests/bench/profile.js --summarize FILE.cpuprofile [calls]
// A peer's profile is the floor to compare ours with (openapi-fetch needs a `npm run bench` first,
// which compiles it to results/openapi-fetch.mjs). --no-network answers from memory (fake-fetch.js),
// which leaves the clients' own work: no socket, no server, no waiting.
// Profiles are written to tests/bench/results/prof/.
import { fork, spawn } from 'node:child_process';
import { readdir, readFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ORG, TOKEN_ID, JWT, createRequest } from './bodies.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PROF_DIR = join(HERE, 'results', 'prof');

/** The child: `--loop op calls` runs under --cpu-prof. */
function peerUrl(peer) {
  const file =
    peer === 'openapi-fetch'
      ? join(HERE, 'results', 'openapi-fetch.mjs')
      : join(HERE, 'peers', `${peer}.js`);
  return pathToFileURL(file).href;
}

async function loop(op, calls, peer, noNetwork) {
  let server = null;
  let url = 'http://127.0.0.1:9';
  if (noNetwork) (await import('./fake-fetch.js')).installFakeFetch();
  else {
    server = fork(join(HERE, 'server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    ({ url } = await new Promise((resolve) => server.once('message', resolve)));
  }
  const { makeClient } = await import(peerUrl(peer));
  const client = await makeClient({
    baseUrl: url,
    token: JWT,
    org: ORG,
    id: TOKEN_ID,
    createRequest,
  });
  for (let i = 0; i < 500; i++) await client[op](); // warm-up: JIT, connections
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await client[op]();
  const ms = performance.now() - t0;
  client.close();
  server?.disconnect();
  process.stdout.write(
    JSON.stringify({ op, peer, calls, ms, per_call_us: (ms * 1000) / calls }) + '\n',
  );
}

/** `viaUndici`: the nearest JS frame above a WASM frame is undici's (its llhttp parser, not ours). */
function part(frame, viaUndici) {
  const { url, functionName: fn } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle (waiting on the server)';
  if (fn === '(program)') return 'V8/Node native, unattributed';
  if (fn === '(root)') return 'root';
  if (url.startsWith('wasm://') || /^wasm-function|^\$/.test(fn) || frame.wasm) {
    if (viaUndici) return "undici's llhttp (wasm)";
    if (/cJSON|parse_|print_|ensure|buffer_skip|get_object_item|case_insensitive/.test(fn))
      return 'wasm: cJSON';
    if (
      /malloc|free|sbrk|dlmalloc|dlfree|realloc|calloc|mallinfo|tmalloc|prepend_alloc|release_unused/i.test(
        fn,
      )
    )
      return 'wasm: allocator';
    if (/^(memcpy|memset|memmove|strlen|strcmp|strncmp|strncpy|memcmp|strchr|__.*)$/.test(fn))
      return 'wasm: libc';
    if (/^wasm-function/.test(fn)) return 'wasm: ours, unnamed (build with --profiling-funcs)';
    return 'wasm: core (dh_*, deliver, headers, utf-8 check)';
  }
  if (url.includes('dist/dockerhub_oat.mjs')) return 'Emscripten glue (dockerhub_oat.mjs)';
  if (url.includes('bindings/xhr.js')) return 'bindings/xhr.js (fetch-backed XHR)';
  if (url.includes('bindings/')) return 'bindings/client.js';
  if (url.includes('tests/bench/')) return 'bench harness';
  if (url.includes('undici')) return 'undici (fetch)';
  if (url.startsWith('node:')) return 'Node internals (streams, timers, net, ...)';
  if (!url) return `V8 builtin: ${fn || '(anonymous)'}`;
  return `other: ${url}`;
}

async function summarize(file, calls) {
  const prof = JSON.parse(await readFile(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isWasm = (f) => f.url.startsWith('wasm://') || /^wasm-function/.test(f.functionName);
  const viaUndici = (id) => {
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (!isWasm(f) && !/^js-to-wasm|^GenericJSToWasmWrapper/.test(f.functionName))
        return f.url.includes('undici');
    }
    return false;
  };
  const counts = new Map();
  for (const id of prof.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const totalUs = prof.endTime - prof.startTime;
  const usPerSample = totalUs / prof.samples.length;
  // self time by part and by function
  const parts = new Map();
  const fns = new Map();
  for (const [id, n] of counts) {
    const node = byId.get(id);
    const us = n * usPerSample;
    const p = part(node.callFrame, isWasm(node.callFrame) && viaUndici(id));
    parts.set(p, (parts.get(p) ?? 0) + us);
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${f.url ? relative(ROOT, fileURLToPath(f.url.startsWith('file:') ? f.url : pathToFileURL('/' + f.url).href)).replace(/^\.\.\/.*node:/, 'node:') : ''}${f.url ? ':' + (f.lineNumber + 1) : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  // inclusive time of a few entry points (a function counted once per stack)
  const inclusive = new Map();
  for (const [id, n] of counts) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      const name = f.functionName || '(anonymous)';
      const key = `${name}${f.url.includes('bindings/') ? ' [' + f.url.split('/').pop() + ']' : f.url.includes('dockerhub_oat.mjs') ? ' [glue]' : f.url.startsWith('wasm') ? ' [wasm]' : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + n * usPerSample);
    }
  }
  const busy = totalUs - (parts.get('idle (waiting on the server)') ?? 0);
  const per = (us) => (calls ? `${(us / calls).toFixed(2).padStart(8)} us/call` : '');
  const pct = (us, of) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;
  console.log(
    `${relative(process.cwd(), file)}: ${(totalUs / 1000).toFixed(0)} ms, ${prof.samples.length} samples, busy ${(busy / 1000).toFixed(0)} ms${calls ? `, ${calls} calls` : ''}`,
  );
  console.log('\nself time by part (percent of busy time):');
  for (const [p, us] of [...parts].sort((a, b) => b[1] - a[1]))
    console.log(
      `  ${p.padEnd(52)} ${(us / 1000).toFixed(1).padStart(8)} ms ${pct(us, busy)} ${per(us)}`,
    );
  console.log('\ntop functions by self time:');
  for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(
      `  ${f.slice(0, 90).padEnd(90)} ${(us / 1000).toFixed(1).padStart(8)} ms ${pct(us, busy)} ${per(us)}`,
    );
  console.log('\ninclusive time of entry points:');
  const want =
    /^(dhSettle|#settle|dh_js_settle|dhReceive|#resolve|dh_js_deliver|parseHeaders|deliver|complete|parse|send|onload|_emscripten_start_fetch|fetchXHR|fetchLoadCachedData|UTF8ToString|put|#start|#call|getAccessToken.*|listAccessTokens.*|createAccessToken.*|readLimited|finish|dhw_.*|on_finish|on_http_done|settle|dh_decode_.*|cJSON_.*|dh_headers_unpack|malloc|free|fetch|emscripten_fetch|dh_get_token|dh_list_tokens|dh_create_token|getAllResponseHeaders|stringToUTF8|lengthBytesUTF8|stringify|decode|Headers|setRequestHeader|arrayBuffer|text|json)\b/;
  for (const [f, us] of [...inclusive]
    .filter(([k]) => want.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 45))
    console.log(
      `  ${f.slice(0, 60).padEnd(60)} ${(us / 1000).toFixed(1).padStart(8)} ms ${pct(us, busy)} ${per(us)}`,
    );
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--loop')
    return loop(argv[1], Number(argv[2]), argv[3], argv[4] === 'no-network');
  if (argv[0] === '--summarize') return summarize(argv[1], Number(argv[2] ?? 0));
  const noNetwork = argv.includes('--no-network');
  if (noNetwork) argv.splice(argv.indexOf('--no-network'), 1);
  let peer = 'ours';
  const i = argv.indexOf('--peer');
  if (i >= 0) peer = argv.splice(i, 2)[1];
  const op = argv[0] ?? 'get';
  const calls = Number(argv[1] ?? 5000);
  await mkdir(PROF_DIR, { recursive: true });
  const before = Date.now();
  const out = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--cpu-prof',
        '--cpu-prof-dir',
        PROF_DIR,
        '--cpu-prof-interval',
        '100',
        fileURLToPath(import.meta.url),
        '--loop',
        op,
        String(calls),
        peer,
        noNetwork ? 'no-network' : 'network',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`profiled loop exited ${code}`)),
    );
  });
  console.log(
    `${out.peer}: ${out.calls} × ${out.op}: ${out.per_call_us.toFixed(1)} us per call (under the profiler)`,
  );
  const files = [];
  for (const f of await readdir(PROF_DIR)) {
    if (!f.endsWith('.cpuprofile')) continue;
    const s = await stat(join(PROF_DIR, f));
    if (s.mtimeMs >= before) files.push([s.mtimeMs, join(PROF_DIR, f)]);
  }
  files.sort((a, b) => b[0] - a[0]);
  if (!files.length) throw new Error('no profile was written');
  await summarize(files[0][1], calls + 500);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
