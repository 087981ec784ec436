/**
 * Fault injection: the next N requests that match (method and/or path regex) get a
 * chosen answer, a delay, a stall after the headers, or a connection reset mid-body.
 * This lets client tests exercise retries, timeouts and parse failures without sleeps.
 */

const html = (code, text) =>
  `<html>\r\n<head><title>${code} ${text}</title></head>\r\n<body>\r\n<center><h1>${code} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

import { isProtectedHeader, isAllowedFaultType } from './guard.js';
import { RATE_LIMIT_STYLES, retryHeaders } from './ratelimit.js';

const RATE_LIMITED = { detail: 'Rate limit exceeded', error: false };

/**
 * Named answers; a spec's own fields override the preset's. The rate-limit-* presets answer a 429
 * in one of Docker Hub's styles (see ratelimit.js), `waitSeconds` (default 2) from the sandbox's clock.
 */
export const PRESETS = Object.freeze({
  html502: {
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: html(502, 'Bad Gateway'),
  },
  html503: {
    status: 503,
    headers: { 'content-type': 'text/html' },
    body: html(503, 'Service Temporarily Unavailable'),
  },
  html504: {
    status: 504,
    headers: { 'content-type': 'text/html' },
    body: html(504, 'Gateway Time-out'),
  },
  'server-error': { status: 500, body: { message: 'Internal Server Error', errinfo: {} } },
  'rate-limited': { status: 429, rateLimitStyle: 'seconds', waitSeconds: 1, body: RATE_LIMITED },
  ...Object.fromEntries(
    RATE_LIMIT_STYLES.map((style) => [
      `rate-limit-${style}`,
      { status: 429, rateLimitStyle: style, waitSeconds: 2, body: RATE_LIMITED },
    ]),
  ),
  unauthorized: {
    status: 401,
    body: { message: 'Authentication credentials were not provided or are invalid.', errinfo: {} },
  },
  'bad-json': {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"total": 1, "next": null, "results": [',
  },
});

const KEYS = new Set([
  'preset',
  'method',
  'path',
  'times',
  'status',
  'headers',
  'body',
  'delayMs',
  'stall',
  'reset',
  'lose',
  'waitSeconds',
]);

/**
 * Checks and normalizes one spec. Throws TypeError with a readable message.
 * @param {object} spec
 */
export function normalizeFault(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec))
    throw new TypeError('a fault must be an object');
  for (const k of Object.keys(spec))
    if (!KEYS.has(k))
      throw new TypeError(`unknown fault field "${k}" (known: ${[...KEYS].join(', ')})`);
  let base = {};
  if (spec.preset !== undefined) {
    if (!Object.hasOwn(PRESETS, spec.preset))
      throw new TypeError(
        `unknown fault preset ${JSON.stringify(spec.preset)} (known: ${Object.keys(PRESETS).join(', ')})`,
      );
    base = PRESETS[spec.preset];
  }
  const s = { ...base, ...spec, headers: { ...(base.headers ?? {}), ...(spec.headers ?? {}) } };
  const f = {
    method: null,
    path: null,
    times: 1,
    status: null,
    headers: {},
    body: undefined,
    delayMs: 0,
    stall: false,
    reset: false,
    preset: spec.preset ?? null,
    rateLimitStyle: base.rateLimitStyle ?? null,
    waitSeconds: null,
  };
  checkMatch(s, f);
  checkAnswer(s, f);
  checkTiming(s, f);
  return f;
}

/** Which requests the fault takes: method, path, how many times. */
function checkMatch(s, f) {
  if (s.method != null) {
    if (typeof s.method !== 'string') throw new TypeError('fault.method must be a string');
    f.method = s.method.toUpperCase();
  }
  if (s.path != null) {
    if (s.path instanceof RegExp) f.path = s.path;
    else if (typeof s.path === 'string') {
      try {
        f.path = new RegExp(s.path);
      } catch (e) {
        throw new TypeError(`fault.path is not a valid regular expression: ${e.message}`);
      }
    } else throw new TypeError('fault.path must be a RegExp or a regular expression string');
  }
  if (s.times !== undefined) {
    if (!Number.isInteger(s.times) || s.times < 1)
      throw new TypeError('fault.times must be an integer >= 1');
    f.times = s.times;
  }
}

/** The answer: status, headers (none protected, a content type a browser never runs), body. */
function checkAnswer(s, f) {
  if (s.status != null) {
    if (!Number.isInteger(s.status) || s.status < 200 || s.status > 599)
      throw new TypeError('fault.status must be an integer from 200 to 599');
    f.status = s.status;
  }
  for (const [k, v] of Object.entries(s.headers)) {
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new TypeError(`fault header ${k} must be a string or number`);
    // The origin's security policy, CORS, cookies and the message framing stay the server's.
    if (isProtectedHeader(k))
      throw new TypeError(
        `a fault may not set the header ${k.toLowerCase()} (see "What a fault may not set" in web/sandbox/README.md)`,
      );
    // A value node:http cannot send (a control character, one past U+00FF) is refused here, not
    // turned into a "sandbox internal error" on every request it matches.
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(k) || /[^\t\x20-\x7e\x80-\xff]/.test(String(v)))
      throw new TypeError(`fault header ${JSON.stringify(k)} is not a valid header`);
    f.headers[k.toLowerCase()] = String(v);
  }
  const type = f.headers['content-type'];
  if (type !== undefined && !isAllowedFaultType(type)) {
    throw new TypeError(
      `a fault's content-type must be application/json, text/plain or text/html (nothing a browser runs), got ${JSON.stringify(type)}`,
    );
  }
  if (s.waitSeconds !== undefined) {
    if (!f.rateLimitStyle) throw new TypeError('fault.waitSeconds goes with a rate-limit-* preset');
    if (!Number.isInteger(s.waitSeconds) || s.waitSeconds < 0 || s.waitSeconds > 86400)
      throw new TypeError('fault.waitSeconds must be an integer from 0 to 86400');
    f.waitSeconds = s.waitSeconds;
  }
  if (s.body !== undefined) {
    if (typeof s.body === 'string') f.body = s.body;
    else {
      f.body = JSON.stringify(s.body);
      f.headers['content-type'] ??= 'application/json';
    }
  }
}

