// The `workerd` entry (Cloudflare Workers, wrangler, Miniflare): workerd refuses to compile wasm at
// run time, so the .wasm is imported as a module; wrangler's default rules make it a CompiledWasm
// module, which arrives here as a WebAssembly.Module.
import wasm from '../dist/dockerhub_oat.wasm';
import toolsWasm from '../dist/dockerhub_oat_tools.wasm'; // compiled with the Worker, instantiated on first use
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = { loadDefault: async () => wasm, loadTools: async () => toolsWasm, loadUrl };

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
