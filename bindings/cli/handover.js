// Where a new token's secret goes, with no terminal, argv, environment or log in between: the one
// hand-over of `create` and `rotate` (--exec, --exec-shell, --out; bindings/cli/secret.js) and of
// apply (a manifest entry's "secret"). Node only: browsers and serverless hosts never load this file.
// A target is { exec: COMMAND, shell?: boolean } or { out: FILE }; each refuses rather than guesses:
//   exec: runs COMMAND WITHOUT a shell (its words split here as sh would, nothing expanded), or
//         with /bin/sh -c when `shell` is set, and writes the secret to its stdin. The child gets
//         the environment without DOCKERHUB_SECRET and DOCKERHUB_TOKEN. A status other than 0 fails.
//   out:  creates FILE with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600 whatever the umask: an existing
//         file, or a link planted at that name, is never overwritten or followed. A failed write
//         removes the file again.
// One format everywhere (the manifest's exec and out, the CLI's --exec and --out): the secret's
// bytes exactly, no newline, so what a file holds or a command reads is the secret and nothing
// else (a stored newline would become part of a secret set from stdin, e.g. `vault kv put ... -`).
// preflight says, before any token is made, what would fail. No error message here
// holds the secret.

import { spawn } from 'node:child_process';
import { accessSync, constants, lstatSync, realpathSync, statSync, promises as fs } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

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
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]))
        word += command[++i];
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

/** The argv an exec target runs. */
export function commandWords(target) {
  if (target.shell) {
    if (target.exec.trim() === '') throw new Error('the command is empty');
    return ['/bin/sh', '-c', target.exec];
  }
  return splitWords(target.exec);
}

/** Where a target sends the secret, for a message: "the command gh" or the file's name. */
export const describeTarget = (target) =>
  target.exec !== undefined ? `the command ${commandWords(target)[0]}` : target.out;

function childEnv(env) {
  const copy = { ...env };
  delete copy.DOCKERHUB_SECRET;
  delete copy.DOCKERHUB_TOKEN;
  return copy;
}

/** Where the child's stdout or stderr goes: 'ignore', or a stream its output is copied to. */
const stdioOf = (to) => (to === 'ignore' ? 'ignore' : 'pipe');

function runCommand(
  argv,
  input,
  { cwd, env = process.env, stderr = process.stderr, stdout = stderr },
) {
  const [cmd, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    const fail = (code) =>
      reject(
        new Error(
          `could not start ${cmd}: ${code === 'ENOENT' ? 'command not found' : (code ?? 'failed')}`,
        ),
      );
    let child;
    try {
      child = spawn(cmd, args, {
        cwd,
        env: childEnv(env),
        stdio: ['pipe', stdioOf(stdout), stdioOf(stderr)],
        shell: false,
      });
    } catch (err) {
      fail(err.code);
      return;
    }
    child.stdout?.on('data', (d) => stdout.write(d));
    child.stderr?.on('data', (d) => stderr.write(d));
    let failed = false;
    child.on('error', (err) => {
      failed = true;
      fail(err.code);
    });
    child.stdin.on('error', () => {}); // a command that does not read: its status says how it went
    child.on('close', (code, signal) => {
      if (failed) return;
      if (code === 0) resolvePromise();
      else
        reject(
          new Error(`${cmd} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`),
        );
    });
    child.stdin.end(input);
  });
}

const refused = (name) => new Error(`${name}: the file exists; refusing to overwrite it`);

async function writeNewFile(name, full, input) {
  let handle;
  try {
    handle = await fs.open(
      full,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o600,
    );
  } catch (err) {
    if (err.code === 'EEXIST' || err.code === 'ELOOP') throw refused(name);
    throw new Error(`could not create ${name}: ${err.code ?? err.message}`);
  }
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(input);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.unlink(full).catch(() => {}); // nothing half-written is left
    throw new Error(`could not write ${name}: ${err.code ?? 'failed'}`);
  }
  await handle.close();
}

/**
 * Hands a secret over as `target` says. Rejects with an Error whose message holds no secret.
 * @param {string} secret
 * @param {{ exec: string, shell?: boolean } | { out: string }} target
 * @param {{ cwd?: string, env?: object, stdout?: object | 'ignore', stderr?: object | 'ignore' }} [options]
 *   stdout and stderr: where the child's output goes (streams; stdout defaults to stderr, which
 *   defaults to process.stderr)
 */
export async function handOver(secret, target, options = {}) {
  if (typeof secret !== 'string' || secret === '')
    throw new Error('there is no secret to hand over');
  const { cwd = '.' } = options;
  const input = secret;
  if (target?.exec !== undefined)
    return runCommand(commandWords(target), input, { ...options, cwd });
  if (target?.out !== undefined) return writeNewFile(target.out, resolve(cwd, target.out), input);
  throw new Error('a hand-over needs exec or out');
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
 * Where a target really sends a secret, for telling two hand-overs apart before any change: an
 * out's path resolved against cwd, its folder through realpath (so "a.secret", "./a.secret",
 * "sub/../a.secret" and a path through a linked folder are one file); an exec's words as it runs
 * them (a command gets no label, so two secrets sent to one command could not be told apart).
 * @returns {string}
 */
export function handOverKey(target, cwd = '.') {
  if (target?.exec !== undefined) return `exec ${JSON.stringify(commandWords(target))}`;
  const full = resolve(cwd, target.out);
  let folder = dirname(full);
  try {
    folder = realpathSync(folder);
  } catch {
    /* absent: preflight says so */
  }
  return `out ${join(folder, basename(full))}`;
}

/** Throws unless `out` (relative to cwd) is absent and its folder exists. */
export function preflightOut(out, cwd = '.') {
  const full = resolve(cwd, out);
  let exists = true;
  try {
    lstatSync(full);
  } catch {
    exists = false;
  }
  if (exists) throw refused(out);
  let folder = false;
  try {
    folder = statSync(dirname(full)).isDirectory();
  } catch {
    /* absent */
  }
  if (!folder) throw new Error(`${out}: the folder ${dirname(full)} does not exist`);
}

/**
 * Checks, before any token is made, that a hand-over can work: the command can be found and run,
 * or the file does not exist yet and its folder does. Throws an Error saying why not.
 * @param {{ exec?: string, shell?: boolean, out?: string }} target
 * @param {{ cwd?: string, env?: Record<string, string | undefined> }} [options]
 */
export function preflight(target, { cwd = '.', env = process.env } = {}) {
  if (target?.exec !== undefined) {
    const [file] = commandWords(target);
    const found = file.includes('/')
      ? executable(isAbsolute(file) ? file : resolve(cwd, file))
      : (env.PATH ?? '').split(delimiter).some((d) => d && executable(join(d, file)));
    if (!found)
      throw new Error(`the command ${JSON.stringify(file)} is not found or not executable`);
    return;
  }
  if (target?.out === undefined) throw new Error('a hand-over needs exec or out');
  preflightOut(target.out, cwd);
}
