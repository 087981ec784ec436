// The Node entry (Node, Bun): the .wasm is read from the package's own files.
import { readFile } from 'node:fs/promises';

import { createClient as create } from './client.js';
import { loadUrl as fetchUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  syncCompile: true, // Node, Deno and Bun compile wasm synchronously (bindings/client.js)
  loadDefault: (signal) => readFile(new URL('../dist/dockerhub_oat.wasm', import.meta.url), { signal }),
  loadTools: () => readFile(new URL('../dist/dockerhub_oat_tools.wasm', import.meta.url)),
  loadUrl: (url, signal) => (url.protocol === 'file:' ? readFile(url, { signal }) : fetchUrl(url, signal)),
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
