// Pure helpers of the dashboard: token status, relative and exact dates, scope names, error text.
// No DOM here, so each function can be checked on its own.

export const SOON_DAYS = 7;
const DAY = 86_400_000;

/**
 * The status a person reads: Expired wins (an expired token keeps is_active true), then Inactive,
 * then "Expires soon" (within SOON_DAYS), else Active.
 * @param {{ is_active: boolean, expires_at: string | null }} t
 * @returns {'Active' | 'Inactive' | 'Expired' | 'Expires soon'}
 */
export function tokenStatus(t, now = Date.now()) {
  const expires = t.expires_at ? Date.parse(t.expires_at) : NaN;
  if (!Number.isNaN(expires) && expires <= now) return 'Expired';
  if (!t.is_active) return 'Inactive';
  if (!Number.isNaN(expires) && expires - now <= SOON_DAYS * DAY) return 'Expires soon';
  return 'Active';
}

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const UNITS = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['week', 7 * DAY],
  ['day', DAY],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 days ago", "in 2 months", "just now"; null for a missing or unreadable date. */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < 60_000) return diff <= 0 ? 'just now' : 'in less than a minute';
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(Math.round(diff / 60_000), 'minute');
}

const exactFormat = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium', timeStyle: 'long',
});

/** The exact local date and time, for a title; null for a missing date. */
export function exactTime(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : exactFormat.format(t);
}

/** Scope names as a person reads them, and the order and grouping of the docs. */
export const REPO_GROUPS = [
  { name: 'Image', scopes: [['scope-image-pull', 'Pull'], ['scope-image-push', 'Push'], ['scope-image-delete', 'Delete']] },
  { name: 'Repository', scopes: [['scope-repository-read', 'Read'], ['scope-repository-edit', 'Edit'], ['scope-repository-admin', 'Admin']] },
  { name: 'Tag', scopes: [['scope-tag-read', 'Read'], ['scope-tag-admin', 'Admin']] },
  { name: 'Webhook', scopes: [['scope-webhook-read', 'Read'], ['scope-webhook-edit', 'Edit'], ['scope-webhook-admin', 'Admin']] },
  { name: 'Repository group', scopes: [['scope-repo-group-read', 'Read'], ['scope-repo-group-edit', 'Edit'], ['scope-repo-group-admin', 'Admin']] },
  { name: 'Settings', scopes: [['scope-repository-settings-admin', 'Admin']] },
];

/**
 * What a scope brings with it, where Docker's documentation says so ("push (pull)", "delete (push)",
 * "edit (read)", "admin (edit)", tag "admin (read)"). The webhook and repository-group scopes carry
 * no such note in the docs, so they imply nothing here.
 */
export const IMPLIES = {
  'scope-image-push': ['scope-image-pull'],
  'scope-image-delete': ['scope-image-push', 'scope-image-pull'],
  'scope-repository-edit': ['scope-repository-read'],
  'scope-repository-admin': ['scope-repository-edit', 'scope-repository-read'],
  'scope-tag-admin': ['scope-tag-read'],
};

export const ORG_SCOPE_NAMES = {
  'scope-member-read': 'Members: read',
  'scope-member-edit': 'Members: edit',
  'scope-invite-read': 'Invites: read',
  'scope-invite-edit': 'Invites: edit',
  'scope-group-read': 'Teams: read',
  'scope-group-edit': 'Teams: edit',
  'scope-activity-read': 'Activity: read',
  'scope-siem_credentials-read': 'SIEM credentials: read',
  'scope-ram-read': 'Registry access management: read',
  'scope-ram-write': 'Registry access management: write',
  'scope-report-read': 'Reports: read',
  'scope-repository-create': 'Repositories: create',
  'scope-repository-list': 'Repositories: list',
  'scope-registry-usage-read': 'Registry usage: read',
  'scope-cloud-connect': 'Cloud connect',
  'scope-audit_events-read': 'Audit events: read',
  'scope-governance-policy-read': 'Governance policies: read',
  'scope-governance-policy-write': 'Governance policies: write',
};

const REPO_SCOPE_NAMES = Object.fromEntries(
  REPO_GROUPS.flatMap((g) => g.scopes.map(([id, short]) => [id, `${g.name} ${short.toLowerCase()}`])),
);

/** "Image pull", "Members: read"; an unknown scope shows as sent. */
export function scopeName(scope) {
  return REPO_SCOPE_NAMES[scope] ?? ORG_SCOPE_NAMES[scope] ?? scope;
}

export const PUBLIC_PATH = '*/*/public';

/** "1 h 0 min 0 s", "59 min 59 s", "42 s": a countdown that visibly ticks every second. */
export function duration(seconds) {
  const total = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h} h ` : ''}${h || m ? `${m} min ` : ''}${s} s`;
}

/** A DockerHubError's field messages as lines ("Label: This field is required."). */
export function fieldLines(fields) {
  if (!fields || typeof fields !== 'object') return [];
  const lines = [];
  for (const [key, value] of Object.entries(fields)) {
    // "resources" messages already name their item ("resources[0].path: ..."): no prefix for them.
    const bare = key === 'non_field_errors' || key === 'resources';
    const name = bare ? '' : `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/_/g, ' ')}: `;
    const list = Array.isArray(value) ? value : [value];
    for (const v of list) {
      let text = typeof v === 'string' ? v : JSON.stringify(v);
      // "resources[0].path: ..." -> "Resource 1 (path): ..."
      text = text.replace(/^resources\[(\d+)\]\.?([\w]*):\s*/, (_, i, f) => `Resource ${Number(i) + 1}${f ? ` (${f})` : ''}: `);
      lines.push(`${name}${text}`);
    }
  }
  return lines;
}

/**
 * A human sentence for a failure. `unauthorized` and `rate_limited` get their own handling in the
 * app; this gives their text too.
 * @param {any} err a DockerHubError, or anything thrown
 */
export function errorMessage(err) {
  const server = typeof err?.message === 'string' && err.message ? err.message : '';
  switch (err?.code) {
    case 'network': return 'Could not reach the server. Check the connection (is `npm start` still running?) and try again.';
    case 'timeout': return 'The server took too long to answer. Try again.';
    case 'server_error': return `Docker Hub had a problem (HTTP ${err.status}). Try again in a moment.`;
    case 'invalid_response': return 'The server sent an answer the dashboard cannot read. Try again; if it persists, Docker Hub may be changing something.';
    case 'unexpected_status': return `Unexpected answer from the server (HTTP ${err.status}).`;
    case 'forbidden': return `Not allowed: ${server || 'this account may not manage the organization’s access tokens.'}`;
    case 'not_found': return `Not found: ${server || 'it may have been deleted meanwhile.'}`;
    case 'conflict': return `Conflict: ${server}`;
    case 'unauthorized': return server || 'Your session is no longer valid.';
    case 'rate_limited': return 'Too many requests.';
    case 'aborted': return 'Cancelled.';
    case 'closed': return 'Signed out.';
    case 'bad_request': {
      const lines = fieldLines(err.fields);
      return lines.length ? lines.join('\n') : server || 'The request was refused as invalid.';
    }
    case 'invalid_argument': return server || 'Some input is not valid.';
    default: return server || 'Something went wrong.';
  }
}
