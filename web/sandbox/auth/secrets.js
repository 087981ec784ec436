/** Secret generation and hashing: only hashes are stored, so a token value is shown once. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** n base62 characters from the CSPRNG, without modulo bias (bytes >= 248 are dropped). */
export function randomBase62(n) {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += BASE62[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

export const newOatSecret = () => `dckr_oat_${randomBase62(32)}`;
export const newPatSecret = () => `dckr_pat_${randomBase62(27)}`;

export const sha256Hex = (s) => createHash('sha256').update(String(s), 'utf8').digest('hex');

/** Salted hash for passwords (a sandbox does not need a slow KDF; tests log in often). */
export function hashPassword(password, salt = randomBytes(16).toString('hex')) {
  return { salt, hash: sha256Hex(`${salt}:${password}`) };
}

export function checkPassword(password, rec) {
  if (!rec || typeof rec.salt !== 'string' || typeof rec.hash !== 'string') return false;
  return hexEqual(sha256Hex(`${rec.salt}:${password}`), rec.hash);
}

export function hexEqual(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
