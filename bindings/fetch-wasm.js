// Fetches the .wasm from a URL (the `wasm` option as a URL or string, or the web entry's default).
/** @param {URL} url @param {AbortSignal} [signal] */
export async function loadUrl(url, signal) {
  const res = await fetch(url, { credentials: 'same-origin', signal });
  if (!res.ok) throw new Error(`${url.origin}${url.pathname} answered HTTP ${res.status}`);
  return res.arrayBuffer();
}
