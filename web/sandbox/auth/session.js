/**
 * Who is calling and what they may do: the two sign-in routes that mint a JWT, the Bearer check of
 * every other /v2 route, and the rule of who may manage an organization's tokens.
 */
import { randomUUID } from 'node:crypto';
import { createJwtSigner } from './jwt.js';
import { errorBody, LOG_ENTRY, parseJson } from '../http.js';
import { valueError, REQUIRED } from '../validate.js';

/**
 * @param {object} o
 * @param {import('../store.js').Store} o.store
 * @param {() => number} o.nowSeconds the sandbox's clock, in seconds
 * @param {number} o.jwtTtl lifetime of a minted JWT, in seconds
 * @param {boolean} o.patCanManage false: a JWT from a PAT may not manage tokens
 * @param {Record<string, number>} o.tokenLimits the plans that have OATs
 * @param {(res: any, status: number, body?: any, headers?: object) => void} o.send
 */
export function createAuth({ store, nowSeconds, jwtTtl, patCanManage, tokenLimits, send }) {
  const jwt = createJwtSigner();

  function mint(auth) {
    const iat = nowSeconds();
    const claims = {
      iss: 'dockerhub-oat-sandbox',
      sub: auth.sub,
      iat,
      exp: iat + jwtTtl,
      jti: randomUUID(),
      kind: auth.kind,
    };
    if (auth.kind === 'oat') Object.assign(claims, { org: auth.org, oat_id: auth.tokenId });
    return jwt.sign(claims);
  }

  /** @returns {{ claims: any } | { status: number, body: object }} */
  function checkBearer(req) {
    const h = req.headers.authorization;
    if (!h)
      return { status: 401, body: errorBody('Authentication credentials were not provided.') };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m)
      return {
        status: 401,
        body: errorBody('Invalid Authorization header; expected "Bearer <token>".'),
      };
    const v = jwt.verify(m[1], nowSeconds());
    if (!v.ok)
      return {
        status: 401,
        body: errorBody(
          v.reason === 'expired' ? 'Token has expired.' : 'Invalid authentication token.',
        ),
      };
    return { claims: v.claims };
  }

  /** The org named in the path, if this JWT may manage its tokens. */
  function orgForManagement(claims, rawName) {
    let name;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      name = rawName;
    }
    const org = store.org(name);
    if (!org)
      return { status: 404, body: errorBody(`Organization ${JSON.stringify(name)} not found.`) };
    if (claims.kind === 'oat')
      return {
        status: 403,
        body: errorBody('An organization access token cannot manage organization access tokens.'),
      };
    if (claims.kind === 'pat' && !patCanManage)
      return {
        status: 403,
        body: errorBody('A personal access token cannot manage organization access tokens.'),
      };
    if (!org.owners.includes(claims.sub))
      return {
        status: 403,
        body: errorBody(`Only owners of ${org.name} can manage its organization access tokens.`),
      };
    if (!Object.hasOwn(tokenLimits, org.plan))
      return {
        status: 403,
        body: errorBody('Organization access tokens need a Team or Business plan.'),
      };
    return { org };
  }

  return { mint, checkBearer, orgForManagement, signIn: signInRoute(store, mint, send) };
}

/** Who signed in, in the request log (never the secret): an OAT by its token id. */
function noteSignIn(res, auth) {
  const entry = res[LOG_ENTRY];
  if (entry)
    entry.signedIn = {
      kind: auth.kind,
      sub: auth.sub,
      ...(auth.tokenId ? { tokenId: auth.tokenId } : {}),
    };
}

/**
 * POST /v2/auth/token (`route` 'auth': identifier and secret) or the deprecated
 * POST /v2/users/login ('login': username and password, for users only).
 */
function signInRoute(store, mint, send) {
  return function signIn(res, route, buf, h) {
    const p = parseJson(buf);
    if (!p.ok) return send(res, 400, errorBody(p.message), h);
    const body = p.value && typeof p.value === 'object' && !Array.isArray(p.value) ? p.value : {};
    const [idKey, secretKey] =
      route === 'auth' ? ['identifier', 'secret'] : ['username', 'password'];
    const missing = {};
    for (const k of [idKey, secretKey])
      if (typeof body[k] !== 'string' || body[k] === '') missing[k] = [REQUIRED];
    if (Object.keys(missing).length) return send(res, 400, valueError(missing), h);
    if (route === 'login') {
      if (store.org(body.username))
        return send(res, 401, { detail: 'Cannot log into an organization account' }, h);
      const auth = store.authenticate(body.username, body.password);
      if (!auth) return send(res, 401, { detail: 'Incorrect authentication credentials' }, h);
      return send(res, 200, { token: mint(auth) }, h);
    }
    const auth = store.authenticate(body.identifier, body.secret);
    if (!auth) return send(res, 401, errorBody('Incorrect authentication credentials.'), h);
    noteSignIn(res, auth);
    return send(res, 200, { access_token: mint(auth) }, h);
  };
}
