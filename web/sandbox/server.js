/**
 * The sandbox's request handler, composed of its parts: auth/session.js (sign-in and who may
 * manage an org), routes.js (the /v2 OAT operations), store.js (the world), faults.js (injected
 * answers), control.js (the /_sandbox routes), ratelimit.js and guard.js (the Host check). It owns
 * no socket, so the dashboard's server can mount it under its own origin (see createSandboxHandler).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { makeClock } from './time.js';
import { Store } from './store.js';
import { createAuth } from './auth/session.js';
import { FaultQueue, sendFault } from './faults.js';
import { RateLimiter } from './ratelimit.js';
import { hostAllowed, HOST_REFUSED } from './guard.js';
import { DEFAULT_LIMITS } from './validate.js';
import { errorBody, createSender, LOG_ENTRY } from './http.js';
import { routeOf, createRoutes } from './routes.js';
import { createControl, isControlPath, CONTROL_TOKEN_HEADER } from './control.js';

export { CONTROL_TOKEN_HEADER };
export const MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TOKEN_LIMITS = Object.freeze({ team: 10, business: 100 });

/**
 * @typedef {object} SandboxOptions
 * @property {object | object[]} [seed] merged onto the built-in world (see README)
 * @property {string} [seedFile] JSON seed file, merged before `seed`
 * @property {string} [dataFile] persist the state here (atomic writes); loaded if present
 * @property {number} [rateLimit=600] requests per minute
 * @property {number} [jwtTtlSeconds=600]
 * @property {() => number | Date} [now] clock in milliseconds (for expiry tests)
 * @property {boolean | ((line: string) => void)} [log=false] one line per request
 * @property {number} [maxBodyBytes=1048576]
 * @property {{ descriptionMax?: number|null, repositoriesMax?: number|null, expiryMaxDays?: number|null }} [limits]
 * @property {Record<string, number>} [tokenLimits] OATs per org by plan ({ team: 10, business: 100 })
 * @property {boolean} [patCanManage=true] false: a JWT from a PAT gets 403 on the OAT routes
 * @property {'seconds'|'unix'|'x-retry-after'|'reset-only'} [rateLimitStyle='seconds'] how a 429 says when to retry
 * @property {string} [origin] the sandbox's own origin, for `next`/`previous` (also settable with setOrigin)
 * @property {string[]} [hostNames] host names besides loopback and the local address that the Host header may carry
 */

/** The seeds of `options`: the seed file's, then `seed` (one or a list). */
function seedsOf(options) {
  const seeds = [];
  if (options.seedFile) {
    try {
      seeds.push(JSON.parse(readFileSync(options.seedFile, 'utf8')));
    } catch (e) {
      throw new Error(`sandbox: cannot read seed file ${options.seedFile}: ${e.message}`);
    }
  }
  if (options.seed !== undefined)
    seeds.push(...(Array.isArray(options.seed) ? options.seed : [options.seed]));
  return seeds;
}

/** Where the one line per request goes, or null. */
const logSink = (log) =>
  log === true ? (l) => process.stderr.write(`${l}\n`) : typeof log === 'function' ? log : null;

/** Logs the path only: no query, header or body can leak a secret into the log. */
function logWhenDone(logLine, req, res, pathname) {
  const started = performance.now();
  res.once('close', () => {
    const how = res.writableFinished ? '' : res.headersSent ? ' (cut)' : ' (no answer)';
    logLine(
      `${req.method} ${pathname} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms${how}`,
    );
  });
}

/** The request log of the /v2 routes: every request, and a count per route key. */
function createRequestLog() {
  /** @type {{ method: string, path: string, query: Record<string,string>, signedIn?: object }[]} */
  const requests = [];
  /** @type {Record<string, number>} requests per route, e.g. "GET /v2/orgs/{name}/access-tokens" */
  const counts = {};
  return {
    requests,
    counts,
    add(method, url, key) {
      const entry = { method, path: url.pathname, query: Object.fromEntries(url.searchParams) };
      requests.push(entry);
      counts[key] = (counts[key] ?? 0) + 1;
      return entry;
    },
    reset() {
      requests.length = 0;
      for (const k of Object.keys(counts)) delete counts[k];
    },
  };
}

