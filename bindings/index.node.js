// The Node entry: the .wasm is read from the package's own files.
import { readFile } from 'node:fs/promises';

import { createClient as create } from './client.js';

export { DockerHubError, ERROR_CODES } from './errors.js';
export { SCOPES } from './scopes.js';

const host = {
  syncCompile: true, // Node, Deno and Bun compile wasm synchronously (bindings/client.js)
  loadDefault: () => readFile(new URL('../dist/dockerhub_oat.wasm', import.meta.url)),
  loadUrl: async (url) => {
    if (url.protocol === 'file:') return readFile(url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the wasm from ${url.origin}${url.pathname}: HTTP ${res.status}`);
    return res.arrayBuffer();
  },
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
