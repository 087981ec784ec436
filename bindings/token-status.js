// A token's status, one rule for whoever shows one: the CLI's list and details
// (bindings/cli/output.js), the dashboard (web/dashboard/format.js, served this file as
// /bindings/token-status.js) and the audit's summary, whose rules in C (src/audit.c, audit_one)
// decide the same way: tests/tools/token-status-agrees-with-the-audit.test.js holds the two to one
// rule. Host-agnostic.
import { DAY_MS, parseTime } from './time.js';

/** How near an expiry reads as "expiring". */
export const SOON_DAYS = 7;

/**
 * 'expired' once its expires_at has come (Docker Hub keeps is_active true on an expired token, so
 * this wins), then 'inactive', then 'expiring' within `soonDays`, else 'active'. Times count to the
 * second, as the audit counts; an expires_at that is not an RFC 3339 date-time counts as none.
 * @param {{ is_active: boolean, expires_at?: string | null }} t
 * @returns {'expired' | 'inactive' | 'expiring' | 'active'}
 */
export function tokenStatus(t, now = Date.now(), soonDays = SOON_DAYS) {
  const expires = Math.floor(parseTime(t.expires_at) / 1000); // NaN when there is none
  const at = Math.floor(now / 1000);
  if (expires <= at) return 'expired';
  if (!t.is_active) return 'inactive';
  if (expires - at <= (soonDays * DAY_MS) / 1000) return 'expiring';
  return 'active';
}
