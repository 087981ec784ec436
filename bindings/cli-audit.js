// The CLI's token-hygiene commands, `audit` and `prune` (hooked into cli.js through COMMANDS).
// Both read the organization through hub.auditAccessTokens, the one path the library and the
// dashboard use too, so all three find the same things.
//
// Exit status: 0 done; 1 the API or the network failed (prune: a delete failed, the rest were not
// tried); 2 wrong usage; 3 audit --fail-on found a finding at or above that severity.

import { auditMarkdown, hasFindingAtLeast, pruneCandidates, SEVERITIES, PLAN_LIMITS } from './audit.js';

export const EXIT_FINDINGS = 3;

const PROG = 'dockerhub-oat';
const RANK = { high: 0, medium: 1, low: 2 };

const AUDIT_OPTIONS = {
  unused: { type: 'string' },
  expiring: { type: 'string' },
  markdown: { type: 'boolean' },
  'fail-on': { type: 'string' },
  limit: { type: 'string' },
  plan: { type: 'string' },
};

/** 90d, 12w or 90 (days) to a whole number of days. */
function daysArg(text, name, UsageError) {
  const m = /^(\d+)([dw]?)$/i.exec(text ?? '');
  const n = m ? Number(m[1]) * (m[2].toLowerCase() === 'w' ? 7 : 1) : NaN;
  if (!(n >= 1 && n <= 36500)) throw new UsageError(`${name} needs a number of days such as 90d or 12w, not '${text}'`);
  return n;
}

function auditOptions(values, ctx, { unusedName = '--unused' } = {}) {
  const { UsageError } = ctx;
  const o = {};
  if (values.unused !== undefined) o.unusedDays = daysArg(values.unused, unusedName, UsageError);
  if (values.expiring !== undefined) o.expiringDays = daysArg(values.expiring, '--expiring', UsageError);
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1) throw new UsageError(`--limit needs a whole number, not '${values.limit}'`);
    o.limit = Number(values.limit);
  }
  if (values.plan !== undefined) {
    if (!Object.hasOwn(PLAN_LIMITS, values.plan)) throw new UsageError(`--plan needs team or business, not '${values.plan}'`);
    o.plan = values.plan;
  }
  const now = ctx.io.env.DOCKERHUB_OAT_NOW; // a fixed clock for reproducible reports and tests
  if (now !== undefined) {
    const ms = Date.parse(now);
    if (!Number.isFinite(ms)) throw new UsageError(`DOCKERHUB_OAT_NOW needs an RFC 3339 date-time, not '${now}'`);
    o.now = ms;
  }
  return o;
}

/** A progress line on stderr while the resources are read: rewritten in place on a terminal. */
function progress(io) {
  const tty = Boolean(io.stderr.isTTY);
  let last = '';
  return {
    onProgress({ phase, done, total }) {
      if (phase !== 'resources') return;
      last = `Reading token resources: ${done} of ${total}`;
      if (tty) io.stderr.write(`\r${last}`);
    },
    end() {
      if (tty && last) io.stderr.write('\r\x1b[K');
      else if (last) io.stderr.write(`${last}\n`);
    },
  };
}

const bySeverity = (findings) => [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);

function summaryLine(s) {
  const counts = ['high', 'medium', 'low'].map((v) => `${s.bySeverity[v]} ${v}`).join(', ');
  return `${s.usage}. ${s.findings} finding${s.findings === 1 ? '' : 's'} (${counts}) in ${s.flaggedTokens} of ${s.tokens} tokens.`;
}

async function runAudit({ rest, values, hub, org, io, ctx }) {
  const { UsageError, table, json } = ctx;
  if (rest.length) throw new UsageError('audit takes no arguments');
  if (values.json && values.markdown) throw new UsageError('give --json or --markdown, not both');
  const failOn = values['fail-on'];
  if (failOn !== undefined && !SEVERITIES.includes(failOn))
    throw new UsageError(`--fail-on needs ${SEVERITIES.join(', ')}, not '${failOn}'`);
  const p = progress(io);
  let report;
  try {
    report = await hub.auditAccessTokens(org, { ...auditOptions(values, ctx), onProgress: p.onProgress });
  } finally {
    p.end();
  }
  if (values.json) io.stdout.write(json(report));
  else if (values.markdown) io.stdout.write(auditMarkdown(report));
  else {
    const rows = [['TOKEN', 'ID', 'SEVERITY', 'FINDING']];
    for (const f of bySeverity(report.findings)) rows.push([f.label, f.tokenId, f.severity, f.sentence]);
    if (rows.length > 1) io.stdout.write(table(rows));
    io.stdout.write(`${summaryLine(report.summary)}\n`);
  }
  if (failOn !== undefined && hasFindingAtLeast(report, failOn)) {
    io.stderr.write(`${PROG}: findings at or above ${failOn}: failing (exit ${EXIT_FINDINGS}).\n`);
    return EXIT_FINDINGS;
  }
  return 0;
}

