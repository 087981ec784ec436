/**
 * What the two local servers' command lines share (web/sandbox/cli.js, web/server.js): reading the
 * options with --help, the request log's line, and stopping cleanly on Ctrl-C.
 */
import { parseArgs } from 'node:util';

/**
 * The parsed options; on a bad one, `name: message` and the usage to stderr and exit 2; on --help,
 * the usage to stdout and exit 0.
 * @param {string} name the program's name in messages
 * @param {Record<string, { type: 'string' | 'boolean', short?: string }>} options without help
 * @param {string} usage
 * @param {string[]} [argv] the arguments (default: the process's)
 */
export function readArgs(name, options, usage, argv = process.argv.slice(2)) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (e) {
    process.stderr.write(`${name}: ${e.message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  return args;
}

/** One request log line on stdout, stamped with the time. */
export const logToStdout = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

/** Closes `server` on SIGINT or SIGTERM, then exits; a second signal exits at once. */
export function closeOnSignal(server) {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
