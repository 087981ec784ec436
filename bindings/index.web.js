// The `browser` and `default` entry (browsers, bundled or not): web-standard globals only, no Node
// module. The .wasm files are fetched as they are (a binary gzips better than base64 in JS), from
// the URLs dist/wasm-url.mjs gives: vite ships them as assets; after esbuild, which does not, they
// are looked for beside the bundle (the README's recipe copies them there).
import { coreWasmUrl, toolsWasmUrl } from '../dist/wasm-url.mjs';
import { createClient as create } from './client.js';
import { loadUrl } from './fetch-wasm.js';

export * from './exports.js';

const host = {
  loadDefault: (signal) => loadUrl(coreWasmUrl(), signal),
  loadTools: () => loadUrl(toolsWasmUrl()),
  loadUrl,
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
