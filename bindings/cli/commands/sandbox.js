// sandbox [options]: the local Docker Hub (web/sandbox/cli.js) from the installed package. It has
// its own command line, read from process.argv, and runs until it is stopped; so it is started
// before the CLI parses anything, and only from the command line (never from main()).

/** Runs the sandbox's command line with `args` (what followed `sandbox`). */
export async function runSandbox(args) {
  process.argv.splice(2, process.argv.length - 2, ...args);
  await import('../../../web/sandbox/cli.js');
}
