// The browser, worker and serverless entry: web-standard globals only, no Node module.
import { createClient as create } from './client.js';

export { DockerHubError, ERROR_CODES } from './errors.js';
export { SCOPES } from './scopes.js';
export { auditMarkdown, hasFindingAtLeast, pruneCandidates, SEVERITIES } from './audit.js';

async function loadUrl(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`could not load the wasm from ${url.origin}${url.pathname}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

const host = {
  // Bundlers understand new URL('…', import.meta.url) and ship the file beside the module.
  loadDefault: () => loadUrl(new URL('../dist/dockerhub_oat.wasm', import.meta.url)),
  loadUrl,
};

/** @param {import('./index').ClientOptions} [options] */
export function createClient(options) {
  return create(options, host);
}
