/**
 * The /v2 routes: which route a path is (for accounting and 405s), and the five OAT operations
 * on the store once the caller has signed in and may manage the organization.
 */
import { errorBody, readBody, parseJson } from './http.js';
import { validateCreate, validateUpdate, validatePaging } from './validate.js';

const ORG_LIST = /^\/v2\/orgs\/([^/]+)\/access-tokens\/?$/;
const ORG_ONE = /^\/v2\/orgs\/([^/]+)\/access-tokens\/([^/]+)\/?$/;

/** Route key for accounting; `{...}` names follow the OpenAPI paths. */
export function routeOf(method, pathname) {
  if (pathname === '/v2/auth/token')
    return { key: `${method} /v2/auth/token`, name: 'auth', allow: ['POST'] };
  if (pathname === '/v2/users/login')
    return { key: `${method} /v2/users/login`, name: 'login', allow: ['POST'] };
  let m = ORG_LIST.exec(pathname);
  if (m)
    return {
      key: `${method} /v2/orgs/{name}/access-tokens`,
      name: 'list',
      allow: ['GET', 'POST'],
      org: m[1],
    };
  m = ORG_ONE.exec(pathname);
  if (m)
    return {
      key: `${method} /v2/orgs/{org_name}/access-tokens/{access_token_id}`,
      name: 'one',
      allow: ['GET', 'PATCH', 'DELETE'],
      org: m[1],
      id: m[2],
    };
  return { key: 'unmatched', name: null, allow: [] };
}

const summary = (t) => ({
  id: t.id,
  label: t.label,
  created_by: t.created_by,
  is_active: t.is_active,
  created_at: t.created_at,
  expires_at: t.expires_at,
  last_used_at: t.last_used_at,
});
const detail = (t) => ({
  ...summary(t),
  description: t.description,
  resources: structuredClone(t.resources),
});

/** The sandbox's own origin: as started, else the address the connection came in on; never the Host header. */
function originOf(req, origin) {
  if (origin) return origin;
  const a = String(req.socket.localAddress).replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `${req.socket?.encrypted ? 'https' : 'http'}://${a.includes(':') ? `[${a}]` : a}:${req.socket.localPort}`;
}

/** Lists one page of an org's tokens, with `next`/`previous` links on the sandbox's own origin. */
function listTokens(c, req, res, url, org, h) {
  const pg = validatePaging(url.searchParams);
  if (!pg.ok) return c.send(res, 400, pg.error, h);
  const all = c.store.listTokens(org);
  const { page, pageSize } = pg;
  const link = (n) =>
    `${originOf(req, c.origin())}/v2/orgs/${encodeURIComponent(org.name)}/access-tokens?page=${n}&page_size=${pageSize}`;
  return c.send(
    res,
    200,
    {
      total: all.length,
      next: page * pageSize < all.length ? link(page + 1) : null,
      previous:
        page > 1 ? link(Math.min(page - 1, Math.max(1, Math.ceil(all.length / pageSize)))) : null,
      results: all.slice((page - 1) * pageSize, page * pageSize).map(summary),
    },
    h,
  );
}

/** Creates a token within the plan's limit; the answer carries its secret, once. */
function createToken(c, res, buf, org, sub, h) {
  const p = parseJson(buf);
  if (!p.ok) return c.send(res, 400, errorBody(p.message), h);
  const v = validateCreate(p.value, org, { nowUs: c.clock(), limits: c.limits });
  if (!v.ok) return c.send(res, 400, v.error, h);
  const max = c.tokenLimits[org.plan];
  if (org.tokens.length >= max) {
    return c.send(
      res,
      400,
      errorBody(
        `The organization ${org.name} has reached its limit of ${max} access tokens on the ${org.plan} plan; expired and inactive tokens count until deleted.`,
      ),
      h,
    );
  }
  const { record, secret } = c.store.createToken(org, v.value, sub);
  const { created_by: _omitted, ...rest } = detail(record);
  return c.send(res, 201, { ...rest, token: secret }, h);
}

/** GET, DELETE or PATCH of one token. */
function oneToken(c, req, res, buf, org, rawId, h) {
  let id;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  const t = c.store.token(org, id);
  if (!t) return c.send(res, 404, errorBody('Access token not found.'), h);
  if (req.method === 'GET') return c.send(res, 200, detail(t), h);
  if (req.method === 'DELETE') {
    c.store.deleteToken(org, t);
    return c.send(res, 204, undefined, h);
  }
  const p = parseJson(buf);
  if (!p.ok) return c.send(res, 400, errorBody(p.message), h);
  const v = validateUpdate(p.value, org, { limits: c.limits });
  if (!v.ok) return c.send(res, 400, v.error, h);
  c.store.updateToken(t, v.value);
  return c.send(res, 200, detail(t), h);
}

/** Runs one /v2 route after rate limiting and faults. */
async function runRoute(c, req, res, url, r, h) {
  const { send, auth, maxBody } = c;
  const { buf, tooLarge, aborted } = await readBody(req, maxBody);
  if (aborted) return;
  if (tooLarge)
    return send(res, 413, errorBody(`Request body too large (limit ${maxBody} bytes).`), {
      ...h,
      connection: 'close',
    });
  if (r.name === null) {
    // Unknown /v2 paths still need a valid JWT, as every other /v2 route does.
    if (url.pathname.startsWith('/v2/')) {
      const a = auth.checkBearer(req);
      if (!a.claims) return send(res, a.status, a.body, h);
    }
    return send(res, 404, errorBody('Not found.'), h);
  }
  if (!r.allow.includes(req.method)) {
    return send(
      res,
      405,
      { detail: `Method "${req.method}" not allowed.` },
      { ...h, allow: r.allow.join(', ') },
    );
  }
  if (r.name === 'auth' || r.name === 'login') return auth.signIn(res, r.name, buf, h);
  const a = auth.checkBearer(req);
  if (!a.claims) return send(res, a.status, a.body, h);
  const o = auth.orgForManagement(a.claims, r.org);
  if (!o.org) return send(res, o.status, o.body, h);
  if (r.name === 'one') return oneToken(c, req, res, buf, o.org, r.id, h);
  return req.method === 'GET'
    ? listTokens(c, req, res, url, o.org, h)
    : createToken(c, res, buf, o.org, a.claims.sub, h);
}

/**
 * @typedef {object} RouteContext
 * @property {import('./store.js').Store} store
 * @property {ReturnType<typeof import('./auth/session.js').createAuth>} auth
 * @property {(res: any, status: number, body?: any, headers?: object) => void} send
 * @property {() => number} clock microseconds
 * @property {object} limits validation limits (validate.js)
 * @property {Record<string, number>} tokenLimits OATs per org by plan
 * @property {number} maxBody
 * @property {() => string | null} origin the origin set at start, if any
 */

/**
 * @param {RouteContext} c
 * @returns {(req: any, res: any, url: URL, r: ReturnType<typeof routeOf>, h: object) => Promise<void>}
 */
export function createRoutes(c) {
  return (req, res, url, r, h) => runRoute(c, req, res, url, r, h);
}
