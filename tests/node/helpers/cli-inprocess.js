// The CLI run in this process (bindings/cli.js main) against a sandbox, signed in as its owner, in
// a folder of the test's: its exit status, stdout and stderr.
import { main } from '../../../bindings/cli.js';
import { OWNER } from './hub.js';

function stream() {
  return { text: '', isTTY: false, write(s) { this.text += String(s); return true; } };
}

/** @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
export async function runCli(argv, { sb, dir, env = {} }) {
  const stdout = stream();
  const stderr = stream();
  const io = {
    stdin: { isTTY: false }, stdout, stderr,
    env: { PATH: process.env.PATH, DOCKERHUB_BASE_URL: sb.url, DOCKERHUB_ORG: 'acme',
      DOCKERHUB_IDENTIFIER: OWNER.identifier, DOCKERHUB_SECRET: OWNER.secret, ...env },
  };
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await main(argv, io);
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    process.chdir(cwd);
  }
}
