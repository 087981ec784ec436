// A retired token's label: the grace (and any overlap) written in the label itself, so a later
// prune or apply knows what to do with it and no state file is needed. After a rotation the org
// holds exactly one token with the label, the new one; the old one reads, for example,
//   ci-pull~retired~delete-after-2026-12-14T21:44Z                      (deactivated now)
//   ci-pull~retired~active-until-2026-12-07T22:44Z~delete-after-2026-12-14T21:44Z   (an overlap)
// Times are UTC, rounded up to the minute (a grace is never shortened). Host-agnostic.

const MINUTE = 60e3;
const STAMP = '(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z)';
const PATTERN = new RegExp(`^(.*)~retired(?:~active-until-${STAMP})?~delete-after-${STAMP}$`, 's');

/** A time in ms rounded up to the minute. */
export const ceilMinute = (ms) => Math.ceil(ms / MINUTE) * MINUTE;

/** A time in ms to "2026-12-14T21:44Z", rounded up to the minute. */
export function stamp(ms) {
  return `${new Date(ceilMinute(ms)).toISOString().slice(0, 16)}Z`;
}

/**
 * The label a retired token gets.
 * @param {string} label the label it had
 * @param {{ deleteAfter: number, activeUntil?: number }} when ms since the epoch
 */
export function retiredLabel(label, { deleteAfter, activeUntil }) {
  return `${label}~retired${activeUntil === undefined ? '' : `~active-until-${stamp(activeUntil)}`}~delete-after-${stamp(deleteAfter)}`;
}

/**
 * What a retired label says, or null for any other label.
 * @returns {{ label: string, activeUntil: number | null, deleteAfter: number } | null}
 */
export function parseRetired(label) {
  const m = typeof label === 'string' ? PATTERN.exec(label) : null;
  if (!m) return null;
  const deleteAfter = Date.parse(`${m[3].slice(0, -1)}:00Z`);
  const activeUntil = m[2] ? Date.parse(`${m[2].slice(0, -1)}:00Z`) : null;
  if (!Number.isFinite(deleteAfter) || (m[2] && !Number.isFinite(activeUntil))) return null;
  return { label: m[1], activeUntil, deleteAfter };
}

/**
 * What a retired token needs now: 'delete' once its grace is over, 'deactivate' once its overlap
 * is over while it is still active, else null (it waits).
 */
export function retiredDue(token, now) {
  const r = parseRetired(token.label);
  if (!r) return null;
  if (r.deleteAfter <= now) return 'delete';
  if (token.is_active !== false && (r.activeUntil === null || r.activeUntil <= now))
    return 'deactivate';
  return null;
}
