// The Node entry (Node, Bun): the .wasm is read from the package's own files.
import { readFile } from 'node:fs/promises';

import { createClient as create } from './client.js';
import { loadUrl as fetchUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  syncCompile: true, // compile the wasm at once (bindings/module.js wasmSource says why)
  loadDefault: (signal) =>
    readFile(new URL('../dist/dockerhub_oat.wasm', import.meta.url), { signal }),
  // The tools' bytes travel in a module imported on first use: a bundle for Node (esbuild, a
  // data: URL) keeps them, where a path beside this file would not resolve.
  loadTools: async () => (await import('../dist/dockerhub_oat_tools.inline.mjs')).default(),
  loadUrl: (url, signal) =>
    url.protocol === 'file:' ? readFile(url, { signal }) : fetchUrl(url, signal),
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
