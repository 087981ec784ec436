/**
 * The control routes under /_sandbox/ (faults, the request log, the state): from loopback only,
 * with this start's control token, JSON only. A page in the user's browser can send a cross-site
 * "simple" request (text/plain, no custom header) but can neither set the token header without a
 * CORS preflight (which we never grant) nor know the token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { errorBody, readBody, parseJson } from './http.js';
import { isJsonType, isLoopbackHost } from './guard.js';

/** The header that carries the per-start control token of the /_sandbox routes. */
export const CONTROL_TOKEN_HEADER = 'x-sandbox-token';

/** Whether this path is one of the control routes'. */
export const isControlPath = (pathname) =>
  pathname === '/_sandbox' || pathname.startsWith('/_sandbox/');

/** Whether the request carries `token` (compared in constant time). */
function hasToken(req, token) {
  const given = Buffer.from(String(req.headers[CONTROL_TOKEN_HEADER] ?? ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Why a control request is refused before its body is read, or null. */
function refusal(req, token) {
  if (!isLoopbackHost(req.socket?.remoteAddress))
    return [403, 'The sandbox control routes answer on loopback only.'];
  if (!hasToken(req, token)) {
    return [
      401,
      "The sandbox control routes need the header X-Sandbox-Token with this start's control token (printed at start; sb.controlToken in the JS API).",
    ];
  }
  const type = req.headers['content-type'];
  if ((req.method === 'POST' || type !== undefined) && !isJsonType(type)) {
    return [415, 'The sandbox control routes take JSON only: send Content-Type: application/json.'];
  }
  return null;
}

/**
 * @param {object} o
 * @param {import('./faults.js').FaultQueue} o.faults
 * @param {import('./store.js').Store} o.store
 * @param {{ requests: object[], counts: Record<string, number>, reset(): void }} o.log the request log
 * @param {(res: any, status: number, body?: any, headers?: object) => void} o.send
 * @param {number} o.maxBody
 */
export function createControl({ faults, store, log, send, maxBody }) {
  // Random per start: a web page cannot guess it, so it cannot drive the control routes.
  const token = randomBytes(32).toString('base64url');

  function addFaults(res, buf) {
    const p = parseJson(buf);
    if (!p.ok) return send(res, 400, errorBody(p.message));
    try {
      const added = faults.add(p.value);
      return send(res, 201, { added, pending: faults.list() });
    } catch (e) {
      return send(res, 400, errorBody(e.message));
    }
  }

  async function control(req, res, url) {
    const refused = refusal(req, token);
    if (refused) {
      req.resume();
      return send(res, refused[0], errorBody(refused[1]));
    }
    const { buf, tooLarge, aborted } = await readBody(req, maxBody);
    if (aborted) return;
    if (tooLarge)
      return send(res, 413, errorBody('Request body too large.'), { connection: 'close' });
    switch (`${req.method} ${url.pathname.replace(/\/$/, '')}`) {
      case 'POST /_sandbox/faults':
        return addFaults(res, buf);
      case 'GET /_sandbox/faults':
        return send(res, 200, { pending: faults.list() });
      case 'DELETE /_sandbox/faults':
        faults.clear();
        return send(res, 204);
      case 'GET /_sandbox/requests':
        return send(res, 200, { requests: log.requests, counts: log.counts });
      case 'DELETE /_sandbox/requests':
        log.reset();
        return send(res, 204);
      case 'GET /_sandbox/state':
        return send(res, 200, store.snapshot());
      default:
        return send(res, 404, errorBody('Unknown sandbox control route.'));
    }
  }

  return { token, control };
}
