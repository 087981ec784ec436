// The `deno` and `worker` entry: the .wasm travels inside a module generated at build
// time (dist/dockerhub_oat.inline.mjs), so no file is read (Deno needs no --allow-read) and a
// bundler that emits no .wasm asset (esbuild) still ships it.
import wasmBytes from '../dist/dockerhub_oat.inline.mjs';
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  loadDefault: async () => wasmBytes(),
  // The tools' bytes are a module of their own, imported on first use only.
  loadTools: async () => (await import('../dist/dockerhub_oat_tools.inline.mjs')).default(),
  loadUrl,
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
