#!/usr/bin/env node
// dockerhub-oat: manage a Docker Hub organization's access tokens from a shell.
//
// Output: tables for people, --json for scripts. create and rotate print the new secret, once, and
// nothing else on stdout (with --json: one JSON document that holds it); everything else they say
// goes to stderr. One exit-status table for every command (cli/help.js EXIT_HELP, the README):
// 0 done; 1 any failure, wrong usage included; 2 plan only: there are changes; 3 audit --fail-on
// found; 130 interrupted (cli/interrupt.js).
// Secrets: from the environment (DOCKERHUB_SECRET, DOCKERHUB_TOKEN), stdin (--secret-stdin) or a
// hidden prompt on a terminal; on the command line only with --i-know-this-leaks-to-shell-history.
// Nothing is written to a file except by --out (bindings/cli/handover.js), and no secret is ever
// printed to stderr.
//
// This file is the entry: it parses, signs in and hands over to one module per command
// (bindings/cli/commands/), over the argument layer (cli/args.js) and the output layer
// (cli/output.js).

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createClient, DockerHubError } from './index.node.js';
import { parse, UsageError } from './cli/args.js';
import { COMMANDS } from './cli/commands/index.js';
import { runSandbox } from './cli/commands/sandbox.js';
import { runDashboard } from './cli/commands/dashboard.js';
import { clientOptions, credentialWords } from './cli/credentials.js';
import { commandUsage, mainUsage } from './cli/help.js';
import { listenForInterrupts, EXIT_INTERRUPTED } from './cli/interrupt.js';
import {
  errorLine,
  EXIT_FAILURE,
  failureStatus,
  jsonError,
  printable,
  PROG,
} from './cli/output.js';

export { parseExpires } from './cli/args.js';

/** Answers --version, help and --help. @returns {number|undefined} the exit status, if it answered */
function answerWithoutClient({ command, rest, values }, io) {
  if (values.version && !command) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !Object.hasOwn(COMMANDS, topic))
      throw new UsageError(`unknown command '${topic}'`);
    io.stdout.write(topic ? commandUsage(topic) : mainUsage());
    return 0;
  }
  if (values.help) {
    io.stdout.write(command ? commandUsage(command) : mainUsage());
    return 0;
  }
  if (!command) {
    io.stderr.write(mainUsage());
    return EXIT_FAILURE;
  }
  if (values.version) throw new UsageError('--version takes no command');
  return undefined;
}

/** The refusals that come from who signed in. */
const AUTH_FAILURES = new Set(['unauthorized', 'forbidden']);

function failure(err, argv, command, io, signedInWith) {
  if (argv.includes('--json')) return jsonError(err, io);
  if (err instanceof UsageError) {
    command ??= err.command;
    io.stderr.write(
      `${PROG}: ${printable(err.message)}\nRun '${PROG} ${command && COMMANDS[command] ? `${command} ` : ''}--help' for usage.\n`,
    );
    return EXIT_FAILURE;
  }
  if (err instanceof DockerHubError) {
    io.stderr.write(errorLine(err));
    if (signedInWith && AUTH_FAILURES.has(err.code))
      io.stderr.write(`  ${printable(signedInWith)}\n`);
    return failureStatus(err);
  }
  io.stderr.write(`error: internal: ${printable(err?.message ?? err)}\n`);
  return EXIT_FAILURE;
}

/**
 * Runs the CLI. @returns {Promise<number>} the exit status
 * @param {string[]} argv the arguments after the script
 * @param {{ stdin, stdout, stderr, env }} io
 */
export async function main(argv, io) {
  let hub;
  let command;
  let interrupts;
  let signedInWith;
  try {
    const parsed = parse(argv, COMMANDS);
    command = parsed.command;
    const answered = answerWithoutClient(parsed, io);
    if (answered !== undefined) return answered;
    if (COMMANDS[command].offline)
      return (await COMMANDS[command].run({ rest: parsed.rest, values: parsed.values, io })) ?? 0;
    const org = parsed.values.org ?? io.env.DOCKERHUB_ORG;
    if (!org) throw new UsageError('no organization: give --org or set DOCKERHUB_ORG');
    interrupts = listenForInterrupts(io.process, io, { graceful: !COMMANDS[command].readOnly });
    hub = await createClient(await clientOptions(parsed.values, io));
    signedInWith = credentialWords(parsed.values, io);
    const ctx = {
      rest: parsed.rest,
      values: parsed.values,
      hub,
      org,
      io,
      stop: interrupts.signal,
      interrupts,
    };
    const status = await COMMANDS[command].run(ctx);
    return interrupts.signal.aborted ? EXIT_INTERRUPTED : typeof status === 'number' ? status : 0;
  } catch (err) {
    const status = failure(err, argv, command, io, signedInWith);
    return interrupts?.signal.aborted ? EXIT_INTERRUPTED : status;
  } finally {
    interrupts?.dispose();
    hub?.close();
  }
}

const isMain = (() => {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();

/** The two servers have their own command lines: `X ...` and `help X` are theirs. */
const SERVERS = { sandbox: runSandbox, dashboard: runDashboard };
const [first, second] = process.argv.slice(2);

if (isMain && Object.hasOwn(SERVERS, first)) {
  await SERVERS[first](process.argv.slice(3));
} else if (isMain && first === 'help' && Object.hasOwn(SERVERS, second ?? '')) {
  await SERVERS[second](['--help']);
} else if (isMain) {
  process.exitCode = await main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    process,
  });
}
