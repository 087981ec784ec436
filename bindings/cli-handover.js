// Handing a new token's secret to where it is needed, without a terminal or a log in between
// (create and rotate: --exec, --exec-shell, --out; hooked into cli.js).
//
//   --exec 'CMD ARG ...'  runs CMD with the secret on its stdin (no newline after it). The command
//                         line is split into words here (quotes and backslashes as in a shell) and
//                         run without a shell, so nothing in it is expanded; --exec-shell runs it
//                         with /bin/sh -c instead. The child gets the CLI's environment without
//                         DOCKERHUB_SECRET and DOCKERHUB_TOKEN; its stdout and stderr are passed on.
//   --out FILE            creates FILE with mode 0600 (O_CREAT | O_EXCL: an existing file, or a
//                         link planted at that name, is refused) and writes the secret to it.
// Both are checked before the token is created, so a wrong use creates nothing. If the hand-over
// fails after Docker Hub created the token, the CLI names the token, leaves the old one alone on
// rotate, and says how to recover. The secret itself goes only to the child's stdin or the file:
// never to argv, the environment, stdout, stderr or an error message.

import { spawn } from 'node:child_process';
import { constants, existsSync, lstatSync, openSync, writeSync, closeSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { scrubSecrets } from './errors.js';

export const HANDOVER_OPTIONS = {
  exec: { type: 'string' },
  'exec-shell': { type: 'boolean' },
  out: { type: 'string' },
};

export const HANDOVER_HELP = `  --exec 'CMD ...'           hand the secret to CMD on its stdin instead of printing it
                             (e.g. --exec 'gh secret set DOCKERHUB_TOKEN'); run without a shell
  --exec-shell               run the --exec command with /bin/sh -c (pipes, variables)
  --out FILE                 write the secret to a new file, mode 0600; an existing FILE is refused`;

/** Splits a command line into words: whitespace separates, '...' and "..." quote, \\ escapes. */
export function splitCommand(text) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (c === '\\' && i + 1 < text.length && quote !== "'") {
      word = (word ?? '') + text[++i];
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return null;
  if (word !== null) words.push(word);
  return words;
}

/**
 * Checks the hand-over options before anything is created.
 * @returns {null | { kind: 'exec', argv: string[], shell: boolean, text: string } | { kind: 'out', file: string }}
 */
export function planHandover(values, UsageError) {
  const { exec, out } = values;
  if (exec !== undefined && out !== undefined) throw new UsageError('give --exec or --out, not both');
  if (values['exec-shell'] && exec === undefined) throw new UsageError('--exec-shell needs --exec');
  if (exec !== undefined) {
    const argv = values['exec-shell'] ? ['/bin/sh', '-c', exec] : splitCommand(exec);
    if (argv === null) throw new UsageError('--exec has an unclosed quote');
    if (argv.length === 0 || exec.trim() === '') throw new UsageError('--exec needs a command');
    return { kind: 'exec', argv, shell: Boolean(values['exec-shell']), text: exec };
  }
  if (out !== undefined) {
    if (out === '') throw new UsageError('--out needs a file name');
    const file = resolve(out);
    let exists = false;
    try {
      lstatSync(file);
      exists = true;
    } catch { /* absent: good */ }
    if (exists) throw new UsageError(`--out ${out}: the file exists; refusing to overwrite it`);
    if (!existsSync(dirname(file))) throw new UsageError(`--out ${out}: the folder ${dirname(file)} does not exist`);
    return { kind: 'out', file };
  }
  return null;
}

function childEnv(env) {
  const copy = { ...env };
  delete copy.DOCKERHUB_SECRET;
  delete copy.DOCKERHUB_TOKEN;
  return copy;
}

/** Runs the command with the secret on stdin. Rejects with a sentence that holds no secret. */
function execHandover(plan, secret, io) {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...args] = plan.argv;
    let child;
    try {
      child = spawn(cmd, args, { env: childEnv(io.env), stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new Error(`could not start ${cmd}: ${err.code ?? err.message}`));
      return;
    }
    child.stdout.on('data', (d) => io.stdout.write(d));
    child.stderr.on('data', (d) => io.stderr.write(d));
    child.on('error', (err) => reject(new Error(`could not start ${cmd}: ${err.code === 'ENOENT' ? 'command not found' : err.code ?? 'failed'}`)));
    // A command that exits without reading its stdin makes the write fail with EPIPE: its exit
    // status says what happened.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`));
    });
    child.stdin.end(secret);
  });
}

