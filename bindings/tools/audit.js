// Token hygiene: the audit of an organization's access tokens, shared by the library, the CLI and
// the dashboard. The rules live in the C core (src/tools/audit.c, through dhw_audit); this file fetches
// what they need, and words what they find.
//
// Order of requests: the list (every page), then one GET per token for its resources, at most
// `concurrency` at a time; each goes through the client's own retry and rate-limit rules. A token
// deleted between the list and its GET (404) is left out. Any other failure stops the audit: the
// GETs not yet started are not sent, and the error propagates.

import { parseRetired } from './retired.js';
import { checkOptions } from '../checks.js';
import { DockerHubError, invalidArgument } from '../errors.js';
import { plural } from './audit-report.js';

// What reads a finished report lives in audit-report.js, which the entries export: this file is
// imported on the first audit only (bindings/client.js).
export { auditMarkdown, hasFindingAtLeast, pruneCandidates, SEVERITIES } from './audit-report.js';

/** Docker's documented token limits per plan. */
export const PLAN_LIMITS = /* @__PURE__ */ Object.freeze({ team: 10, business: 100 });

const OPTION_KEYS = [
  'now',
  'unusedDays',
  'expiringDays',
  'limit',
  'plan',
  'concurrency',
  'signal',
  'onProgress',
];
const MAX_DAYS = 36500;

const day = (unixSeconds) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

/** The `now` option as unix seconds: a Date, or milliseconds since the epoch. */
function nowSeconds(now) {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 253402300799e3)
    throw invalidArgument('now must be a Date or milliseconds since the epoch');
  return Math.floor(ms / 1000);
}

function days(value, fallback, name) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DAYS)
    throw invalidArgument(`${name} must be a whole number of days from 1 to ${MAX_DAYS}`);
  return value;
}

/** The audit's options, checked, with the defaults filled in. */
function auditOptions(given) {
  const options = checkOptions(given, OPTION_KEYS, 'options');
  const { limit, plan, concurrency = 4, onProgress } = options;
  if (
    limit !== undefined &&
    limit !== null &&
    (!Number.isInteger(limit) || limit < 1 || limit > 1e9)
  )
    throw invalidArgument('limit must be a whole number of at least 1');
  if (plan !== undefined && !Object.hasOwn(PLAN_LIMITS, plan))
    throw invalidArgument(
      `plan must be one of ${Object.keys(PLAN_LIMITS)
        .map((p) => `'${p}'`)
        .join(', ')}`,
    );
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    throw invalidArgument('concurrency must be a whole number from 1 to 16');
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw invalidArgument('onProgress must be a function');
  return {
    now: nowSeconds(options.now),
    unusedDays: days(options.unusedDays, 90, 'unusedDays'),
    expiringDays: days(options.expiringDays, 14, 'expiringDays'),
    limit: limit ?? (plan ? PLAN_LIMITS[plan] : null),
    concurrency,
    signal: options.signal,
    // A reporter that throws changes nothing: the audit neither fails for it nor leaves GETs running.
    onProgress:
      onProgress &&
      ((p) => {
        try {
          const r = onProgress(p);
          if (typeof r?.then === 'function') r.then(undefined, () => {}); // an async one's rejection too
        } catch {
          /* ignored: see above */
        }
      }),
  };
}

/** The sentence for one finding, from the C core's data. */
export function wordFinding(f, { limit } = {}) {
  const countsTowardLimit = limit ? `the limit of ${limit}` : "the plan's token limit";
  switch (f.kind) {
    case 'expired':
      return `Expired ${f.days === 0 ? 'today' : `${plural(f.days, 'day')} ago`} (${day(f.at)}) and still counts toward ${countsTowardLimit}: delete it.`;
    case 'inactive':
      return `Deactivated, and still counts toward ${countsTowardLimit} until it is deleted.`;
    case 'unused':
      return f.neverUsed
        ? `Never used since it was created ${plural(f.days, 'day')} ago (${day(f.at)}).`
        : `Not used for ${plural(f.days, 'day')} (last used ${day(f.at)}).`;
    case 'expiring':
      return `Expires ${f.days === 0 ? 'within a day' : `in ${plural(f.days, 'day')}`} (${day(f.at)}): rotate it before then.`;
    case 'no_expiry':
      return 'Never expires, and an expiry cannot be added later: rotate it into one that does.';
    case 'broad':
      switch (f.reason) {
        case 'admin':
          return `Grants admin scopes on ${f.path}: ${f.scopes.join(', ')}.`;
        case 'delete':
          return `Can delete images in ${f.path} (${f.scopes.join(', ')}).`;
        case 'org_write':
          return `Can change the organization ${f.path}: ${f.scopes.join(', ')}.`;
        case 'wildcard':
          return `Reaches every repository matching ${f.path}, including ones created later.`;
        case 'public_with_private':
          return 'Reads all public repositories and also reaches private ones: one leaked secret opens both.';
        default:
          return `Grants broad access (${f.reason}) on ${f.path}.`;
      }
    default:
      return `${f.kind}.`;
  }
}

