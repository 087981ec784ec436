// rotate ID|LABEL [--expires WHEN] [--description D] [--retire MODE] [--overlap 1h] [--grace 7d]: the
// verified rotation of bindings/tools/rotate.js, each phase said on stderr as it ends. The new secret is
// printed once on stdout, or handed over (--exec, --out); either way that is the hand-over phase,
// so the old token is retired only after it, and a new token never handed over is deleted again.

import { RETIRE_MODES, rotateAccessToken } from '../../tools/rotate.js';
import { parseExpires, UsageError } from '../args.js';
import { errorBrief, errorDoing, json, PROG, say, when } from '../output.js';
import {
  handoverFromFlags,
  HANDOVER_HELP,
  HANDOVER_OPTIONS,
  handOverFlags,
  withoutSecret,
} from '../secret.js';
import { oneRef, resolveRef } from '../token-ref.js';

const UNITS = { m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** 30m, 1h, 7d, 2w to seconds. */
export function durationArg(text, name) {
  const m = /^(\d+)([mhdw])$/i.exec(text ?? '');
  const s = m ? Number(m[1]) * UNITS[m[2].toLowerCase()] : NaN;
  if (!(s >= 0 && s <= 3650 * 86400))
    throw new UsageError(`${name} needs a duration such as 30m, 1h, 7d or 2w, not '${text}'`);
  return s;
}

const PHASE_DONE = {
  read: null,
  create: (e) => `Created the new token ${e.newId}.`,
  verify: (e) => `Signed in with the new token ${e.newId}: it works.`,
  handover: null, // the hand-over says so itself
  retire: (e) =>
    e.as === 'deleted'
      ? `Deleted the old token ${e.id}.`
      : `${e.as === 'overlap' ? 'Relabelled' : 'Deactivated and relabelled'} the old token ${e.id} as ${e.label}.`,
  undo: (e) => `Deleted the new token ${e.newId} again.`,
};

function options(values) {
  const retire = values.retire ?? RETIRE_MODES[0];
  if (!RETIRE_MODES.includes(retire))
    throw new UsageError(
      `--retire needs ${RETIRE_MODES.join(', ').replace(/, (?=\w+$)/, ' or ')}, not '${retire}'`,
    );
  const o = { retire };
  if (values.expires !== undefined) o.expiresAt = parseExpires(values.expires);
  if (values.description !== undefined) o.description = values.description;
  if (values.overlap !== undefined) {
    if (retire !== 'deactivate')
      throw new UsageError('--overlap goes with --retire deactivate only');
    o.overlapSeconds = durationArg(values.overlap, '--overlap');
  }
  if (values.grace !== undefined) o.graceSeconds = durationArg(values.grace, '--grace');
  if (o.overlapSeconds > (o.graceSeconds ?? 7 * 86400))
    throw new UsageError('--overlap may not be longer than --grace');
  return o;
}

function retireFailed(io, err, id) {
  io.stderr.write(errorDoing(err, `retire the old token ${id}`));
  say(
    io,
    `The new token is valid and handed over; the old token ${id} still holds the label and works.`,
  );
  say(io, `Deactivate it with: ${PROG} deactivate ${id}, then relabel or delete it.`);
  return 1;
}

async function run({ rest, values, hub, org, io, stop }) {
  const ref = oneRef(rest, 'rotate');
  const o = options(values);
  const target = handoverFromFlags(values);
  const id = await resolveRef(hub, org, ref);
  let handedTo = 'stdout';
  const result = await rotateAccessToken(hub, org, id, {
    ...o,
    signal: stop,
    onPhase: (e) => {
      const words = e.status === 'done' && PHASE_DONE[e.phase]?.(e);
      if (words) say(io, words);
    },
    handOver: async (token) => {
      if (target) {
        await handOverFlags(token, target, io);
        handedTo = 'target';
      } else if (!values.json) {
        say(
          io,
          `The new token expires ${when(token.expires_at, 'never')}. Its secret is below, shown once: store it now.`,
        );
        io.stdout.write(`${token.token}\n`);
      }
    },
  }).catch((err) => {
    if (err?.phase)
      say(io, `Nothing was retired: the old token ${id} still holds its label and works.`);
    throw err;
  });
  const { token, retired, retireError } = result;
  if (values.json) {
    const doc = {
      ...result,
      token: handedTo === 'target' ? withoutSecret(token) : token,
      retireError: errorBrief(retireError),
    };
    io.stdout.write(json(doc));
  }
  if (retireError) return retireFailed(io, retireError, id);
  if (retired && result.deleteAfter)
    say(io, `A later '${PROG} prune' or 'apply' deletes it after ${when(result.deleteAfter)}.`);
  return 0;
}

export default {
  name: 'rotate',
  args: 'ID|LABEL',
  options: {
    retire: { type: 'string' },
    expires: { type: 'string' },
    description: { type: 'string' },
    overlap: { type: 'string' },
    grace: { type: 'string' },
    ...HANDOVER_OPTIONS,
  },
  summary:
    'replace a token by a new one like it, verified before the old one goes; prints the new secret once',
  help: `  --expires WHEN    the new token's expiry, as create takes it (30d, 2027-01-31, never); by
                    default the old token's lifetime exactly, counted from now
  --description D   the new token's description; by default the old one's
  --retire MODE     what becomes of the old token: ${RETIRE_MODES[0]} (default: relabelled LABEL~retired~...
                    and deactivated), delete (now), or keep (relabelled, active until deleted)
  --overlap 1h      with deactivate: the old token stays active this long (a later prune or
                    apply deactivates it)
  --grace 7d        a later prune or apply deletes the retired token after this long (default 7d)
${HANDOVER_HELP}
  Phases, each said on stderr: create the new token; sign in with it (POST /v2/auth/token); hand
  it over (print it, --exec or --out); retire the old one. If sign-in or the hand-over fails, the
  new token is deleted again and the old one was never touched. Afterwards exactly one token
  holds the label: the new one.`,
  run,
};