function outHandover(plan, secret) {
  let fd;
  try {
    // O_NOFOLLOW too: a symbolic link planted at the name since the check is refused, not followed.
    fd = openSync(plan.file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw new Error(`could not create ${plan.file}: ${err.code === 'EEXIST' ? 'it exists now' : err.code ?? 'failed'}`);
  }
  try {
    writeSync(fd, secret);
  } catch (err) {
    closeSync(fd);
    try { unlinkSync(plan.file); } catch { /* it is gone already */ }
    throw new Error(`could not write ${plan.file}: ${err.code ?? 'failed'}`);
  }
  closeSync(fd);
}

/** Hands the secret over as planned. Rejects with an Error whose message holds no secret. */
export async function handOver(plan, secret, io) {
  if (plan.kind === 'exec') await execHandover(plan, secret, io);
  else outHandover(plan, secret);
}

/** Where it went, for the CLI's message. */
export const handoverTarget = (plan) => (plan.kind === 'exec' ? `the command ${plan.argv[0]}` : plan.file);

const PROG = 'dockerhub-oat';
const withoutSecret = ({ token: _secret, ...rest }) => rest;

/**
 * After a create: hands the secret over, or says the token exists without it and how to recover.
 * @returns {Promise<boolean>} true when handed over
 */
async function deliver({ token, plan, io, org, what }) {
  const named = `${token.label} (${token.id})`;
  try {
    await handOver(plan, token.token, io);
  } catch (err) {
    io.stderr.write(`error: handover: ${what} token ${named} in ${org}, but its secret could not be handed to `
      + `${handoverTarget(plan)}: ${err.message}.\n`
      + 'The secret was not shown anywhere and Docker Hub will not show it again.\n');
    return false;
  }
  io.stderr.write(`${what} token ${named} in ${org}; its secret went to ${handoverTarget(plan)}.\n`);
  return true;
}

/** create with --exec or --out, after the token was created. @returns {number} exit status */
export async function finishCreate({ token, plan, io, org, values, json }) {
  const ok = await deliver({ token, plan, io, org, what: 'Created' });
  if (values.json) io.stdout.write(json({ ...withoutSecret(token), handedOver: ok }));
  if (!ok) {
    io.stderr.write(`To recover: delete it with '${PROG} delete ${token.id} --yes' and create it again.\n`);
    return 1;
  }
  return 0;
}

/**
 * rotate with --exec or --out: the new token first (the old one kept), then the hand-over, and
 * only when that worked, the old token retired. @returns {Promise<number>} exit status
 */
export async function rotateWithHandover({ hub, org, id, retire, plan, io, values, json, rotate, errorLine }) {
  const { token } = await rotate(hub, org, id, { retire: 'keep' });
  const ok = await deliver({ token, plan, io, org, what: 'Created' });
  if (!ok) {
    if (values.json) io.stdout.write(json({ token: withoutSecret(token), handedOver: false, retired: false }));
    io.stderr.write(`The old token ${id} was left as it is, so nothing stopped working.\n`
      + `To recover: delete the new token with '${PROG} delete ${token.id} --yes' and rotate again.\n`);
    return 1;
  }
  let retireError = null;
  if (retire !== 'keep') {
    try {
      if (retire === 'delete') await hub.deleteAccessToken(org, id);
      else await hub.updateAccessToken(org, id, { is_active: false });
    } catch (err) {
      retireError = scrubSecrets(err, [token.token]); // a server may echo the new secret
    }
  }
  if (values.json) {
    const e = retireError && { code: retireError.code, status: retireError.status, message: retireError.message };
    io.stdout.write(json({ token: withoutSecret(token), handedOver: true, retired: retire !== 'keep' && !retireError, retireError: e }));
  }
  if (retireError) {
    io.stderr.write(errorLine(retireError).replace(/^error: (\S+): /, `error: $1: could not ${retire} the old token ${id}: `));
    io.stderr.write(`The new token is valid. Retry with: ${PROG} ${retire} ${id}${retire === 'delete' ? ' --yes' : ''}\n`);
    return 1;
  }
  io.stderr.write(retire === 'keep' ? `Kept the old token ${id} as it was.\n`
    : `${retire === 'delete' ? 'Deleted' : 'Deactivated'} the old token ${id}.\n`);
  return 0;
}
