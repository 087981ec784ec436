/**
 * HS256 JSON Web Tokens with node:crypto. The key is random per signer (one per
 * sandbox), so a JWT from one sandbox never works against another or after a restart,
 * as with the real Hub's short-lived tokens.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/**
 * @param {{ key?: Buffer }} [opts]
 */
export function createJwtSigner(opts = {}) {
  const key = opts.key ?? randomBytes(32);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

  /** @param {object} claims @returns {string} */
  function sign(claims) {
    const body = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  }

  /**
   * Checks shape, algorithm, signature and expiry.
   * @param {string} token
   * @param {number} nowSeconds
   * @returns {{ ok: true, claims: any } | { ok: false, reason: 'malformed'|'signature'|'expired' }}
   */
  function verify(token, nowSeconds) {
    if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)))
      return { ok: false, reason: 'malformed' };
    let head, claims;
    try {
      head = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    // Refuse anything but HS256 so "alg": "none" tricks fail.
    if (!head || head.alg !== 'HS256' || !claims || typeof claims !== 'object')
      return { ok: false, reason: 'malformed' };
    const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'signature' };
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)
      return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  return { sign, verify };
}
