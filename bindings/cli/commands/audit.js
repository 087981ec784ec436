// audit: the token-hygiene findings through hub.auditAccessTokens, the one path the library and
// the dashboard use too, so all three find the same things. A table, --markdown or --json on
// stdout, a progress line on stderr; exit 3 when --fail-on finds what it gates on.

import { auditMarkdown, hasFindingAtLeast, PLAN_LIMITS, SEVERITIES } from '../../tools/audit.js';
import { daysArg, noArgs, UsageError } from '../args.js';
import { readFileSync } from 'node:fs';
import { contextFlags, json, printable, PROG, table, when } from '../output.js';

export const EXIT_FINDINGS = 3;

const RANK = { high: 0, medium: 1, low: 2 };

function limitOptions(values, o) {
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1)
      throw new UsageError(`--limit needs a whole number, not '${values.limit}'`);
    o.limit = Number(values.limit);
  }
  if (values.plan !== undefined) {
    if (!Object.hasOwn(PLAN_LIMITS, values.plan))
      throw new UsageError(`--plan needs team or business, not '${values.plan}'`);
    o.plan = values.plan;
  }
}

/** The options of auditAccessTokens that the flags and DOCKERHUB_OAT_NOW give. */
export function auditOptions(values, io) {
  const o = {};
  if (values.unused !== undefined) o.unusedDays = daysArg(values.unused, '--unused');
  if (values.expiring !== undefined) o.expiringDays = daysArg(values.expiring, '--expiring');
  limitOptions(values, o);
  const now = io.env.DOCKERHUB_OAT_NOW; // a fixed clock for reproducible reports and tests
  if (now !== undefined) {
    const ms = Date.parse(now);
    if (!Number.isFinite(ms))
      throw new UsageError(`DOCKERHUB_OAT_NOW needs an RFC 3339 date-time, not '${now}'`);
    o.now = ms;
  }
  return o;
}

/** The audit, with a progress line on stderr while the resources are read (in place on a terminal). */
export async function readAudit(hub, org, io, options) {
  const tty = Boolean(io.stderr.isTTY);
  let last = '';
  const onProgress = ({ phase, done, total }) => {
    if (phase !== 'resources') return;
    last = `Reading token resources: ${done} of ${total}`;
    if (tty) io.stderr.write(`\r${last}`);
  };
  try {
    return await hub.auditAccessTokens(org, { ...options, onProgress });
  } finally {
    if (tty && last) io.stderr.write('\r\x1b[K');
    else if (last) io.stderr.write(`${last}\n`);
  }
}

function summaryLine(s) {
  const counts = ['high', 'medium', 'low'].map((v) => `${s.bySeverity[v]} ${v}`).join(', ');
  return `${s.usage}. ${s.findings} finding${s.findings === 1 ? '' : 's'} (${counts}) in ${s.flaggedTokens} of ${s.tokens} tokens.`;
}

