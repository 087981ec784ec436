// The hand-over flags of `create` and `rotate` (--exec, --exec-shell, --out) and what the CLI says
// around them. The hand-over itself is bindings/cli/handover.js, the one apply uses too.
// The flags are checked before the token is created, so a wrong use creates nothing: --exec's
// program is looked up on PATH (or by its path) and --out's file must not exist yet. If the
// hand-over fails after Docker Hub created the token, the CLI names the token and says how to
// recover; the secret goes only to the child's stdin or the file.

import { resolve } from 'node:path';
import { describeTarget, handOver, preflight, preflightOut, splitWords } from './handover.js';
import { UsageError } from './args.js';
import { json, named, printable } from './output.js';

export const HANDOVER_OPTIONS = {
  exec: { type: 'string' },
  'exec-shell': { type: 'boolean' },
  out: { type: 'string' },
};

export const HANDOVER_HELP = `  --exec 'CMD ...'           hand the secret to CMD on its stdin instead of printing it
                             (e.g. --exec 'gh secret set DOCKERHUB_TOKEN'); run without a shell
  --exec-shell               run the --exec command with /bin/sh -c (pipes, variables)
  --out FILE                 write the secret to a new file, mode 0600; an existing FILE is refused
  The command runs as you and can read what you can, this CLI's environment included
  (/proc/$PPID/environ): where it is not fully trusted, give your secret with --secret-stdin or
  the prompt, not DOCKERHUB_SECRET.`;

function execTarget(exec, shell, env) {
  if (exec.trim() === '') throw new UsageError('--exec needs a command');
  if (!shell) {
    try {
      splitWords(exec);
    } catch (err) {
      throw new UsageError(
        /unclosed/.test(err.message) ? '--exec has an unclosed quote' : '--exec needs a command',
      );
    }
  }
  const target = { exec, shell };
  try {
    preflight(target, { env });
  } catch (err) {
    throw new UsageError(`--exec: ${err.message}; nothing was created`);
  }
  return target;
}

/**
 * The hand-over the flags ask for, checked before anything is created.
 * @param {object} values the parsed flags
 * @param {Record<string, string | undefined>} [env] whose PATH finds --exec's program
 * @returns {null | { exec: string, shell: boolean } | { out: string }} out is an absolute path
 */
export function handoverFromFlags(values, env = process.env) {
  const { exec, out } = values;
  if (exec !== undefined && out !== undefined)
    throw new UsageError('give --exec or --out, not both');
  if (values['exec-shell'] && exec === undefined) throw new UsageError('--exec-shell needs --exec');
  if (exec !== undefined) return execTarget(exec, Boolean(values['exec-shell']), env);
  if (out === undefined) return null;
  if (out === '') throw new UsageError('--out needs a file name');
  try {
    preflightOut(out);
  } catch (err) {
    throw new UsageError(`--out ${err.message}`);
  }
  return { out: resolve(out) };
}

export const withoutSecret = ({ token: _secret, ...rest }) => rest;

/**
 * After a create: hands the secret over, or says the token exists without it.
 * @returns {Promise<boolean>} true when handed over
 */
export async function deliver({ token, target, io, org }) {
  const where = printable(describeTarget(target));
  try {
    await handOver(token.token, target, { env: io.env, stdout: io.stdout, stderr: io.stderr });
  } catch (err) {
    io.stderr.write(
      `error: handover: Created token ${named(token)} in ${org}, but its secret could not be handed to ` +
        `${where}: ${printable(err.message)}.\n` +
        'The secret was not shown anywhere and Docker Hub will not show it again.\n',
    );
    return false;
  }
  io.stderr.write(`Created token ${named(token)} in ${org}; its secret went to ${where}.\n`);
  return true;
}

/** rotate's hand-over phase: throws (the rotation then deletes the new token again) or says where it went. */
export async function handOverFlags(token, target, io) {
  try {
    await handOver(token.token, target, { env: io.env, stdout: io.stdout, stderr: io.stderr });
  } catch (err) {
    throw new Error(`its secret could not be handed to ${describeTarget(target)}: ${err.message}`);
  }
  io.stderr.write(`Handed the new token's secret to ${printable(describeTarget(target))}.\n`);
}

/** create with --exec or --out, after the token was created. @returns {Promise<number>} exit status */
export async function finishCreate({ token, target, io, org, values }) {
  const ok = await deliver({ token, target, io, org });
  if (values.json) io.stdout.write(json({ ...withoutSecret(token), handedOver: ok }));
  if (!ok) {
    io.stderr.write(
      `To recover: delete it with 'dockerhub-oat delete ${printable(token.id)} --yes' and create it again.\n`,
    );
    return 1;
  }
  return 0;
}
