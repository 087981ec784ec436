// Reading a finished audit report (bindings/tools/audit.js makes it): the clean-up's candidates, the
// severity check, the markdown. Apart from the audit itself so that the entries can export these
// without putting the audit (and its WASM tools) in an app's static imports.
import { invalidArgument } from '../errors.js';
import { parseRetired } from './retired.js';
import { printable } from '../text.js';

export const SEVERITIES = /* @__PURE__ */ Object.freeze(['low', 'medium', 'high']);

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The tokens a clean-up would delete, from an audit report: expired ones, inactive ones, and
 * (where `unusedDays` is given) active ones unused for at least that many days. A token retired
 * by a rotation is left alone during its grace and is a candidate ('retired') once it is over.
 * @param {import('../index').AuditReport} auditReport
 * @param {{ expired?: boolean, inactive?: boolean, unusedDays?: number | null }} [which]
 * @returns {{ id: string, label: string, reason: 'expired'|'inactive'|'unused'|'retired', sentence: string }[]}
 */
export function pruneCandidates(
  auditReport,
  { expired = true, inactive = true, unusedDays = null } = {},
) {
  const out = [];
  const now = Date.parse(auditReport.now);
  for (const t of auditReport.tokens) {
    // A token retired by a rotation waits out its grace (bindings/tools/retired.js), then always goes.
    const retired = parseRetired(t.label);
    if (retired) {
      if (retired.deleteAfter <= now) {
        out.push({
          id: t.id,
          label: t.label,
          reason: 'retired',
          sentence: `Retired by a rotation; its grace ended ${new Date(retired.deleteAfter).toISOString().slice(0, 16).replace('T', ' ')}Z.`,
        });
      }
      continue;
    }
    const f = t.findings.find(
      (x) =>
        (expired && x.kind === 'expired') ||
        (inactive && x.kind === 'inactive') ||
        (unusedDays != null && x.kind === 'unused' && x.days >= unusedDays),
    );
    if (f) out.push({ id: t.id, label: t.label, reason: f.kind, sentence: f.sentence });
  }
  return out;
}

const SEVERITY_RANK = { low: 1, medium: 2, high: 3 };

/** True when the report holds a finding at or above `severity` ('low', 'medium', 'high'). */
export function hasFindingAtLeast(auditReport, severity) {
  const floor = SEVERITY_RANK[severity];
  if (!floor) throw invalidArgument(`severity must be one of ${SEVERITIES.join(', ')}`);
  return auditReport.findings.some((f) => SEVERITY_RANK[f.severity] >= floor);
}

/** Markdown text safe to put in a table cell: no pipes, no line breaks, no markup. */
// Markdown's characters escaped, a line break made a space, then what is left shown escaped
// (bindings/text.js): no terminal control (ESC, OSC 52, bidi) where the report is shown.
const cell = (s) =>
  printable(
    String(s)
      .replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`)
      .replace(/[\r\n]+/g, ' '),
  );

/** The report as a markdown document: a summary line and one table row per finding. */
export function auditMarkdown(auditReport) {
  const { org, now, summary: s, findings } = auditReport;
  const lines = [`## Token audit of ${cell(org)} (${now.slice(0, 10)})`, ''];
  const counts = SEVERITIES.slice()
    .reverse()
    .map((v) => `${s.bySeverity[v]} ${v}`)
    .join(', ');
  lines.push(
    `${s.usage}. ${plural(s.findings, 'finding')} (${counts}) in ${plural(s.flaggedTokens, 'token')}.`,
  );
  if (s.atLimit)
    lines.push(
      '',
      '**The organization is at its token limit**: no token can be created until one is deleted.',
    );
  if (findings.length) {
    lines.push('', '| Token | Severity | Finding |', '|---|---|---|');
    const order = [...findings].sort(
      (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity],
    );
    for (const f of order) lines.push(`| ${cell(f.label)} | ${f.severity} | ${cell(f.sentence)} |`);
  }
  return `${lines.join('\n')}\n`;
}
