// The `workerd` entry (Cloudflare Workers, wrangler, Miniflare): workerd refuses to compile wasm at
// run time, so the .wasm is imported as a module; wrangler's default rules make it a CompiledWasm
// module, which arrives here as a WebAssembly.Module.
import wasm from '../dist/dockerhub_oat.wasm';
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  loadDefault: async () => wasm,
  // The tools' module (audit, plan) is imported on first use: a Worker that never audits compiles only the core.
  loadTools: async () => (await import('../dist/dockerhub_oat_tools.wasm')).default,
  loadUrl,
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
