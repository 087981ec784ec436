// The one way tests drive the sandbox's control routes (/_sandbox/*) over HTTP: JSON bodies and the
// per-start control token, so no test hand-rolls the headers.
//   const ctl = sandboxControl(sb);            // a startSandbox() result
//   const ctl = sandboxControl(srv);           // or a startServer() result (web/server.js)
//   await ctl.addFaults({ preset: 'html502' }); await ctl.requests(); await ctl.state();

/**
 * @param {{ url: string, controlToken: string }} target what startSandbox or startServer returned
 */
export function sandboxControl(target) {
  const { url, controlToken } = target;
  if (typeof url !== 'string' || typeof controlToken !== 'string') {
    throw new TypeError('sandboxControl needs a startSandbox() or startServer() result (url and controlToken)');
  }
  /** One control request; rejects on an answer that is not 2xx, with the sandbox's message. */
  async function request(method, path, body) {
    const headers = { 'x-sandbox-token': controlToken };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${json?.message ?? text}`);
    return json;
  }
  return {
    request,
    /** Adds one fault spec or an array of them; resolves with { added, pending }. */
    addFaults: (spec) => request('POST', '/_sandbox/faults', spec),
    pendingFaults: async () => (await request('GET', '/_sandbox/faults')).pending,
    clearFaults: () => request('DELETE', '/_sandbox/faults'),
    /** { requests: [{ method, path, query }], counts: { 'GET /v2/...': n } } */
    requests: () => request('GET', '/_sandbox/requests'),
    resetRequests: () => request('DELETE', '/_sandbox/requests'),
    /** The world as the sandbox keeps it (secrets as hashes only). */
    state: () => request('GET', '/_sandbox/state'),
  };
}
