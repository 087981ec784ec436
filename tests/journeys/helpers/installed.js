// A user's project with the packed package installed, and the installed CLI run in it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { installPacked } from '../../hosts/pack.js';

/**
 * Packs and installs the package into a fresh project.
 * @returns {Promise<{ project: string, cli: (args: string[], opts?: { env?: object, input?: string }) => Promise<{ code: number|null, signal: string|null, stdout: string, stderr: string }>, remove: () => Promise<void> }>}
 */
export async function installedProject(prefix = 'dh-journey-') {
  const installed = await installPacked(prefix);
  const bin = join(installed.project, 'node_modules', '.bin', 'dockerhub-oat');
  return {
    ...installed,
    bin,
    cli: (args, opts = {}) => run(bin, args, { cwd: installed.project, ...opts }),
  };
}

/** Runs a command with a clean environment (PATH and HOME only, plus `env`). */
export function run(cmd, args, { cwd, env = {}, input, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
      timeout,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
