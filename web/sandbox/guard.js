/**
 * What keeps a web page in the user's browser away from a local server (the sandbox and
 * web/server.js share it): the Host check against DNS rebinding, the JSON-only rule against
 * cross-site "simple" requests, and the headers that only the server itself may set.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** An address as it is written in a Host header ("::1" -> "[::1]", "::ffff:127.0.0.1" -> "127.0.0.1"). */
function hostForm(address) {
  const a = String(address ?? '')
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    .toLowerCase();
  return a.includes(':') && !a.startsWith('[') ? `[${a}]` : a;
}

/**
 * The one loopback check of both servers: true for a host name or address that only the local
 * machine can reach (localhost, 127.0.0.0/8, ::1, also as "[::1]" or IPv4-mapped "::ffff:127.0.0.1").
 * It decides both where a server may listen without a warning and who may call the control routes.
 */
export function isLoopbackHost(host) {
  const h = hostForm(host);
  return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Whether the request's Host names this server: a loopback name, the address the connection came in
 * on, or one of `names` (the name it was started with), each with the port it listens on. A page that
 * reached us through a rebound DNS name (evil.test -> 127.0.0.1) sends its own name and is refused.
 * @param {import('node:http').IncomingMessage} req
 * @param {string[]} [names] extra host names, without port (e.g. the --host it was started with)
 */
export function hostAllowed(req, names = []) {
  const header = req.headers.host;
  if (typeof header !== 'string') return false;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header);
  if (!m) return false;
  const port = req.socket?.localPort;
  const portOk = m[2] === undefined ? port === 80 : Number(m[2]) === port && !/^0\d/.test(m[2]);
  if (!portOk) return false;
  const name = m[1].toLowerCase();
  return (
    LOOPBACK_NAMES.includes(name) ||
    name === hostForm(req.socket?.localAddress) ||
    names.some((n) => hostForm(n) === name)
  );
}

/** The names a server started on `host` answers to besides loopback: `host` itself when it is a name, not an address. */
export const hostNamesFor = (host) => (/^[\d.]+$|:/.test(host) ? [] : [host]);

/** The refusal of a foreign Host, as text for both servers. */
export const HOST_REFUSED =
  'This server answers only requests whose Host header names it: localhost, 127.0.0.1 or [::1], ' +
  'or the address it listens on, with its port. Another name (a DNS-rebinding page, a proxy) is refused.';

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonType(value) {
  return typeof value === 'string' && /^application\/json\s*(;|$)/i.test(value.trim());
}

/**
 * Response headers that belong to the server and never to a fault or an upstream: the browser
 * security policy of the origin (CSP, nosniff, framing, referrer, cross-origin isolation and
 * resource policy, HSTS, permissions), CORS (every `access-control-*`), cookies, and the framing of
 * the HTTP message itself. web/sandbox/README.md lists them.
 */
export const PROTECTED_HEADERS = Object.freeze([
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
  'strict-transport-security',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'origin-agent-cluster',
  'timing-allow-origin',
  'x-permitted-cross-domain-policies',
  'set-cookie',
  'set-cookie2',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'proxy-connection',
  'report-to',
  'nel',
  'alt-svc',
]);

/** Whether `name` (any case) is a header that only the server may set. */
export function isProtectedHeader(name) {
  const n = String(name).toLowerCase();
  return PROTECTED_HEADERS.includes(n) || n.startsWith('access-control-');
}

/** The content types a fault may claim: data a browser shows as text or parses, never runs. */
export function isAllowedFaultType(value) {
  return /^(application\/json|text\/plain|text\/html)\s*(;|$)/i.test(String(value).trim());
}
