// The world of the randomized soak (tests/node/soak.test.js): a sandbox with one user and one
// organization per client slot, each with a password of its own, and a record of the
// Authorization every request carried. Faults go through injectFault, the one place that talks to
// the sandbox's control plane.
import { randomBytes } from 'node:crypto';
import { startSandbox } from '../../../web/sandbox/index.js';

export const SLOTS = 3;
export const slotUser = (i) => `soak-user-${i}`;
export const slotOrg = (i) => `soak-org-${i}`;

/**
 * Injects one fault (or an array of them) into the sandbox. The only function of the soak that
 * uses the control plane: if that plane comes to need a control token, it changes here alone.
 * @param {Awaited<ReturnType<typeof startSandbox>>} sb
 * @param {object | object[]} spec see web/sandbox/README.md
 */
export function injectFault(sb, spec) {
  sb.faults(spec);
}

/** Forgets every pending fault. */
export function clearFaults(sb) {
  sb.clearFaults();
}

/** The claims of a JWT (its middle part), or null. */
export function jwtClaims(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * Starts the soak's sandbox.
 * @returns {Promise<{ sb: object, passwords: string[], wrongPasswords: string[], seen: object[], log: string[], close(): Promise<void> }>}
 */
export async function openSoakWorld() {
  const passwords = Array.from({ length: SLOTS }, () => `pw-${randomBytes(12).toString('base64url')}`);
  const wrongPasswords = Array.from({ length: SLOTS }, () => `no-${randomBytes(12).toString('base64url')}`);
  const log = [];
  const sb = await startSandbox({
    port: 0,
    rateLimit: 1e9,
    tokenLimits: { business: 1e6 },
    log: (line) => log.push(line),
    seed: {
      users: passwords.map((password, i) => ({ username: slotUser(i), password, pats: [] })),
      orgs: passwords.map((_, i) => ({ name: slotOrg(i), plan: 'business', repositories: ['api'], owners: [slotUser(i)], members: [] })),
    },
  });
  /** { method, path, authorization } of every request, in order. */
  const seen = [];
  sb.server.on('request', (req) => {
    seen.push({ method: req.method, path: req.url.split('?')[0], authorization: req.headers.authorization ?? null });
  });
  return { sb, passwords, wrongPasswords, seen, log, close: () => sb.close() };
}
