// workerd's start, through Miniflare: for each run and peer a fresh workerd whose worker creates
// a client and makes its first call (a get) against the bench server. Two figures: from
// `new Miniflare` to the first answer (workerd's own boot included, the same for every peer), and
// the first request alone (the client's start: create, compile where it must, first call).
// The worker is the peer's web entry bundled by esbuild, as a serverless user ships it; ours gets
// the .wasm as a compiled module (workerd compiles no wasm bytes at run time).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

// The client is made once per isolate (as a long-lived Worker keeps it): the first request makes
// it, later ones (workerdPerCall) reuse it.
const WORKERS = {
  ours: `import { createClient } from '../../bindings/index.web.js';
    import wasm from './dockerhub_oat.wasm';
    let hub;
    export default { async fetch(req, env) {
      hub ??= await createClient({ baseUrl: env.BASE_URL, token: env.TOKEN, wasm });
      const t = await hub.getAccessToken(env.ORG, env.ID);
      return new Response(t.id);
    } };`,
  openapi_fetch: `import createClient from 'openapi-fetch';
    let client;
    export default { async fetch(req, env) {
      client ??= createClient({ baseUrl: env.BASE_URL, headers: { Authorization: 'Bearer ' + env.TOKEN } });
      const r = await client.GET('/v2/orgs/{org}/access-tokens/{token_id}', { params: { path: { org: env.ORG, token_id: env.ID } } });
      if (r.error !== undefined) throw new Error('HTTP ' + r.response.status);
      return new Response(r.data.id);
    } };`,
};

async function bundle(source) {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: { contents: source, resolveDir: HERE, loader: 'js', sourcefile: 'worker.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    minify: true,
    write: false,
    logLevel: 'silent',
    external: ['./dockerhub_oat.wasm'],
  });
  return r.outputFiles[0].text;
}

/**
 * Miniflare and each peer's bundled worker, or { error } when workerd cannot run: start(key) is a
 * fresh workerd running `key`'s worker, ask(mf, key) one request to it with its answer checked.
 */
async function workerdPeers(peerKeys, common) {
  let Miniflare;
  try {
    ({ Miniflare } = await import('miniflare'));
  } catch (err) {
    return { error: `miniflare is not installed: ${err.message}` };
  }
  const wasm = await readFile(join(ROOT, 'dist', 'dockerhub_oat.wasm'));
  const scripts = {};
  for (const k of peerKeys) scripts[k] = await bundle(WORKERS[k]);
  return {
    start(key) {
      const modules = [
        { type: 'ESModule', path: join(HERE, 'worker.mjs'), contents: scripts[key] },
      ];
      if (key === 'ours')
        modules.push({
          type: 'CompiledWasm',
          path: join(HERE, 'dockerhub_oat.wasm'),
          contents: wasm,
        });
      return new Miniflare({
        cf: false, // no fetch of workers.cloudflare.com: loopback only
        modules,
        compatibilityDate: '2025-01-01',
        bindings: { BASE_URL: common.baseUrl, TOKEN: common.token, ORG: common.org, ID: common.id },
      });
    },
    async ask(mf, key) {
      const res = await mf.dispatchFetch('http://worker.local/');
      const text = await res.text();
      if (text !== common.id)
        throw new Error(`${key} in workerd answered ${res.status}: ${text.slice(0, 200)}`);
    },
  };
}

/** The peers in round `round`'s order: each round starts one further, so no peer is always first. */
const inTurn = (peerKeys, round) => peerKeys.map((_, j) => peerKeys[(round + j) % peerKeys.length]);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** { [peer]: { boot_to_first_answer_ms, first_request_ms, runs } } or { error } when workerd cannot run. */
export async function workerdStarts(peerKeys, common, runs) {
  const peers = await workerdPeers(peerKeys, common);
  if (peers.error) return peers;
  const marks = Object.fromEntries(peerKeys.map((k) => [k, { boot: [], first: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const key of inTurn(peerKeys, i)) {
      const t0 = performance.now();
      const mf = peers.start(key);
      try {
        await mf.ready;
        const t1 = performance.now();
        await peers.ask(mf, key);
        const t2 = performance.now();
        marks[key].boot.push(t2 - t0);
        marks[key].first.push(t2 - t1);
      } finally {
        await mf.dispose();
      }
    }
  }
  return Object.fromEntries(
    peerKeys.map((k) => [
      k,
      {
        boot_to_first_answer_ms: Number(median(marks[k].boot).toFixed(2)),
        first_request_ms: Number(median(marks[k].first).toFixed(2)),
        runs,
      },
    ]),
  );
}

/**
 * Per call in workerd: one Miniflare per peer, its client made by a first request, then `rounds`
 * rounds of `batch` requests, each one get, the peers interleaved round by round; the median of
 * the requests' round trips (Miniflare's dispatch is in every peer's figure alike).
 * { [peer]: { get: { median_ms, n } } } or { error }.
 */
export async function workerdPerCall(peerKeys, common, rounds, batch) {
  const peers = await workerdPeers(peerKeys, common);
  if (peers.error) return peers;
  const mfs = {};
  const times = Object.fromEntries(peerKeys.map((k) => [k, []]));
  const one = async (key) => {
    const t0 = performance.now();
    await peers.ask(mfs[key], key);
    return performance.now() - t0;
  };
  try {
    for (const key of peerKeys) mfs[key] = peers.start(key);
    for (const key of peerKeys) for (let i = 0; i < batch; i++) await one(key); // warm-up, client made
    for (let r = 0; r < rounds; r++) {
      for (const key of inTurn(peerKeys, r))
        for (let i = 0; i < batch; i++) times[key].push(await one(key));
    }
  } finally {
    for (const mf of Object.values(mfs)) await mf.dispose();
  }
  return Object.fromEntries(
    peerKeys.map((k) => [
      k,
      { get: { median_ms: Number(median(times[k]).toFixed(4)), n: times[k].length } },
    ]),
  );
}
