// prune [--expired] [--inactive] [--unused 180d] [--yes]: the audit's prune candidates, and the
// tokens a rotation retired whose overlap is over (deactivated, as apply does: bindings/tools/retired.js).
// Without --yes it prints the plan and changes nothing; with it, one request at a time, stopping
// at the first failure and saying what was done, what failed and what was not attempted.

import { pruneCandidates } from '../../tools/audit.js';
import { daysArg, noArgs, YES_OPTION } from '../args.js';
import { errorDoing, json, plural, PROG, say, table } from '../output.js';
import { auditOptions, readAudit } from './audit.js';
import { EXIT_INTERRUPTED } from '../interrupt.js';
import { parseRetired, retiredDue } from '../../tools/retired.js';

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

/** Retired tokens still active after their overlap: deactivated (deleted only after the grace). */
function overlapsEnded(report) {
  const now = Date.parse(report.now);
  return report.tokens
    .filter((t) => retiredDue(t, now) === 'deactivate')
    .map((t) => ({
      id: t.id,
      label: t.label,
      reason: 'overlap',
      action: 'deactivate',
      sentence: `Retired by a rotation; its overlap ended ${new Date(parseRetired(t.label).activeUntil ?? 0).toISOString().slice(0, 16).replace('T', ' ')}Z: deactivated now, deleted after its grace.`,
    }));
}

/** One step: the DELETE, or the deactivation of a retired token whose overlap ended. */
function act(hub, org, c) {
  return c.action === 'deactivate'
    ? hub.updateAccessToken(org, c.id, { is_active: false })
    : hub.deleteAccessToken(org, c.id);
}

/** "delete 2 tokens", or "deactivate 1 token and delete 2 tokens" (or in the words given). */
function counted(plan, [deactivate, remove] = ['deactivate', 'delete']) {
  const off = plan.filter((c) => c.action === 'deactivate').length;
  const del = plan.length - off;
  return [
    off ? `${deactivate} ${plural(off, 'token')}` : '',
    del || !off ? `${remove} ${plural(del, 'token')}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

const verb = (c) => (c.action === 'deactivate' ? 'deactivate' : 'delete');

function stopped(io, values, { plan, deleted, i, err }) {
  const c = plan[i];
  const notAttempted = plan.slice(i + 1);
  if (values.json)
    io.stdout.write(
      json({
        plan,
        deleted,
        failed: { id: c.id, code: err.code, message: err.message },
        notAttempted: notAttempted.map((x) => x.id),
      }),
    );
  io.stderr.write(errorDoing(err, `${verb(c)} ${c.label} (${c.id})`));
  say(
    io,
    `Deleted ${deleted.length} of ${plan.length}${deleted.length ? `: ${labels(deleted)}` : ''}.`,
  );
  say(
    io,
    `Not deleted: ${c.label} (failed)${notAttempted.length ? `, ${labels(notAttempted)} (not attempted)` : ''}.`,
  );
  say(io, `Run '${PROG} prune' again to see what is left.`);
  return 1;
}

async function deleteAll({ values, hub, org, io, stop, interrupts }, plan) {
  const deleted = [];
  for (const [i, c] of plan.entries()) {
    if (stop?.aborted) {
      // A safe point: the delete before finished; this one never started.
      const left = plan.slice(i);
      if (values.json)
        io.stdout.write(
          json({
            plan,
            deleted: deleted.map((x) => x.id),
            failed: null,
            notAttempted: left.map((x) => x.id),
          }),
        );
      say(
        io,
        `Interrupted: deleted ${deleted.length} of ${plan.length}${deleted.length ? `: ${labels(deleted)}` : ''}. Not deleted: ${labels(left)}.`,
      );
      return EXIT_INTERRUPTED;
    }
    interrupts?.abandoning(
      () =>
        `the ${verb(c)} of ${c.label} (${c.id}) in flight, and ${plan.length - i - 1} after it; run prune to see what is left`,
    );
    try {
      await act(hub, org, c);
    } catch (err) {
      return stopped(io, values, { plan, deleted, i, err });
    }
    deleted.push(c);
    if (!values.json)
      say(io, `${c.action === 'deactivate' ? 'Deactivated' : 'Deleted'} ${c.label} (${c.id}).`);
  }
  if (values.json)
    io.stdout.write(
      json({ plan, deleted: deleted.map((x) => x.id), failed: null, notAttempted: [] }),
    );
  const done = counted(deleted, ['deactivated', 'deleted']);
  say(io, `${done[0].toUpperCase()}${done.slice(1)}.`);
  return 0;
}

async function run(ctx) {
  const { rest, values, hub, org, io } = ctx;
  noArgs(rest, 'prune');
  const which = selection(values);
  const report = await readAudit(hub, org, io, auditOptions({ unused: values.unused }, io));
  const plan = [
    ...overlapsEnded(report),
    ...pruneCandidates(report, which).map((c) => ({ ...c, action: 'delete' })),
  ];
  if (plan.length === 0) {
    if (values.json)
      io.stdout.write(json({ plan: [], deleted: [], failed: null, notAttempted: [] }));
    say(io, 'Nothing to prune.');
    return 0;
  }
  if (!values.json) {
    io.stdout.write(`${values.yes ? 'Going to' : 'Would'} ${counted(plan)} from ${org}:\n`);
    // The reason first: every line starts with a word of ours, never a label (output.js listTable).
    io.stdout.write(
      table([
        ['REASON', 'TOKEN', 'ID', 'WHY'],
        ...plan.map((c) => [c.reason, c.label, c.id, c.sentence]),
      ]),
    );
  }
  if (values.yes) return deleteAll(ctx, plan);
  if (values.json)
    io.stdout.write(json({ plan, deleted: [], failed: null, notAttempted: plan.map((c) => c.id) }));
  say(io, 'Nothing was deleted. Run again with --yes to delete these tokens.');
  return 0;
}

export default {
  name: 'prune',
  args: '',
  options: {
    expired: { type: 'boolean' },
    inactive: { type: 'boolean' },
    unused: { type: 'string' },
    ...YES_OPTION,
  },
  summary:
    'delete expired, inactive or long-unused tokens (prints the plan; deletes only with --yes)',
  help: `  --expired           delete expired tokens
  --inactive          delete deactivated tokens
  --unused 180d       delete active tokens unused for this long (or never used and this old)
                      (with none of the three: --expired --inactive)
  -y, --yes           delete; without it the plan is printed and nothing is deleted
  Tokens are deleted one at a time; the first failure stops it, and it says what was deleted,
  what failed and what was not attempted.`,
  run,
};