/**
 * The command that fixes a finding, as an argv array (the CLI's name first), or null where only a
 * person can decide (a broad scope). Each works as printed: after it, that finding is gone.
 *   expired, inactive  delete it (a token retired by a rotation waits out its grace: null)
 *   unused             deactivate it (an inactive token is not "unused")
 *   expiring, no_expiry  rotate it into a token that expires in 90 days (a retired token is
 *                        rotated already, and rotate refuses it: null)
 */
export function fixFor(f, label) {
  const id = f.tokenId;
  switch (f.kind) {
    case 'expired':
      return ['dockerhub-oat', 'delete', id, '--yes'];
    case 'inactive':
      return parseRetired(label) ? null : ['dockerhub-oat', 'delete', id, '--yes'];
    case 'unused':
      return ['dockerhub-oat', 'deactivate', id];
    case 'expiring':
    case 'no_expiry':
      return parseRetired(label) ? null : ['dockerhub-oat', 'rotate', id, '--expires', '90d'];
    default:
      return null;
  }
}

/** "Tokens used: 7 of 10", or "Tokens: 7" where the limit is unknown. */
export function usageLine(summary) {
  return summary.limit
    ? `Tokens used: ${summary.tokens} of ${summary.limit}`
    : `Tokens: ${summary.tokens}`;
}

/** Runs the C rules (the tools module, bindings/tools/tools.js) on tokens that have their resources.
 * @returns the core's answer, camelCased */
export function runAuditRules(tools, tokens, o) {
  const answer = tools.audit(
    JSON.stringify({
      now: o.now,
      unused_days: o.unusedDays,
      expiring_days: o.expiringDays,
      limit: o.limit,
      tokens,
    }),
  );
  // The tokens came from the server: a refusal means the server sent what the API does not promise.
  if (answer.error)
    throw new DockerHubError(
      'invalid_response',
      `the tokens cannot be audited: ${answer.error.message}`,
    );
  return JSON.parse(answer.body);
}

/** The report from the tokens and the core's answer. */
function report(org, tokens, answer, o) {
  const s = answer.summary;
  const summary = {
    tokens: s.tokens,
    active: s.active,
    inactive: s.inactive,
    expired: s.expired,
    limit: s.limit,
    available: s.available,
    atLimit: s.at_limit,
    findings: s.findings,
    flaggedTokens: s.flagged_tokens,
    bySeverity: s.by_severity,
    worst: s.worst,
  };
  summary.usage = usageLine(summary);
  const byToken = tokens.map((t) => ({ ...t, findings: [] }));
  const findings = answer.findings.map((f) => {
    const t = tokens[f.token_index];
    const finding = { tokenId: f.token_id, label: t.label, kind: f.kind, severity: f.severity };
    if (f.days !== undefined) finding.days = f.days;
    if (f.at !== undefined) finding.at = new Date(f.at * 1000).toISOString();
    if (f.never_used !== undefined) finding.neverUsed = f.never_used;
    if (f.reason !== undefined)
      Object.assign(finding, { reason: f.reason, path: f.path, scopes: f.scopes });
    finding.sentence = wordFinding({ ...finding, at: f.at }, { limit: s.limit });
    finding.fix = fixFor(finding, t.label);
    byToken[f.token_index].findings.push(finding);
    return finding;
  });
  return {
    org,
    now: new Date(o.now * 1000).toISOString(),
    unusedDays: o.unusedDays,
    expiringDays: o.expiringDays,
    summary,
    tokens: byToken,
    findings,
  };
}

/** GETs every token, at most `concurrency` at once; stops starting new ones after a failure. */
async function withResources(client, org, list, o) {
  const out = new Array(list.length);
  let next = 0;
  let done = 0;
  let failure = null;
  o.onProgress?.({ phase: 'resources', done, total: list.length });
  const worker = async () => {
    while (failure === null && next < list.length) {
      const i = next++;
      try {
        out[i] = await client.getAccessToken(
          org,
          list[i].id,
          o.signal ? { signal: o.signal } : undefined,
        );
      } catch (err) {
        if (err instanceof DockerHubError && err.code === 'not_found') out[i] = null;
        else failure ??= { err };
      }
      done++;
      if (failure === null) o.onProgress?.({ phase: 'resources', done, total: list.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, list.length) }, worker));
  if (failure) throw failure.err;
  return out.filter((t) => t !== null);
}

/**
 * Audits an organization's tokens.
 * @param {import('../index').Client} client
 * @param {object} tools the tools module (bindings/tools/tools.js)
 * @param {string} org
 * @param {import('../index').AuditOptions} [options]
 * @returns {Promise<import('../index').AuditReport>}
 */
export async function auditAccessTokens(client, tools, org, options) {
  if (typeof org !== 'string' || org === '')
    throw invalidArgument('org must be a non-empty string');
  const o = auditOptions(options);
  if (o.signal?.aborted)
    throw new DockerHubError('aborted', 'the audit was aborted before it started');
  o.onProgress?.({ phase: 'list', done: 0, total: 0 });
  const list = [];
  for await (const t of client.listAllAccessTokens(
    org,
    o.signal ? { pageSize: 100, signal: o.signal } : { pageSize: 100 },
  ))
    list.push(t);
  const tokens = await withResources(client, org, list, o);
  return report(org, tokens, runAuditRules(tools, tokens, o), o);
}
