// The CLI's help texts: the list of commands, and each command's own options.

import { COMMANDS } from './commands/index.js';
import { PROG } from './output.js';

const COMMON_HELP = `Common options:
  --org ORG                 the organization (or DOCKERHUB_ORG)
  --base-url URL            default https://hub.docker.com (or DOCKERHUB_BASE_URL)
  --identifier NAME         username, or the org name for an organization access token
                            (or DOCKERHUB_IDENTIFIER); the secret comes from DOCKERHUB_SECRET,
                            --secret-stdin, or a hidden prompt on a terminal
  --secret-stdin            read the secret (password, PAT or OAT) from stdin
  --json                    machine-readable output
  -h, --help                this text
  A bearer JWT in DOCKERHUB_TOKEN is used unless --identifier, --secret-stdin or --secret is
  given (it wins over DOCKERHUB_IDENTIFIER).
  (--secret S works only with --i-know-this-leaks-to-shell-history: it lands in your history.)`;

/** The one exit-status table of every command (the README's "Exit status" says the same). */
export const EXIT_HELP = `Exit status (every command):
  0    done
  1    any failure, wrong usage included
  2    plan only: there are changes
  3    audit --fail-on found a finding at or above that severity
  130  interrupted (SIGINT or SIGTERM)`;

export function commandUsage(name) {
  const c = COMMANDS[name];
  const line = `Usage: ${PROG} ${name}${c.args ? ` ${c.args}` : ''} [options]`;
  return `${line}\n\n${c.summary[0].toUpperCase()}${c.summary.slice(1)}.\n${c.help ? `\n${c.help}\n` : ''}\n${COMMON_HELP}\n\n${EXIT_HELP}\n`;
}

export function mainUsage() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => `${n} ${COMMANDS[n].args}`.length));
  const lines = Object.entries(COMMANDS).map(
    ([n, c]) => `  ${`${n} ${c.args}`.padEnd(width)}  ${c.summary}`,
  );
  return `Usage: ${PROG} <command> [options]

Manage a Docker Hub organization's access tokens.

Commands:
${lines.join('\n')}

Run '${PROG} <command> --help' for a command's options.
Run '${PROG} dashboard' for the admin page in your browser ('${PROG} dashboard --help').
Run '${PROG} sandbox [--port N]' for a local Docker Hub to try it on ('${PROG} sandbox --help').

${COMMON_HELP}

${EXIT_HELP}
`;
}
