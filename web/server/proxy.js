/**
 * The proxy of `/v2/` to the one upstream given at start (`--upstream`): Docker Hub sends no CORS
 * headers, so a page cannot call it directly. Only origin-form `/v2/...` targets are forwarded; the
 * Host and the target never come from the request. Hop-by-hop headers, cookies, Origin, Referer and
 * X-Forwarded-* are not forwarded; Set-Cookie and the headers only this server sets (security
 * policy, CORS, framing) are not passed back.
 */
import http from 'node:http';
import https from 'node:https';
import { isProtectedHeader } from '../sandbox/guard.js';
import { sendJson } from './headers.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);
/** Request headers that describe the browser's side and have no business upstream. */
const NOT_FORWARDED = new Set([
  'host',
  'cookie',
  'origin',
  'referer',
  'forwarded',
  'via',
  'x-real-ip',
  'content-length',
]);
/**
 * Whether an upstream response header may reach the browser: never one of the headers that only this
 * server sets (security policy, CORS, cookies, framing), except the body's own length.
 */
const returned = (name) => name === 'content-length' || !isProtectedHeader(name);

const MAX_PROXY_BODY = 1024 * 1024;
const PROXY_TIMEOUT_MS = 60_000;

/**
 * Checks `--upstream`: an http(s) origin and nothing else.
 * @returns {URL}
 */
export function parseUpstream(value) {
  let u;
  try {
    u = new URL(value);
  } catch {
    throw new Error(
      `--upstream must be a URL such as https://hub.docker.com, got ${JSON.stringify(value)}`,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Error('--upstream must be an http(s) URL');
  if (u.username || u.password) throw new Error('--upstream may not carry a user name or password');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new Error(
      '--upstream must be an origin only (scheme, host, port), such as https://hub.docker.com',
    );
  }
  return u;
}

/** The hop-by-hop headers of a message: the fixed ones and those its Connection header names. */
function hopByHop(headers) {
  const dropped = new Set(HOP_BY_HOP);
  for (const name of String(headers.connection ?? '').split(','))
    dropped.add(name.trim().toLowerCase());
  return dropped;
}

/** The request headers that go upstream, with the upstream's Host. */
function forwardedHeaders(req, upstream) {
  const dropped = hopByHop(req.headers);
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (
      dropped.has(name) ||
      NOT_FORWARDED.has(name) ||
      name.startsWith('x-forwarded-') ||
      name.startsWith('proxy-')
    )
      continue;
    headers[name] = value;
  }
  headers.host = upstream.host;
  if (req.headers['content-length'] !== undefined)
    headers['content-length'] = req.headers['content-length'];
  return headers;
}

/** The upstream's response headers that come back to the browser. */
function returnedHeaders(up) {
  const dropped = hopByHop(up.headers);
  const back = {};
  for (const [name, value] of Object.entries(up.headers)) {
    if (dropped.has(name) || !returned(name)) continue;
    back[name] = value;
  }
  back['cache-control'] ??= 'no-store';
  return back;
}

const tooLarge = (res) => sendJson(res, 413, { message: 'Request body too large.', errinfo: {} });

/** Forwards one /v2/ request to the upstream, streaming both ways. */
export function proxy(req, res, upstream, pathAndQuery) {
  if (Number(req.headers['content-length']) > MAX_PROXY_BODY) {
    req.resume();
    return tooLarge(res);
  }
  const out = (upstream.protocol === 'https:' ? https : http).request({
    protocol: upstream.protocol,
    hostname: upstream.hostname.replace(/^\[|\]$/g, ''),
    port: upstream.port || undefined,
    method: req.method,
    path: pathAndQuery,
    headers: forwardedHeaders(req, upstream),
    timeout: PROXY_TIMEOUT_MS,
  });
  out.on('response', (up) => {
    res.writeHead(up.statusCode ?? 502, returnedHeaders(up));
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  out.on('timeout', () =>
    out.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })),
  );
  out.on('error', (err) => {
    if (res.headersSent) return res.destroy();
    const timedOut = err.code === 'ETIMEDOUT';
    sendJson(res, timedOut ? 504 : 502, {
      message: timedOut
        ? `${upstream.origin} did not answer in time.`
        : `${upstream.origin} could not be reached.`,
      errinfo: {},
    });
  });
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_PROXY_BODY) {
      out.destroy();
      req.unpipe(out);
      req.resume();
      tooLarge(res);
    }
  });
  req.pipe(out);
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
}
