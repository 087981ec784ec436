/**
 * The sandbox's request handler: routing, auth, the five OAT operations, request
 * accounting, rate limiting and fault injection. It owns no socket, so the dashboard's
 * server can mount it under its own origin (see createSandboxHandler).
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { makeClock } from './time.js';
import { Store } from './store.js';
import { createJwtSigner } from './auth/jwt.js';
import { FaultQueue } from './faults.js';
import { RateLimiter, retryHeaders } from './ratelimit.js';
import { hostAllowed, HOST_REFUSED, isJsonType } from './guard.js';
import { validateCreate, validateUpdate, validatePaging, valueError, DEFAULT_LIMITS, REQUIRED } from './validate.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TOKEN_LIMITS = Object.freeze({ team: 10, business: 100 });

const ORG_LIST = /^\/v2\/orgs\/([^/]+)\/access-tokens\/?$/;
const ORG_ONE = /^\/v2\/orgs\/([^/]+)\/access-tokens\/([^/]+)\/?$/;

/** Docker's generic error body (401/403/404 and non-field 400s). */
const errorBody = (message) => ({ message, errinfo: {} });

const isLoopback = (addr) => typeof addr === 'string' && (addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.'));

/**
 * Reads the body up to `max` bytes. Past the limit it keeps draining (so the client
 * can read the 413) but stops keeping data, and gives up on absurd sizes.
 * @returns {Promise<{ buf: Buffer, tooLarge: boolean, aborted: boolean }>}
 */
function readBody(req, max) {
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
function parseJson(buf) {
  const text = buf.toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: `Malformed JSON body: ${e.message}` };
  }
}

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

/** The header that carries the per-start control token of the /_sandbox routes. */
export const CONTROL_TOKEN_HEADER = 'x-sandbox-token';

/**
 * Makes the sandbox's request handler without a server.
 * @param {SandboxOptions} [options]
 */