/** setTimeout promises that close() can cancel all at once. */
function createDelays() {
  const timers = new Set();
  return {
    delay: (ms) =>
      new Promise((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      }),
    cancel() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** The options' parts, checked, with their defaults. */
function partsOf(options) {
  const clock = makeClock(options.now);
  const jwtTtl = options.jwtTtlSeconds ?? 600;
  const store = new Store({ seed: seedsOf(options), dataFile: options.dataFile, clock });
  if (!(Number.isInteger(jwtTtl) && jwtTtl >= 1))
    throw new TypeError('jwtTtlSeconds must be an integer >= 1');
  /** Answers a `lose` fault swallows (the request is still done). */
  const losing = new WeakSet();
  const send = createSender(losing);
  const tokenLimits = { ...DEFAULT_TOKEN_LIMITS, ...(options.tokenLimits ?? {}) };
  const auth = createAuth({
    store,
    nowSeconds: () => Math.floor(clock() / 1_000_000),
    jwtTtl,
    patCanManage: options.patCanManage !== false,
    tokenLimits,
    send,
  });
  return {
    clock,
    store,
    auth,
    send,
    losing,
    tokenLimits,
    maxBody: options.maxBodyBytes ?? MAX_BODY_BYTES,
    limits: { ...DEFAULT_LIMITS, ...(options.limits ?? {}) },
    faults: new FaultQueue(),
    limiter: new RateLimiter({
      limit: options.rateLimit ?? 600,
      clock,
      style: options.rateLimitStyle ?? 'seconds',
    }),
  };
}

/**
 * The /v2 side: the request log, the rate limit and the faults, then the route.
 * @param {ReturnType<typeof partsOf>} p
 */
function createV2(p, log, delays, route, isClosed) {
  const { send, faults, limiter } = p;
  return async function v2(req, res, url) {
    const r = routeOf(req.method, url.pathname);
    res[LOG_ENTRY] = log.add(req.method, url, r.key);
    const rl = limiter.hit();
    const f = faults.take(req.method, url.pathname);
    if (f) {
      if (f.lose) p.losing.add(res);
      if (f.delayMs > 0) await delays.delay(f.delayMs);
      if (isClosed()) return;
      if (!f.passThrough) {
        req.resume();
        return sendFault(res, f, rl.headers, p.clock());
      }
    }
    if (!rl.allowed) {
      req.resume();
      return send(
        res,
        429,
        { detail: 'Rate limit exceeded', error: false },
        { ...rl.headers, ...rl.retryHeaders },
      );
    }
    return route(req, res, url, r, rl.headers);
  };
}

/** Handles one request completely (it always answers, 404 for unknown paths): the Host check, then control or /v2. */
function createHandle({ send, hostNames, logLine, control, v2 }) {
  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  return async function handle(req, res) {
    let url;
    try {
      url = new URL(req.url, 'http://sandbox.invalid');
    } catch {
      return send(res, 400, errorBody('Bad request target.'));
    }
    if (logLine) logWhenDone(logLine, req, res, url.pathname);
    try {
      if (!hostAllowed(req, hostNames)) {
        req.resume();
        return send(res, 403, errorBody(HOST_REFUSED));
      }
      return await (isControlPath(url.pathname) ? control(req, res, url) : v2(req, res, url));
    } catch (err) {
      // A bug in the sandbox must not look like a Docker Hub answer the client can trust.
      process.stderr.write(
        `sandbox: internal error on ${req.method} ${url.pathname}: ${err?.stack ?? err}\n`,
      );
      if (!res.headersSent) send(res, 500, { message: 'sandbox internal error', errinfo: {} });
      else res.destroy();
    }
  };
}

/**
 * Makes the sandbox's request handler without a server.
 * @param {SandboxOptions} [options]
 */
export function createSandboxHandler(options = {}) {
  const p = partsOf(options);
  const { send, faults, store } = p;
  let origin = options.origin ? new URL(options.origin).origin : null;
  let closed = false;
  const log = createRequestLog();
  const delays = createDelays();
  const v2 = createV2(p, log, delays, createRoutes({ ...p, origin: () => origin }), () => closed);
  const { token: controlToken, control } = createControl({
    faults,
    store,
    log,
    send,
    maxBody: p.maxBody,
  });
  const handle = createHandle({
    send,
    hostNames: options.hostNames ?? [],
    logLine: logSink(options.log),
    control,
    v2,
  });
  return {
    handle,
    /** Whether this handler answers this path (for a server that mounts it). */
    handles: (pathname) => pathname.startsWith('/v2/') || isControlPath(pathname),
    store,
    faults,
    limiter: p.limiter,
    requests: log.requests,
    counts: log.counts,
    resetRequests: log.reset,
    credentials: store.credentials,
    /** The per-start token of the /_sandbox control routes (header X-Sandbox-Token). */
    controlToken,
    /** Sets the sandbox's own origin, for `next`/`previous` links (a server calls it once it listens). */
    setOrigin(value) {
      origin = new URL(value).origin;
    },
    /** Mints a JWT directly (for tests that need one without a login request). */
    mintJwt: (auth) => p.auth.mint(auth),
    close() {
      closed = true;
      delays.cancel();
    },
  };
}
