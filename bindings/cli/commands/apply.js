// apply -f FILE [--prune] [--yes]: does the plan, step by step; asks on a terminal, refuses
// without one unless --yes; stops at the first failure and says what was done and what was not.
// A new token's secret goes where its entry's "secret" says (bindings/cli/handover.js, relative to the
// manifest's folder) and nowhere else: a file that creates a token without saying where its secret
// goes is refused before any change.

import { handOver, handOverKey, preflight } from '../handover.js';
import { describeStep } from '../../tools/plan.js';
import { noArgs, UsageError, YES_OPTION } from '../args.js';
import { loadPlan } from '../saved-plan.js';
import { json, plural, printable, quoted } from '../output.js';
import { confirmed } from '../terminal.js';
import { EXIT_INTERRUPTED } from '../interrupt.js';
import { FILE_HELP, FILE_OPTIONS, makePlan } from './plan.js';

/** Every new secret must have somewhere to go of its own, and that place must work: checked
 * before any change. Two entries handing over to one file (by its resolved path) or one command
 * (by its words) are refused: the second secret would be lost or overwrite the first. */
function checkHandOvers(plan, dir, io) {
  const taken = new Map();
  for (const s of plan.steps) {
    if (s.action !== 'create' && s.action !== 'replace' && s.action !== 'rotate') continue;
    const at = `token ${quoted(s.label)} (line ${s.line})`;
    if (!s.secret) {
      throw new UsageError(
        `${at} would be created, but the file does not say where its secret goes: ` +
          'add "secret": { "exec": "COMMAND" } or { "out": "FILE" }',
      );
    }
    try {
      preflight(s.secret, { cwd: dir, env: io.env });
    } catch (err) {
      throw new UsageError(`${at}: ${err.message}; nothing was changed`);
    }
    const key = handOverKey(s.secret, dir);
    const first = taken.get(key);
    if (first) {
      throw new UsageError(
        `${at} hands its secret over to the same ${s.secret.exec !== undefined ? 'command' : 'file'} as token ` +
          `${quoted(first.label)} (line ${first.line}): each new secret needs a place of its own; nothing was changed`,
      );
    }
    taken.set(key, s);
  }
}

const stepLine = (e) => printable(stepWords(e));

function stepWords(e) {
  const head = `[${e.index + 1}/${e.count}] ${e.action} ${e.label}${e.id ? ` (${e.id})` : ''}`;
  if (e.status === 'started') return `${head} ...`;
  if (e.status === 'done') return `${head}: done${e.newId ? `, new token ${e.newId}` : ''}`;
  return `${head}: FAILED: ${e.error.code}: ${e.error.message}`;
}

function summary(result) {
  const brief = (s) => ({ action: s.action, label: s.label, id: s.id ?? null });
  return json({
    ok: result.ok,
    done: result.done.map(brief),
    failed: result.failed && brief(result.failed),
    notDone: result.notDone.map(brief),
    error: result.error && result.error.toJSON?.(),
  });
}

function stopped(io, result) {
  const list = (steps) =>
    steps.length ? steps.map((s) => `  ${describeStep(s)[0].trim()}`).join('\n') : '  (none)';
  io.stderr.write(
    `\nInterrupted: the step in flight finished, and nothing after it was started.\n` +
      `Done:\n${list(result.done)}\nNot done:\n${list(result.notDone)}\nRun plan again to see what is left.\n`,
  );
  return EXIT_INTERRUPTED;
}

function failed(io, result) {
  const list = (steps) =>
    steps.length ? steps.map((s) => `  ${describeStep(s)[0].trim()}`).join('\n') : '  (none)';
  io.stderr.write(
    `\nerror: ${result.error.code}: ${printable(result.error.message)}\n` +
      `Done:\n${list(result.done)}\nFailed:\n${list([result.failed])}\nNot done:\n${list(result.notDone)}\n` +
      'Run plan again to see what is left.\n',
  );
  return 1;
}

/** The plan to apply: a saved one (--plan), or one made now from the file (-f). */
async function thePlan(ctx) {
  const { values, rest } = ctx;
  if (values.plan === undefined) return makePlan(ctx, 'apply');
  noArgs(rest, 'apply');
  if (values.file !== undefined || values.prune)
    throw new UsageError(
      'give -f FILE [--prune] or --plan PLAN, not both: a saved plan says what it does',
    );
  return loadPlan(values.plan, ctx.org);
}

async function run(ctx) {
  const { values, hub, org, io } = ctx;
  const made = await thePlan(ctx);
  if (!made) return 1;
  const { plan, dir } = made;
  const report = values.json ? (s) => io.stderr.write(s) : (s) => io.stdout.write(s);
  report(plan.text);
  if (plan.changes === 0) return 0;
  checkHandOvers(plan, dir, io);
  if (
    !(await confirmed(
      io,
      values,
      'apply',
      () => `Apply ${plural(plan.changes, 'change')} to ${plan.org}? [y/N] `,
    ))
  ) {
    io.stderr.write('Not applied.\n');
    return 1;
  }
  report('\n');
  const result = await hub.applyAccessTokens(org, plan, {
    onSecret: ({ token, secret }) =>
      handOver(token.token, secret, { cwd: dir, env: io.env, stderr: io.stderr }),
    onStep: (e) => {
      report(`${stepLine(e)}\n`);
      if (e.status === 'started')
        ctx.interrupts?.abandoning(
          () =>
            `step ${e.index + 1} of ${e.count} (${printable(`${e.action} ${e.label}${e.id ? ` (${e.id})` : ''}`)}) in flight, ` +
            `and ${e.count - e.index - 1} after it; run plan to see whether it happened`,
        );
    },
    stop: ctx.stop,
  });
  if (values.json) io.stdout.write(summary(result));
  if (result.stopped) return stopped(io, result);
  if (!result.ok) return failed(io, result);
  report(`\nApplied ${plural(result.done.length, 'change')} to ${org}.\n`);
  return 0;
}

export default {
  name: 'apply',
  args: '',
  options: { ...FILE_OPTIONS, plan: { type: 'string' }, ...YES_OPTION },
  summary: "make the org's tokens match a file, step by step",
  help: `${FILE_HELP}
  --plan PLAN       apply a plan saved by 'plan --save PLAN': exactly its steps, deletes
                    included, and nothing else; refused, with nothing changed, if the file was
                    edited or the org's tokens changed since (a second apply of it included)
  -y, --yes         do not ask; without it a terminal is asked, and anything else is refused
  A new token's secret goes where its entry's "secret" says (exec: a command's stdin, run
  without a shell; out: a new file, mode 0600, never overwritten), relative to the file's folder.
  Stops at the first failure and says what was done and what was not; apply again to go on.
  An exec command runs as you and can read what you can, this CLI's environment included
  (/proc/$PPID/environ): where it is not fully trusted, give your secret with --secret-stdin or
  the prompt, not DOCKERHUB_SECRET.`,
  run,
};
