/**
 * The sandbox's HTTP plumbing, shared by its routes: reading a bounded body, parsing JSON, and
 * sending an answer with the headers every sandbox answer carries.
 */

/** Docker's generic error body (401/403/404 and non-field 400s). */
/** Where a response keeps its request's entry in the request log, for what a route adds to it
 * (a sign-in's identity: see auth/session.js). */
export const LOG_ENTRY = Symbol('sandbox request log entry');

export const errorBody = (message) => ({ message, errinfo: {} });

/**
 * Reads the body up to `max` bytes. Past the limit it keeps draining (so the client
 * can read the 413) but stops keeping data, and gives up on absurd sizes.
 * @returns {Promise<{ buf: Buffer, tooLarge: boolean, aborted: boolean }>}
 */
export function readBody(req, max) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length']) > max;
    let done = false;
    const finish = (aborted) => {
      if (done) return;
      done = true;
      resolve({ buf: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge, aborted });
    };
    req.on('data', (c) => {
      size += c.length;
      if (size > max) tooLarge = true;
      if (!tooLarge) chunks.push(c);
      if (size > 64 * max) req.destroy();
    });
    req.on('end', () => finish(false));
    req.on('error', () => finish(true));
    req.on('close', () => finish(!req.complete));
  });
}

/**
 * Parses a JSON body; an empty body counts as `{}` (then "label" is reported missing).
 * @returns {{ ok: true, value: any } | { ok: false, message: string }}
 */
export function parseJson(buf) {
  const text = buf.toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `Malformed JSON body: ${e.message}` };
  }
}

/**
 * Makes `send(res, status, body?, headers?)`: JSON (or no body), never cached, nosniff. An answer
 * in `losing` (a `lose` fault) is done but never sent: the connection closes instead.
 * @param {WeakSet<object>} losing
 */
export function createSender(losing) {
  return function send(res, status, body, headers = {}) {
    if (res.headersSent || res.destroyed) return;
    if (losing.has(res)) return res.destroy();
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
}
