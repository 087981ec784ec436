// prune [--expired] [--inactive] [--unused 180d] [--yes]: the audit's prune candidates. Without
// --yes it prints the plan and deletes nothing; with it, one DELETE at a time, stopping at the
// first failure and saying what was deleted, what failed and what was not attempted.

import { pruneCandidates } from '../../audit.js';
import { daysArg, noArgs, YES_OPTION } from '../args.js';
import { errorDoing, json, plural, PROG, say, table } from '../output.js';
import { auditOptions, readAudit } from './audit.js';
import { EXIT_INTERRUPTED } from '../interrupt.js';

/** Which kinds to delete: the ones named, or expired and inactive when none is. */
function selection(values) {
  const any = values.expired || values.inactive || values.unused !== undefined;
  return {
    expired: any ? Boolean(values.expired) : true,
    inactive: any ? Boolean(values.inactive) : true,
    unusedDays: values.unused !== undefined ? daysArg(values.unused, '--unused') : null,
  };
}

const labels = (list) => list.map((x) => x.label).join(', ');

function stopped(io, values, { plan, deleted, i, err }) {
  const c = plan[i];
  const notAttempted = plan.slice(i + 1);
  if (values.json) io.stdout.write(json({ plan, deleted, failed: { id: c.id, code: err.code, message: err.message }, notAttempted: notAttempted.map((x) => x.id) }));
  io.stderr.write(errorDoing(err, `delete ${c.label} (${c.id})`));
  say(io, `Deleted ${deleted.length} of ${plan.length}${deleted.length ? `: ${labels(deleted)}` : ''}.`);
  say(io, `Not deleted: ${c.label} (failed)${notAttempted.length ? `, ${labels(notAttempted)} (not attempted)` : ''}.`);
  say(io, `Run '${PROG} prune' again to see what is left.`);
  return 1;
}

async function deleteAll({ values, hub, org, io, stop, interrupts }, plan) {
  const deleted = [];
  for (const [i, c] of plan.entries()) {
    if (stop?.aborted) {
      // A safe point: the delete before finished; this one never started.
      const left = plan.slice(i);
      if (values.json) io.stdout.write(json({ plan, deleted: deleted.map((x) => x.id), failed: null, notAttempted: left.map((x) => x.id) }));
      say(io, `Interrupted: deleted ${deleted.length} of ${plan.length}${deleted.length ? `: ${labels(deleted)}` : ''}. Not deleted: ${labels(left)}.`);
      return EXIT_INTERRUPTED;
    }
    interrupts?.abandoning(() => `the delete of ${c.label} (${c.id}) in flight, and ${plan.length - i - 1} after it; run prune to see what is left`);
    try {
      await hub.deleteAccessToken(org, c.id);
    } catch (err) {
      return stopped(io, values, { plan, deleted, i, err });
    }
    deleted.push(c);
    if (!values.json) say(io, `Deleted ${c.label} (${c.id}).`);
  }
  if (values.json) io.stdout.write(json({ plan, deleted: deleted.map((x) => x.id), failed: null, notAttempted: [] }));
  say(io, `Deleted ${plural(deleted.length, 'token')}.`);
  return 0;
}

async function run(ctx) {
  const { rest, values, hub, org, io } = ctx;
  noArgs(rest, 'prune');
  const which = selection(values);
  const report = await readAudit(hub, org, io, auditOptions({ unused: values.unused }, io));
  const plan = pruneCandidates(report, which);
  if (plan.length === 0) {
    if (values.json) io.stdout.write(json({ plan: [], deleted: [], failed: null, notAttempted: [] }));
    say(io, 'Nothing to prune.');
    return 0;
  }
  if (!values.json) {
    io.stdout.write(`${values.yes ? 'Deleting' : 'Would delete'} ${plural(plan.length, 'token')} from ${org}:\n`);
    // The reason first: every line starts with a word of ours, never a label (output.js listTable).
    io.stdout.write(table([['REASON', 'TOKEN', 'ID', 'WHY'], ...plan.map((c) => [c.reason, c.label, c.id, c.sentence])]));
  }
  if (values.yes) return deleteAll(ctx, plan);
  if (values.json) io.stdout.write(json({ plan, deleted: [], failed: null, notAttempted: plan.map((c) => c.id) }));
  say(io, 'Nothing was deleted. Run again with --yes to delete these tokens.');
  return 0;
}

export default {
  name: 'prune',
  args: '',
  options: { expired: { type: 'boolean' }, inactive: { type: 'boolean' }, unused: { type: 'string' }, ...YES_OPTION },
  summary: 'delete expired, inactive or long-unused tokens (prints the plan; deletes only with --yes)',
  help: `  --expired           delete expired tokens
  --inactive          delete deactivated tokens
  --unused 180d       delete active tokens unused for this long (or never used and this old)
                      (with none of the three: --expired --inactive)
  -y, --yes           delete; without it the plan is printed and nothing is deleted
  Tokens are deleted one at a time; the first failure stops it, and it says what was deleted,
  what failed and what was not attempted.`,
  run,
};
