// Where a new token's secret goes, for the CLI (Node only: browsers and serverless hosts never load
// this file). Two ways, each refusing rather than guessing:
//   exec: runs a command WITHOUT a shell (the words are split here, with '...', "..." and \ as a
//         shell would, but nothing is expanded), and writes the secret and a newline to its stdin.
//         Its stdout and stderr go to this process's stderr. A status other than 0 is a failure.
//   out:  creates a file with mode 0600 (O_CREAT | O_EXCL: an existing file, or a link, is never
//         overwritten) and writes the secret and a newline to it.
// No error message here holds the secret.

import { spawn } from 'node:child_process';
import { accessSync, constants, lstatSync, statSync, promises as fs } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

/** Splits a command line into words as a POSIX shell would, without expanding anything. */
export function splitWords(command) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1])) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      // A backslash at the very end stays itself, as in sh.
      word = (word ?? '') + (i + 1 < command.length ? command[++i] : c);
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`the command has an unclosed ${quote} quote`);
  if (word !== null) words.push(word);
  if (words.length === 0) throw new Error('the command is empty');
  return words;
}

/** Runs `command` (no shell) with the secret on its stdin. */
export function handOverExec(secret, command, { cwd, stderr = 2 } = {}) {
  const [file, ...args] = splitWords(command);
  return new Promise((resolvePromise, reject) => {
    // The owner's credentials stay with this process, as in `create --exec` (cli-handover.js).
    const { DOCKERHUB_SECRET: _s, DOCKERHUB_TOKEN: _t, ...env } = process.env;
    const child = spawn(file, args, { cwd, env, stdio: ['pipe', stderr, stderr], shell: false });
    let failed = false;
    child.on('error', (err) => {
      failed = true;
      reject(new Error(`could not run ${JSON.stringify(file)}: ${err.code ?? err.message}`));
    });
    child.stdin.on('error', () => {}); // a command that does not read: its status says how it went
    child.on('close', (code, signal) => {
      if (failed) return;
      if (code === 0) resolvePromise();
      else reject(new Error(`${JSON.stringify(file)} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`));
    });
    child.stdin.end(`${secret}\n`);
  });
}

/** Creates `path` (relative to cwd) with mode 0600 and the secret in it; never overwrites. */
export async function handOverOut(secret, path, { cwd = '.' } = {}) {
  const full = resolve(cwd, path);
  let handle;
  try {
    handle = await fs.open(full, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (err) {
    if (err.code === 'EEXIST') throw new Error(`${path} exists already: refusing to overwrite it`);
    throw new Error(`could not create ${path}: ${err.code ?? err.message}`);
  }
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(`${secret}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks, before any token is made, that a hand-over can work: the command can be found and run,
 * or the file does not exist yet and its folder does. Throws an Error saying why not.
 * @param {{ exec?: string, out?: string }} target
 * @param {{ cwd?: string, env?: Record<string, string | undefined> }} [options]
 */
export function preflight(target, { cwd = '.', env = process.env } = {}) {
  if (target?.exec !== undefined) {
    const [file] = splitWords(target.exec);
    const found = file.includes('/')
      ? executable(isAbsolute(file) ? file : resolve(cwd, file))
      : (env.PATH ?? '').split(delimiter).some((d) => d && executable(join(d, file)));
    if (!found) throw new Error(`the command ${JSON.stringify(file)} is not found or not executable`);
    return;
  }
  if (target?.out === undefined) throw new Error('a hand-over needs exec or out');
  const full = resolve(cwd, target.out);
  let exists = true;
  try {
    lstatSync(full);
  } catch {
    exists = false;
  }
  if (exists) throw new Error(`${target.out} exists already: refusing to overwrite it`);
  try {
    if (!statSync(dirname(full)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new Error(`the folder of ${target.out} does not exist`);
  }
}

/**
 * Hands a secret over as `target` says: { exec: 'COMMAND' } or { out: 'FILE' }.
 * @param {string} secret
 * @param {{ exec?: string, out?: string }} target
 * @param {{ cwd?: string, stderr?: number | 'inherit' | 'ignore' }} [options]
 */
export function handOver(secret, target, options = {}) {
  if (typeof secret !== 'string' || secret === '') throw new Error('there is no secret to hand over');
  if (target?.exec !== undefined) return handOverExec(secret, target.exec, options);
  if (target?.out !== undefined) return handOverOut(secret, target.out, options);
  throw new Error('a hand-over needs exec or out');
}
