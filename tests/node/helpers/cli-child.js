// The CLI as a child process against a (hostile) server, for the attack suites: its stdout and
// stderr together, as the terminal shows them, and its exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../bindings/cli.js', import.meta.url));
export const JWT = 'eyJhbGciOiJub25lIn0.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln';

/** @returns {Promise<{ code: number|null, out: string }>} */
export function cli(args, url, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, DOCKERHUB_BASE_URL: url, DOCKERHUB_ORG: 'acme', DOCKERHUB_TOKEN: JWT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}
