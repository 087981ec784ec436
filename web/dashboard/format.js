// Pure helpers of the dashboard: token status, relative and exact dates, scope names, error text.
// No DOM here, so each function can be checked on its own.
import { SCOPES, IMPLIES, SCOPE_WORDS } from '/bindings/scopes.js';
import { tokenStatus } from '/bindings/token-status.js';

const DAY = 86_400_000;
const STATUS_WORDS = {
  expired: 'Expired',
  inactive: 'Inactive',
  expiring: 'Expires soon',
  active: 'Active',
};

/**
 * The status a person reads, by the package's one rule (bindings/token-status.js): Expired wins,
 * then Inactive, then "Expires soon" (within 7 days), else Active.
 * @returns {'Active' | 'Inactive' | 'Expired' | 'Expires soon'}
 */
export const statusWords = (t, now = Date.now()) => STATUS_WORDS[tokenStatus(t, now)];

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
  dateStyle: 'medium',
  timeStyle: 'long',
});

/** The exact local date and time, for a title; null for a missing date. */
export function exactTime(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : exactFormat.format(t);
}

/** "Images: push (and pull)" -> ["Images", "Push (and pull)"]: a catalogue entry's group and words. */
function splitWords(words) {
  const i = words.indexOf(': ');
  const rest = i < 0 ? words : words.slice(i + 2);
  return [i < 0 ? words : words.slice(0, i), rest.charAt(0).toUpperCase() + rest.slice(1)];
}

/**
 * The catalogue's repository scopes in its order and grouping, each group titled and each scope
 * worded as the catalogue words it (bindings/scopes.js, as `dockerhub-oat scopes` prints them):
 * { name: 'Images', scopes: [['scope-image-push', 'Push (and pull)'], ...] }.
 */
export const REPO_GROUPS = Object.values(SCOPES.TYPE_REPO).map((scopes) => ({
  name: splitWords(SCOPE_WORDS[scopes[0]])[0],
  scopes: scopes.map((s) => [s, splitWords(SCOPE_WORDS[s])[1]]),
}));

/** The organization scopes and their words, in the catalogue's order. */
export const ORG_SCOPE_NAMES = Object.freeze(
  Object.fromEntries(SCOPES.TYPE_ORG.map((s) => [s, SCOPE_WORDS[s]])),
);

export { IMPLIES };

/** The catalogue's words for a scope ("Images: pull", "Members: read"); an unknown one as sent. */
export function scopeName(scope) {
  return Object.hasOwn(SCOPE_WORDS, scope) ? SCOPE_WORDS[scope] : scope;
}

export const PUBLIC_PATH = SCOPES.PUBLIC_READ.path;

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
      text = text.replace(
        /^resources\[(\d+)\]\.?([\w]*):\s*/,
        (_, i, f) => `Resource ${Number(i) + 1}${f ? ` (${f})` : ''}: `,
      );
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
    case 'network':
      return 'Could not reach the server. Check the connection (is `npm start` still running?) and try again.';
    case 'timeout':
      return 'The server took too long to answer. Try again.';
    case 'server_error':
      return `Docker Hub had a problem (HTTP ${err.status}). Try again in a moment.`;
    case 'invalid_response':
      return 'The server sent an answer the dashboard cannot read. Try again; if it persists, Docker Hub may be changing something.';
    case 'unexpected_status':
      return `Unexpected answer from the server (HTTP ${err.status}).`;
    case 'forbidden':
      return `Not allowed: ${server || 'this account may not manage the organization’s access tokens.'}`;
    case 'not_found':
      return `Not found: ${server || 'it may have been deleted meanwhile.'}`;
    case 'conflict':
      return `Conflict: ${server}`;
    case 'unauthorized':
      return server || 'Your session is no longer valid.';
    case 'rate_limited':
      return 'Too many requests.';
    case 'aborted':
      return 'Cancelled.';
    case 'closed':
      return 'Signed out.';
    case 'bad_request': {
      const lines = fieldLines(err.fields);
      return lines.length ? lines.join('\n') : server || 'The request was refused as invalid.';
    }
    case 'invalid_argument':
      return server || 'Some input is not valid.';
    default:
      return server || 'Something went wrong.';
  }
}