function findingsTable(report) {
  // The severity first: every line starts with a word of ours, never a label (output.js listTable).
  const rows = [['SEVERITY', 'TOKEN', 'ID', 'FINDING']];
  const sorted = [...report.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  for (const f of sorted) rows.push([f.severity, f.label, f.tokenId, f.sentence]);
  const fixes = sorted.filter((f) => f.fix).map((f) => `  ${printable(f.fix.join(' '))}`);
  const fixText = fixes.length
    ? `\nTo fix (each command as printed; the finding is then gone):\n${[...new Set(fixes)].join('\n')}\n`
    : '';
  return `${rows.length > 1 ? table(rows) : ''}${summaryLine(report.summary)}\n${fixText}`;
}

/** Each finding's fix, as the table prints it and --json gives it, with this command's context flags. */
function withContext(report, values) {
  const flags = contextFlags(values);
  if (!flags.length) return;
  const findings = [...report.findings, ...report.tokens.flatMap((t) => t.findings ?? [])];
  for (const f of new Set(findings)) if (f.fix) f.fix = [...f.fix, ...flags];
}

const EVERY = /^([1-9][0-9]{0,4})([dwy])$/;
const DAYS = { d: 1, w: 7, y: 365 };

/** With -f FILE: when each token under a rotate_every is next due (from its created_at). */
function rotationSchedule(path, report) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err.code ?? err.message}`);
  }
  const out = [];
  for (const [label, entry] of Object.entries(manifest?.tokens ?? {})) {
    const m = EVERY.exec(entry?.rotate_every ?? '');
    const t = m && report.tokens.find((x) => x.label === label);
    const created = t && Date.parse(t.created_at);
    if (!Number.isFinite(created)) continue;
    const due = new Date(created + Number(m[1]) * DAYS[m[2]] * 86400e3).toISOString();
    out.push({
      label,
      id: t.id,
      rotateEvery: entry.rotate_every,
      due,
      isDue: Date.parse(due) <= Date.parse(report.now),
    });
  }
  return out;
}

const scheduleText = (rows) =>
  rows.length
    ? `\nRotation schedule (rotate_every, from each token's creation):\n${rows
        .map(
          (r) =>
            `  ${printable(r.label)} (${r.id}): every ${r.rotateEvery}, next due ${when(r.due)}${r.isDue ? ' (due now: apply rotates it)' : ''}`,
        )
        .join('\n')}\n`
    : '';

async function run({ rest, values, hub, org, io }) {
  noArgs(rest, 'audit');
  if (values.json && values.markdown) throw new UsageError('give --json or --markdown, not both');
  const failOn = values['fail-on'];
  if (failOn !== undefined && !SEVERITIES.includes(failOn))
    throw new UsageError(`--fail-on needs ${SEVERITIES.join(', ')}, not '${failOn}'`);
  const report = await readAudit(hub, org, io, auditOptions(values, io));
  withContext(report, values);
  if (values.file !== undefined) report.rotations = rotationSchedule(values.file, report);
  if (values.json) io.stdout.write(json(report));
  else if (values.markdown) io.stdout.write(auditMarkdown(report));
  else io.stdout.write(`${findingsTable(report)}${scheduleText(report.rotations ?? [])}`);
  if (failOn !== undefined && hasFindingAtLeast(report, failOn)) {
    io.stderr.write(`${PROG}: findings at or above ${failOn}: failing (exit ${EXIT_FINDINGS}).\n`);
    return EXIT_FINDINGS;
  }
  return 0;
}

export default {
  name: 'audit',
  readOnly: true,
  args: '',
  options: {
    unused: { type: 'string' },
    expiring: { type: 'string' },
    markdown: { type: 'boolean' },
    'fail-on': { type: 'string' },
    limit: { type: 'string' },
    plan: { type: 'string' },
    file: { type: 'string', short: 'f' },
  },
  summary:
    'find tokens that are a risk or a waste: expired, inactive, unused, expiring, never expiring, broad',
  help: `  --unused 90d        unused: not used for this long, or never used and this old (default 90d)
  --expiring 14d      expiring: expires within this long (default 14d)
  --markdown          a markdown report (for a pull request, an issue or a chat webhook)
  --json              the whole report: tokens with resources and findings, and the summary
  --fail-on SEVERITY  exit ${EXIT_FINDINGS} when a finding at or above low, medium or high exists
  --limit N           the organization's token limit, for "Tokens used: 7 of 10"
  --plan PLAN         team (10 tokens) or business (100), instead of --limit
  -f, --file FILE     a tokens manifest: say when each token under its rotate_every is next due
  Severities: high for admin, delete and org-write scopes; medium for expired, unused, expiring
  and wildcard repositories; low for inactive, no expiry, and public repositories beside private.
  A progress line goes to stderr. DOCKERHUB_OAT_NOW=2026-12-01T00:00:00Z fixes the clock.`,
  run,
};
