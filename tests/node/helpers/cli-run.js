// The CLI (bindings/cli.js) as a child process, stdout and stderr apart, with a clean environment:
// PATH and HOME, then `env` (a null value leaves a name out).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../bindings/cli.js', import.meta.url));

/** @returns {Promise<{ code: number | null, stdout: string, stderr: string }>} */
export function runCli(args, { env = {}, input = '', cwd } = {}) {
  const full = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(env)) if (v !== null) full[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: full, timeout: 60_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The requests that change something: every one but a GET and a sign-in. */
export const writeRequests = (sb) => sb.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !r.path.startsWith('/v2/auth/') && r.path !== '/v2/users/login');
