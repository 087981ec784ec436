// The hygiene world (web/sandbox/seed-hygiene.js) at a fixed clock, and what the audit must find
// in it: the one expectation the library, CLI, dashboard and Worker tests all compare against.
import { startSandbox } from '../../../web/sandbox/index.js';

export const NOW = Date.parse('2026-12-01T12:00:00Z');
export const ORG = 'initech';
export const OWNER = { identifier: 'initech-owner', secret: 'sandbox-password' };

/** "label kind[/reason] severity", sorted. */
export const EXPECTED = [
  'admin-everything broad/admin high',
  'admin-everything broad/delete high',
  'admin-everything broad/org_write high',
  'admin-everything broad/wildcard medium',
  'admin-everything no_expiry low',
  'legacy-ci no_expiry low',
  'nightly-backup unused medium',
  'old-deploy inactive low',
  'onboarding-bot unused medium',
  'public-mirror broad/public_with_private low',
  'q3-report expired medium',
  'release-signing expiring medium',
];

/** The same form from findings ({ label, kind, reason?, severity }). */
export const keyOf = (f) => `${f.label} ${f.kind}${f.reason ? `/${f.reason}` : ''} ${f.severity}`;
export const keys = (findings) => findings.map(keyOf).sort();

/** A sandbox holding the hygiene world whose clock stands still at NOW. */
export function startHygieneSandbox(options = {}) {
  return startSandbox({ seed: 'hygiene', now: () => NOW, ...options });
}