/** When and how it answers: a delay, a stall, a reset, or a lost answer; else it passes the request on. */
function checkTiming(s, f) {
  if (s.delayMs !== undefined) {
    if (typeof s.delayMs !== 'number' || !(s.delayMs >= 0) || s.delayMs > 600000)
      throw new TypeError('fault.delayMs must be a number of milliseconds from 0 to 600000');
    f.delayMs = s.delayMs;
  }
  f.stall = s.stall === true;
  f.reset = s.reset === true;
  // The request is done as usual and its answer is lost: the connection closes instead.
  f.lose = s.lose === true;
  if (f.stall && f.reset) throw new TypeError('a fault cannot both stall and reset');
  if (f.lose && (f.stall || f.reset || f.status !== null || f.body !== undefined))
    throw new TypeError('a fault that loses the answer takes no status, body, stall or reset');
  // A fault with nothing but a delay (or lose) passes the request on to the normal handler afterwards.
  f.passThrough = f.status === null && f.body === undefined && !f.stall && !f.reset;
  if (f.passThrough && f.delayMs === 0 && !f.lose)
    throw new TypeError('a fault needs one of: preset, status, body, stall, reset, delayMs, lose');
  if (f.status === null) f.status = 200;
  if (f.body !== undefined) f.headers['content-type'] ??= 'text/plain';
}

/** The pending faults, consumed first-match-first. */
export class FaultQueue {
  constructor() {
    this.items = [];
  }

  /** @param {object | object[]} specs */
  add(specs) {
    const list = (Array.isArray(specs) ? specs : [specs]).map(normalizeFault);
    this.items.push(...list);
    return list.length;
  }

  clear() {
    this.items.length = 0;
  }

  /** Takes one use of the first fault matching this request, or null. */
  take(method, pathname) {
    const i = this.items.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(pathname)),
    );
    if (i < 0) return null;
    const f = this.items[i];
    if (--f.times <= 0) this.items.splice(i, 1);
    return f;
  }

  /** A JSON-friendly view (for GET /_sandbox/faults). */
  list() {
    return this.items.map((f) => ({
      preset: f.preset,
      method: f.method,
      path: f.path ? f.path.source : null,
      times: f.times,
      status: f.status,
      delayMs: f.delayMs,
      stall: f.stall,
      reset: f.reset,
      lose: f.lose,
      waitSeconds: f.waitSeconds,
    }));
  }
}

/**
 * Sends a fault's answer instead of the route's: its status, headers and body, or only the headers
 * (stall), or half the body and then a reset.
 * @param {number} nowUs the sandbox's clock, in microseconds (for a rate-limit style's reset time)
 */
export function sendFault(res, f, baseHeaders, nowUs) {
  let styled = {};
  if (f.rateLimitStyle) {
    const wait = f.waitSeconds ?? 2;
    styled = retryHeaders(f.rateLimitStyle, wait, Math.ceil(nowUs / 1_000_000 + wait));
  }
  // Protected headers cannot be in f.headers (normalizeFault refuses them): nosniff stays ours.
  const headers = { ...baseHeaders, ...styled, ...f.headers, 'x-content-type-options': 'nosniff' };
  if (f.stall) {
    // Headers only; the body never comes (the client's timeout must fire).
    res.writeHead(f.status, headers);
    res.flushHeaders();
    return;
  }
  // Without a body: empty, except that a reset needs something to cut in half.
  const body = Buffer.from(
    f.body ??
      (f.reset ? JSON.stringify({ total: 0, next: null, previous: null, results: [] }) : ''),
  );
  if (f.reset) {
    headers['content-type'] ??= 'application/json';
    res.writeHead(f.status, { ...headers, 'content-length': body.length });
    const part = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    res.write(part, () => setImmediate(() => res.socket?.destroy()));
    return;
  }
  res.writeHead(f.status, { ...headers, 'content-length': body.length });
  res.end(body);
}