export function createSandboxHandler(options = {}) {
  const clock = makeClock(options.now);
  const nowSeconds = () => Math.floor(clock() / 1_000_000);
  const seeds = [];
  if (options.seedFile) {
    try {
      seeds.push(JSON.parse(readFileSync(options.seedFile, 'utf8')));
    } catch (e) {
      throw new Error(`sandbox: cannot read seed file ${options.seedFile}: ${e.message}`);
    }
  }
  if (options.seed !== undefined) seeds.push(...(Array.isArray(options.seed) ? options.seed : [options.seed]));
  const store = new Store({ seed: seeds, dataFile: options.dataFile, clock });
  const jwt = createJwtSigner();
  const jwtTtl = options.jwtTtlSeconds ?? 600;
  if (!(Number.isInteger(jwtTtl) && jwtTtl >= 1)) throw new TypeError('jwtTtlSeconds must be an integer >= 1');
  const faults = new FaultQueue();
  /** Answers a `lose` fault swallows (the request is still done). */
  const losing = new WeakSet();
  const limiter = new RateLimiter({ limit: options.rateLimit ?? 600, clock, style: options.rateLimitStyle ?? 'seconds' });
  // Random per start: a web page cannot guess it, so it cannot drive the control routes.
  const controlToken = randomBytes(32).toString('base64url');
  const hostNames = options.hostNames ?? [];
  let origin = options.origin ? new URL(options.origin).origin : null;
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
  const tokenLimits = { ...DEFAULT_TOKEN_LIMITS, ...(options.tokenLimits ?? {}) };
  const patCanManage = options.patCanManage !== false;
  const logLine = options.log === true ? (l) => process.stderr.write(`${l}\n`) : typeof options.log === 'function' ? options.log : null;

  /** @type {{ method: string, path: string, query: Record<string,string> }[]} */
  const requests = [];
  /** @type {Record<string, number>} requests per route, e.g. "GET /v2/orgs/{name}/access-tokens" */
  const counts = {};
  const timers = new Set();
  let closed = false;

  function send(res, status, body, headers = {}) {
    if (res.headersSent || res.destroyed) return;
    if (losing.has(res)) return res.destroy(); // a `lose` fault: done, and the answer never sent
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
  }

  const delay = (ms) => new Promise((resolve) => {
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  function applyFault(res, f, baseHeaders) {
    let styled = {};
    if (f.rateLimitStyle) {
      const wait = f.waitSeconds ?? 2;
      styled = retryHeaders(f.rateLimitStyle, wait, Math.ceil(clock() / 1_000_000 + wait));
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
    const body = Buffer.from(f.body ?? (f.reset ? JSON.stringify({ total: 0, next: null, previous: null, results: [] }) : ''));
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

  /** Route key for accounting; `{...}` names follow the OpenAPI paths. */
  function routeOf(method, pathname) {
    if (pathname === '/v2/auth/token') return { key: `${method} /v2/auth/token`, name: 'auth', allow: ['POST'] };
    if (pathname === '/v2/users/login') return { key: `${method} /v2/users/login`, name: 'login', allow: ['POST'] };
    let m = ORG_LIST.exec(pathname);
    if (m) return { key: `${method} /v2/orgs/{name}/access-tokens`, name: 'list', allow: ['GET', 'POST'], org: m[1] };
    m = ORG_ONE.exec(pathname);
    if (m) return { key: `${method} /v2/orgs/{org_name}/access-tokens/{access_token_id}`, name: 'one', allow: ['GET', 'PATCH', 'DELETE'], org: m[1], id: m[2] };
    return { key: 'unmatched', name: null, allow: [] };
  }

  function mint(auth) {
    const iat = nowSeconds();
    const claims = { iss: 'dockerhub-oat-sandbox', sub: auth.sub, iat, exp: iat + jwtTtl, jti: randomUUID(), kind: auth.kind };
    if (auth.kind === 'oat') Object.assign(claims, { org: auth.org, oat_id: auth.tokenId });
    return jwt.sign(claims);
  }

  /** @returns {{ claims: any } | { status: number, body: object }} */
  function checkBearer(req) {
    const h = req.headers.authorization;
    if (!h) return { status: 401, body: errorBody('Authentication credentials were not provided.') };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) return { status: 401, body: errorBody('Invalid Authorization header; expected "Bearer <token>".') };
    const v = jwt.verify(m[1], nowSeconds());
    if (!v.ok) return { status: 401, body: errorBody(v.reason === 'expired' ? 'Token has expired.' : 'Invalid authentication token.') };
    return { claims: v.claims };
  }

  /** The org named in the path, if this JWT may manage its tokens. */
  function orgForManagement(claims, rawName) {
    let name;
    try { name = decodeURIComponent(rawName); } catch { name = rawName; }
    const org = store.org(name);
    if (!org) return { status: 404, body: errorBody(`Organization ${JSON.stringify(name)} not found.`) };
    if (claims.kind === 'oat') return { status: 403, body: errorBody('An organization access token cannot manage organization access tokens.') };
    if (claims.kind === 'pat' && !patCanManage) return { status: 403, body: errorBody('A personal access token cannot manage organization access tokens.') };
    if (!org.owners.includes(claims.sub)) return { status: 403, body: errorBody(`Only owners of ${org.name} can manage its organization access tokens.`) };
    if (!Object.hasOwn(tokenLimits, org.plan)) return { status: 403, body: errorBody('Organization access tokens need a Team or Business plan.') };
    return { org };
  }

  const summary = (t) => ({
    id: t.id, label: t.label, created_by: t.created_by, is_active: t.is_active,
    created_at: t.created_at, expires_at: t.expires_at, last_used_at: t.last_used_at,
  });
  const detail = (t) => ({ ...summary(t), description: t.description, resources: structuredClone(t.resources) });

  /** The sandbox's own origin: as started, else the address the connection came in on; never the Host header. */
  function originOf(req) {
    if (origin) return origin;
    const a = String(req.socket.localAddress).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    return `${req.socket?.encrypted ? 'https' : 'http'}://${a.includes(':') ? `[${a}]` : a}:${req.socket.localPort}`;
  }

  /** Whether the request carries this start's control token (compared in constant time). */
  function hasControlToken(req) {
    const given = Buffer.from(String(req.headers[CONTROL_TOKEN_HEADER] ?? ''));
    const want = Buffer.from(controlToken);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  /** Runs one /v2 route after rate limiting and faults. */
  async function route(req, res, url, r, h) {
    const { buf, tooLarge, aborted } = await readBody(req, maxBody);
    if (aborted) return;
    if (tooLarge) return send(res, 413, errorBody(`Request body too large (limit ${maxBody} bytes).`), { ...h, connection: 'close' });

    if (r.name === null) {
      // Unknown /v2 paths still need a valid JWT, as every other /v2 route does.
      if (url.pathname.startsWith('/v2/')) {
        const a = checkBearer(req);
        if (!a.claims) return send(res, a.status, a.body, h);
      }
      return send(res, 404, errorBody('Not found.'), h);
    }
    if (!r.allow.includes(req.method)) {
      return send(res, 405, { detail: `Method "${req.method}" not allowed.` }, { ...h, allow: r.allow.join(', ') });
    }

    if (r.name === 'auth' || r.name === 'login') {
      const p = parseJson(buf);
      if (!p.ok) return send(res, 400, errorBody(p.message), h);
      const body = p.value && typeof p.value === 'object' && !Array.isArray(p.value) ? p.value : {};
      const [idKey, secretKey] = r.name === 'auth' ? ['identifier', 'secret'] : ['username', 'password'];
      const missing = {};
      for (const k of [idKey, secretKey]) if (typeof body[k] !== 'string' || body[k] === '') missing[k] = [REQUIRED];
      if (Object.keys(missing).length) return send(res, 400, valueError(missing), h);
      if (r.name === 'login') {
        // The deprecated route is for users only.
        if (store.org(body.username)) return send(res, 401, { detail: 'Cannot log into an organization account' }, h);
        const auth = store.authenticate(body.username, body.password);
        if (!auth) return send(res, 401, { detail: 'Incorrect authentication credentials' }, h);
        return send(res, 200, { token: mint(auth) }, h);
      }
      const auth = store.authenticate(body.identifier, body.secret);
      if (!auth) return send(res, 401, errorBody('Incorrect authentication credentials.'), h);
      return send(res, 200, { access_token: mint(auth) }, h);
    }

    const a = checkBearer(req);
    if (!a.claims) return send(res, a.status, a.body, h);
    const o = orgForManagement(a.claims, r.org);
    if (!o.org) return send(res, o.status, o.body, h);
    const org = o.org;

    if (r.name === 'list' && req.method === 'GET') {
      const pg = validatePaging(url.searchParams);
      if (!pg.ok) return send(res, 400, pg.error, h);
      const all = store.listTokens(org);
      const { page, pageSize } = pg;
      const link = (p) => `${originOf(req)}/v2/orgs/${encodeURIComponent(org.name)}/access-tokens?page=${p}&page_size=${pageSize}`;
      return send(res, 200, {
        total: all.length,
        next: page * pageSize < all.length ? link(page + 1) : null,
        previous: page > 1 ? link(Math.min(page - 1, Math.max(1, Math.ceil(all.length / pageSize)))) : null,
        results: all.slice((page - 1) * pageSize, page * pageSize).map(summary),
      }, h);
    }

    if (r.name === 'list' && req.method === 'POST') {
      const p = parseJson(buf);
      if (!p.ok) return send(res, 400, errorBody(p.message), h);
      const v = validateCreate(p.value, org, { nowUs: clock(), limits });
      if (!v.ok) return send(res, 400, v.error, h);
      const max = tokenLimits[org.plan];
      if (org.tokens.length >= max) {
        return send(res, 400, errorBody(`The organization ${org.name} has reached its limit of ${max} access tokens on the ${org.plan} plan; expired and inactive tokens count until deleted.`), h);
      }
      const { record, secret } = store.createToken(org, v.value, a.claims.sub);
      const { created_by: _omitted, ...rest } = detail(record);
      return send(res, 201, { ...rest, token: secret }, h);
    }

    let id;
    try { id = decodeURIComponent(r.id); } catch { id = r.id; }
    const t = store.token(org, id);
    if (!t) return send(res, 404, errorBody('Access token not found.'), h);

    if (req.method === 'GET') return send(res, 200, detail(t), h);
    if (req.method === 'DELETE') {
      store.deleteToken(org, t);
      return send(res, 204, undefined, h);
    }
    const p = parseJson(buf);
    if (!p.ok) return send(res, 400, errorBody(p.message), h);
    const v = validateUpdate(p.value, org, { limits });
    if (!v.ok) return send(res, 400, v.error, h);
    store.updateToken(t, v.value);
    return send(res, 200, detail(t), h);
  }

  /**
   * Control routes under /_sandbox/: from loopback only, with the control token, JSON only. A page in
   * the user's browser can send a cross-site "simple" request (text/plain, no custom header) but can
   * neither set the token header without a CORS preflight (which we never grant) nor know the token.
   */
  async function control(req, res, url) {
    if (!isLoopback(req.socket?.remoteAddress)) {
      req.resume();
      return send(res, 403, errorBody('The sandbox control routes answer on loopback only.'));
    }
    if (!hasControlToken(req)) {
      req.resume();
      return send(res, 401, errorBody('The sandbox control routes need the header X-Sandbox-Token with this start\'s control token (printed at start; sb.controlToken in the JS API).'));
    }
    const type = req.headers['content-type'];
    if ((req.method === 'POST' || type !== undefined) && !isJsonType(type)) {
      req.resume();
      return send(res, 415, errorBody('The sandbox control routes take JSON only: send Content-Type: application/json.'));
    }
    const { buf, tooLarge, aborted } = await readBody(req, maxBody);
    if (aborted) return;
    if (tooLarge) return send(res, 413, errorBody('Request body too large.'), { connection: 'close' });
    const key = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    switch (key) {
      case 'POST /_sandbox/faults': {
        const p = parseJson(buf);
        if (!p.ok) return send(res, 400, errorBody(p.message));
        try {
          const added = faults.add(p.value);
          return send(res, 201, { added, pending: faults.list() });
        } catch (e) {
          return send(res, 400, errorBody(e.message));
        }
      }
      case 'GET /_sandbox/faults': return send(res, 200, { pending: faults.list() });
      case 'DELETE /_sandbox/faults': faults.clear(); return send(res, 204);
      case 'GET /_sandbox/requests': return send(res, 200, { requests, counts });
      case 'DELETE /_sandbox/requests': resetRequests(); return send(res, 204);
      case 'GET /_sandbox/state': return send(res, 200, store.snapshot());
      default: return send(res, 404, errorBody('Unknown sandbox control route.'));
    }
  }

  function resetRequests() {
    requests.length = 0;
    for (const k of Object.keys(counts)) delete counts[k];
  }

  /**
   * Handles one request completely (it always answers, 404 for unknown paths).
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    const started = performance.now();
    let url;
    try {
      url = new URL(req.url, 'http://sandbox.invalid');
    } catch {
      return send(res, 400, errorBody('Bad request target.'));
    }
    if (logLine) {
      // The path only: no query, header or body can leak a secret into the log.
      res.once('close', () => {
        const how = res.writableFinished ? '' : res.headersSent ? ' (cut)' : ' (no answer)';
        logLine(`${req.method} ${url.pathname} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms${how}`);
      });
    }
    try {
      if (!hostAllowed(req, hostNames)) {
        req.resume();
        return send(res, 403, errorBody(HOST_REFUSED));
      }
      if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) return await control(req, res, url);
      const r = routeOf(req.method, url.pathname);
      requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams) });
      counts[r.key] = (counts[r.key] ?? 0) + 1;
      const rl = limiter.hit();
      const f = faults.take(req.method, url.pathname);
      if (f) {
        if (f.lose) losing.add(res);
        if (f.delayMs > 0) await delay(f.delayMs);
        if (closed) return;
        if (!f.passThrough) {
          req.resume();
          return applyFault(res, f, rl.headers);
        }
      }
      if (!rl.allowed) {
        req.resume();
        return send(res, 429, { detail: 'Rate limit exceeded', error: false }, { ...rl.headers, ...rl.retryHeaders });
      }
      return await route(req, res, url, r, rl.headers);
    } catch (err) {
      // A bug in the sandbox must not look like a Docker Hub answer the client can trust.
      process.stderr.write(`sandbox: internal error on ${req.method} ${url.pathname}: ${err?.stack ?? err}\n`);
      if (!res.headersSent) send(res, 500, { message: 'sandbox internal error', errinfo: {} });
      else res.destroy();
    }
  }

  /** Whether this handler answers this path (for a server that mounts it). */
  const handles = (pathname) => pathname.startsWith('/v2/') || pathname === '/_sandbox' || pathname.startsWith('/_sandbox/');

  return {
    handle,
    handles,
    store,
    faults,
    limiter,
    requests,
    counts,
    resetRequests,
    credentials: store.credentials,
    /** The per-start token of the /_sandbox control routes (header X-Sandbox-Token). */
    controlToken,
    /** Sets the sandbox's own origin, for `next`/`previous` links (a server calls it once it listens). */
    setOrigin(value) { origin = new URL(value).origin; },
    /** Mints a JWT directly (for tests that need one without a login request). */
    mintJwt: (auth) => mint(auth),
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
