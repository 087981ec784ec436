// The `deno`, `worker` and `browser` entry: the .wasm travels inside a module generated at build
// time (dist/dockerhub_oat.inline.mjs), so no file is read (Deno needs no --allow-read) and a
// bundler that emits no .wasm asset (esbuild) still ships it.
import wasmBytes from '../dist/dockerhub_oat.inline.mjs';
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = { loadDefault: async () => wasmBytes(), loadUrl };

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
