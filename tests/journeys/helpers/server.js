// A server the user starts from a shell (`npx dockerhub-oat dashboard`), run as its own process
// group so that stopping it stops npx's child too, and read up to the end of its banner.
import { spawn } from 'node:child_process';

/**
 * @returns {{ banner: Promise<string>, stop: () => Promise<void> }} banner: stdout up to
 *   "Ctrl-C stops."; rejects if the process ends first (with what it printed)
 */
export function startServerProcess(cmd, args, { cwd, env = {} } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
  });
  const banner = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (/Ctrl-C stops\.\n/.test(out)) resolve(out);
    });
    void exited.then((code) =>
      reject(
        new Error(`${cmd} ${args.join(' ')} exited ${code} before its banner:\n${out}\n${err}`),
      ),
    );
  });
  banner.catch(() => {});
  return {
    banner,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* gone already */
        }
      }
      await exited;
    },
  };
}

/** The first command of the README's "Start here" block that runs `what` ("npx dockerhub-oat dashboard"). */
export function startHereCommand(readme, what) {
  const section = readme.slice(
    readme.indexOf('## Start here'),
    readme.indexOf('\n## ', readme.indexOf('## Start here') + 1),
  );
  const line = section.split('\n').find((l) => l.startsWith(what));
  if (!line) throw new Error(`README's Start here has no line starting with ${what}`);
  return line
    .replace(/\s+#.*$/, '')
    .trim()
    .split(/\s+/);
}
