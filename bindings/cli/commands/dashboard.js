// dashboard [options]: the admin dashboard's server (web/server.js) from the installed package, on
// the embedded sandbox unless --upstream. Like sandbox, it has its own command line and runs until
// it is stopped, so it starts before the CLI parses anything, and only from the command line.
// `npm start` in a clone of the repository runs this same command.

/** Runs the dashboard's command line with `args` (what followed `dashboard`). */
export async function runDashboard(args) {
  const server = await import('../../../web/server.js');
  await server.runDashboard(args);
}
