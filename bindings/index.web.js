// The `default` entry (browsers through a bundler that emits assets, such as vite): web-standard
// globals only, no Node module. The .wasm is fetched from beside this file.
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  // Bundlers that understand new URL('…', import.meta.url) ship the file and rewrite the URL.
  loadDefault: (signal) => loadUrl(new URL('../dist/dockerhub_oat.wasm', import.meta.url), signal),
  loadUrl,
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