async function runPrune({ rest, values, hub, org, io, ctx }) {
  const { UsageError, table, json, errorLine } = ctx;
  if (rest.length) throw new UsageError('prune takes no arguments');
  const any = values.expired || values.inactive || values.unused !== undefined;
  const which = {
    expired: any ? Boolean(values.expired) : true,
    inactive: any ? Boolean(values.inactive) : true,
    unusedDays: values.unused !== undefined ? daysArg(values.unused, '--unused', UsageError) : null,
  };
  const options = auditOptions({ unused: values.unused }, ctx);
  const p = progress(io);
  let report;
  try {
    report = await hub.auditAccessTokens(org, { ...options, onProgress: p.onProgress });
  } finally {
    p.end();
  }
  const plan = pruneCandidates(report, which);
  const say = (s) => io.stderr.write(`${s}\n`);
  if (plan.length === 0) {
    if (values.json) io.stdout.write(json({ plan: [], deleted: [], failed: null, notAttempted: [] }));
    say('Nothing to prune.');
    return 0;
  }
  if (!values.json) {
    io.stdout.write(`${values.yes ? 'Deleting' : 'Would delete'} ${plan.length} token${plan.length === 1 ? '' : 's'} from ${org}:\n`);
    io.stdout.write(table([['TOKEN', 'ID', 'WHY'], ...plan.map((c) => [c.label, c.id, c.sentence])]));
  }
  if (!values.yes) {
    if (values.json) io.stdout.write(json({ plan, deleted: [], failed: null, notAttempted: plan.map((c) => c.id) }));
    say('Nothing was deleted. Run again with --yes to delete these tokens.');
    return 0;
  }
  const deleted = [];
  for (const [i, c] of plan.entries()) {
    try {
      await hub.deleteAccessToken(org, c.id);
    } catch (err) {
      const notAttempted = plan.slice(i + 1);
      if (values.json) io.stdout.write(json({ plan, deleted, failed: { id: c.id, code: err.code, message: err.message }, notAttempted: notAttempted.map((x) => x.id) }));
      io.stderr.write(errorLine(err).replace(/^error: (\S+): /, `error: $1: could not delete ${c.label} (${c.id}): `));
      say(`Deleted ${deleted.length} of ${plan.length}${deleted.length ? `: ${deleted.map((x) => x.label).join(', ')}` : ''}.`);
      say(`Not deleted: ${c.label} (failed)${notAttempted.length ? `, ${notAttempted.map((x) => x.label).join(', ')} (not attempted)` : ''}.`);
      say(`Run '${PROG} prune' again to see what is left.`);
      return 1;
    }
    deleted.push(c);
    if (!values.json) say(`Deleted ${c.label} (${c.id}).`);
  }
  if (values.json) io.stdout.write(json({ plan, deleted: deleted.map((x) => x.id), failed: null, notAttempted: [] }));
  say(`Deleted ${deleted.length} token${deleted.length === 1 ? '' : 's'}.`);
  return 0;
}

export const AUDIT_COMMANDS = {
  audit: {
    args: '',
    options: AUDIT_OPTIONS,
    summary: 'find tokens that are a risk or a waste: expired, inactive, unused, expiring, never expiring, broad',
    help: `  --unused 90d        unused: not used for this long, or never used and this old (default 90d)
  --expiring 14d      expiring: expires within this long (default 14d)
  --markdown          a markdown report (for a pull request, an issue or a chat webhook)
  --json              the whole report: tokens with resources and findings, and the summary
  --fail-on SEVERITY  exit ${EXIT_FINDINGS} when a finding at or above low, medium or high exists
  --limit N           the organization's token limit, for "Tokens used: 7 of 10"
  --plan PLAN         team (10 tokens) or business (100), instead of --limit
  Severities: high for admin, delete and org-write scopes; medium for expired, unused, expiring
  and wildcard repositories; low for inactive, no expiry, and public repositories beside private.
  A progress line goes to stderr. DOCKERHUB_OAT_NOW=2026-12-01T00:00:00Z fixes the clock.`,
    run: runAudit,
  },
  prune: {
    args: '',
    options: { expired: { type: 'boolean' }, inactive: { type: 'boolean' }, unused: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    summary: 'delete expired, inactive or long-unused tokens (prints the plan; deletes only with --yes)',
    help: `  --expired           delete expired tokens
  --inactive          delete deactivated tokens
  --unused 180d       delete active tokens unused for this long (or never used and this old)
                      (with none of the three: --expired --inactive)
  -y, --yes           delete; without it the plan is printed and nothing is deleted
  Tokens are deleted one at a time; the first failure stops it, and it says what was deleted,
  what failed and what was not attempted.`,
    run: runPrune,
  },
};
