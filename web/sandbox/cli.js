#!/usr/bin/env node
/**
 * Command line entry of the Docker Hub sandbox (`dockerhub-oat sandbox`, or node web/sandbox/cli.js):
 *   dockerhub-oat sandbox [--port 4010] [--host 127.0.0.1] [--rate-limit 600]
 *                         [--data FILE] [--seed NAME|FILE] [--jwt-ttl 600] [--rate-limit-style seconds] [--quiet]
 * Prints the URL and the seeded credentials, then logs one line per request.
 */
import { readArgs, logToStdout, closeOnSignal } from './run.js';
import { startSandbox } from './index.js';
import { NAMED_SEEDS } from './seed-hygiene.js';

const NAMES = Object.keys(NAMED_SEEDS);
const USAGE = `Usage: dockerhub-oat sandbox [options]

  --port N         port to listen on (default 4010; 0 picks a free one)
  --host H         address to listen on (default 127.0.0.1; anything else is reachable by others)
  --rate-limit N   requests per minute before 429 (default 600)
  --data FILE      keep the state in FILE (atomic writes) so it survives a restart
  --seed NAME|FILE a named world merged onto the built-in one (${NAMES.join(', ')}), or a JSON seed
                   file (see the sandbox's README.md; write ./${NAMES[0]} for a file of that name)
  --jwt-ttl S      lifetime of minted JWTs in seconds (default 600)
  --rate-limit-style STYLE
                   how a 429 says when to retry: seconds (Retry-After: seconds, the default),
                   unix (Retry-After: unix time), x-retry-after (X-Retry-After: unix time),
                   reset-only (only X-RateLimit-Reset)
  --quiet          no request log
  -h, --help       this text
`;

function intArg(name, v, min) {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) {
    process.stderr.write(
      `sandbox: --${name} needs an integer >= ${min}, got ${JSON.stringify(v)}\n`,
    );
    process.exit(2);
  }
  return Number(v);
}

const args = readArgs(
  'sandbox',
  {
    port: { type: 'string' },
    host: { type: 'string' },
    'rate-limit': { type: 'string' },
    data: { type: 'string' },
    seed: { type: 'string' },
    'jwt-ttl': { type: 'string' },
    'rate-limit-style': { type: 'string' },
    quiet: { type: 'boolean' },
  },
  USAGE,
);

let sb;
try {
  sb = await startSandbox({
    port: intArg('port', args.port, 0) ?? 4010,
    host: args.host ?? '127.0.0.1',
    rateLimit: intArg('rate-limit', args['rate-limit'], 1),
    jwtTtlSeconds: intArg('jwt-ttl', args['jwt-ttl'], 1),
    rateLimitStyle: args['rate-limit-style'],
    dataFile: args.data,
    // A built-in name is that world; anything else names a file.
    ...(Object.hasOwn(NAMED_SEEDS, args.seed ?? '')
      ? { seed: args.seed }
      : { seedFile: args.seed }),
    log: args.quiet ? false : logToStdout,
  });
} catch (e) {
  const msg =
    e.code === 'EADDRINUSE'
      ? `port ${args.port ?? 4010} is already in use; pick another with --port`
      : String(e.message).replace(/^sandbox: /, '');
  process.stderr.write(`sandbox: ${msg}\n`);
  process.exit(1);
}

const c = sb.credentials;
const lines = [`Docker Hub sandbox listening on ${sb.url}`, ''];
if (c.source === 'data-file') {
  lines.push(
    `State loaded from ${args.data}; secrets are stored only as hashes, so none can be shown.`,
  );
} else {
  lines.push('Users (POST /v2/auth/token {"identifier": user, "secret": password or PAT}):');
  for (const u of c.users)
    lines.push(
      `  ${u.username.padEnd(16)} password ${u.password ?? '(none)'}${u.pats.length ? `  PAT ${u.pats.join(', ')}` : ''}`,
    );
  lines.push('Organizations:');
  for (const o of c.orgs)
    lines.push(
      `  ${o.name.padEnd(16)} plan ${o.plan}, owners ${o.owners.join(', ') || '-'}, members ${o.members.join(', ') || '-'}, repositories ${o.repositories.join(', ') || '-'}`,
    );
  const shown = c.tokens.slice(0, 12);
  lines.push('Organization access tokens ({"identifier": org, "secret": token}):');
  for (const t of shown)
    lines.push(`  ${`${t.org}/${t.label}`.padEnd(24)} ${t.status.padEnd(8)} ${t.secret}`);
  if (c.tokens.length > shown.length)
    lines.push(`  ... and ${c.tokens.length - shown.length} more`);
}
lines.push(
  '',
  'Control (loopback only, JSON, header X-Sandbox-Token): POST /_sandbox/faults, GET /_sandbox/requests, GET /_sandbox/state.',
  `  Control token for this start: ${sb.controlToken}`,
  'Ctrl-C stops.',
  '',
);
process.stdout.write(lines.join('\n'));
if (args.data && c.source !== 'data-file') process.stdout.write(`State is kept in ${args.data}.\n`);

closeOnSignal(sb);
