#!/usr/bin/env node
// dockerhub-oat: manage a Docker Hub organization's access tokens from a shell.
//
// Output: tables for people, --json for scripts. create and rotate print the new secret, once, and
// nothing else on stdout (with --json: one JSON document that holds it); everything else they say
// goes to stderr. Exit 0 on success, 1 when the API (or the network) fails, 2 on wrong usage,
// 3 when audit --fail-on finds what it gates on.
// Secrets: from the environment (DOCKERHUB_SECRET, DOCKERHUB_TOKEN), stdin (--secret-stdin) or a
// hidden prompt on a terminal; on the command line only with --i-know-this-leaks-to-shell-history.
// Nothing is written to a file except by --out (cli-handover.js), and no secret is ever printed to stderr.

import { parseArgs } from 'node:util';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { createClient, DockerHubError, SCOPES } from './index.node.js';
import { rotateAccessToken } from './rotate.js';
import { PLAN_COMMANDS, runPlanCommand } from './cli-plan.js';
import { AUDIT_COMMANDS } from './cli-audit.js';
import { HANDOVER_OPTIONS, HANDOVER_HELP, planHandover, finishCreate, rotateWithHandover } from './cli-handover.js';

const PROG = 'dockerhub-oat';
const DAY_MS = 86400e3;

class UsageError extends Error {}

// ---------------------------------------------------------------- options and help

const GLOBAL_OPTIONS = {
  org: { type: 'string' },
  'base-url': { type: 'string' },
  identifier: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  secret: { type: 'string' },
  'i-know-this-leaks-to-shell-history': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const RESOURCE_OPTIONS = {
  repo: { type: 'string', multiple: true },
  'org-scope': { type: 'string', multiple: true },
  'public-read': { type: 'boolean' },
};

const COMMANDS = {
  list: {
    args: '',
    options: { all: { type: 'boolean' }, page: { type: 'string' }, 'page-size': { type: 'string' } },
    summary: 'list the organization\'s tokens',
    help: `  --all             every page (newest first); without it, one page
  --page N          the page to show (default 1)
  --page-size N     tokens per page, 1 to 100 (default 10; 100 with --all)`,
  },
  get: { args: 'ID', options: {}, summary: 'show one token and its resources', help: '' },
  create: {
    args: '',
    options: {
      label: { type: 'string' }, description: { type: 'string' }, ...RESOURCE_OPTIONS, expires: { type: 'string' },
      ...HANDOVER_OPTIONS,
    },
    summary: 'create a token; prints its secret, once, on stdout',
    help: `  --label L                  the token's label (required)
  --description D            what it is for (up to 200 characters)
  --repo PATH=SCOPE[,SCOPE]  a repository resource, repeatable: acme/api=image-pull,image-push,
                             acme/*=image-pull (the "scope-" prefix may be left out)
  --org-scope SCOPE          an organization scope, repeatable: member-read, repository-list, ...
  --public-read              add read access to all public repositories (*/*/public, image-pull)
  --expires WHEN             30d, 12w, 1y (365 days), a date 2027-01-31 (00:00 UTC), an RFC 3339
                             date-time, or never (the default)
${HANDOVER_HELP}`,
  },
  update: {
    args: 'ID',
    options: { label: { type: 'string' }, description: { type: 'string' }, ...RESOURCE_OPTIONS },
    summary: 'change a token\'s label, description or resources',
    help: `  --label L                  a new label
  --description D            a new description ('' clears it)
  --repo PATH=SCOPE[,SCOPE]  repeatable; --repo, --org-scope and --public-read together REPLACE
  --org-scope SCOPE          the token's whole resource list
  --public-read
  The expiry cannot change after creation (rotate instead).`,
  },
  activate: { args: 'ID', options: {}, summary: 'make a token usable again', help: '' },
  deactivate: { args: 'ID', options: {}, summary: 'make a token unusable (it still counts toward the limit)', help: '' },
  delete: {
    args: 'ID',
    options: { yes: { type: 'boolean', short: 'y' } },
    summary: 'delete a token for good',
    help: `  -y, --yes         do not ask; without it a terminal is asked, and anything else is refused`,
  },
  rotate: {
    args: 'ID',
    options: { retire: { type: 'string' }, ...HANDOVER_OPTIONS },
    summary: 'replace a token by a new one like it; prints the new secret, once, on stdout',
    help: `  --retire MODE     what becomes of the old token: deactivate (default), delete or keep
  The new token has the old one's label, description and resources, and expires as far ahead of
  now as the old one did of its creation (never, if the old one never expires). If the old token
  cannot be retired, the new secret is still printed and the exit status is 1.
${HANDOVER_HELP}
  With --exec or --out the old token is retired only after the secret was handed over.`,
  },
  ...AUDIT_COMMANDS,
};

Object.assign(COMMANDS, PLAN_COMMANDS);

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

const EXIT_HELP = 'Exit status: 0 done, 1 the API or the network failed, 2 wrong usage, 3 audit --fail-on found findings.';

function commandUsage(name) {
  const c = COMMANDS[name];
  const line = `Usage: ${PROG} ${name}${c.args ? ` ${c.args}` : ''} [options]`;
  return `${line}\n\n${c.summary[0].toUpperCase()}${c.summary.slice(1)}.\n${c.help ? `\n${c.help}\n` : ''}\n${COMMON_HELP}\n\n${EXIT_HELP}\n`;
}

function mainUsage() {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => `${n} ${COMMANDS[n].args}`.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${`${n} ${c.args}`.padEnd(width)}  ${c.summary}`);
  return `Usage: ${PROG} <command> [options]

Manage a Docker Hub organization's access tokens.

Commands:
${lines.join('\n')}

Run '${PROG} <command> --help' for a command's options.
Run '${PROG} sandbox [--port N]' for a local Docker Hub to try it on ('${PROG} sandbox --help').

${COMMON_HELP}

${EXIT_HELP}
`;
}

const ALL_OPTIONS = { ...GLOBAL_OPTIONS, version: { type: 'boolean' } };
for (const c of Object.values(COMMANDS)) Object.assign(ALL_OPTIONS, c.options);

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: ALL_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError(err.message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals, tokens } = parsed;
  const [command, ...rest] = positionals;
  if (command !== undefined && command !== 'help' && !Object.hasOwn(COMMANDS, command))
    throw new UsageError(`unknown command '${command}'`);
  if (command && COMMANDS[command]) {
    const allowed = { ...GLOBAL_OPTIONS, ...COMMANDS[command].options };
    for (const t of tokens) {
      if (t.kind === 'option' && !Object.hasOwn(allowed, t.name))
        throw new UsageError(`${command} has no option '${t.rawName}'`);
    }
  }
  return { command, rest, values };
}

// ---------------------------------------------------------------- argument checks

function positiveInt(value, name, max) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || (max && Number(value) > max))
    throw new UsageError(`${name} needs a whole number from 1${max ? ` to ${max}` : ''}, not '${value}'`);
  return Number(value);
}

function oneId(rest, command) {
  if (rest.length === 0) throw new UsageError(`${command} needs the token's ID`);
  if (rest.length > 1) throw new UsageError(`${command} takes one ID, got ${rest.length} arguments`);
  if (rest[0] === '') throw new UsageError('the ID is empty');
  return rest[0];
}

const scopeName = (s) => (s.startsWith('scope-') ? s : `scope-${s}`);

function scopeList(text, what) {
  const scopes = text.split(',').map((s) => s.trim()).filter(Boolean).map(scopeName);
  if (scopes.length === 0) throw new UsageError(`${what} needs at least one scope`);
  return scopes;
}

/** The resources given by --repo, --org-scope and --public-read, or undefined if none was. */
function resourcesFrom(values, org) {
  const repos = values.repo ?? [];
  const orgScopes = values['org-scope'] ?? [];
  if (repos.length === 0 && orgScopes.length === 0 && !values['public-read']) return undefined;
  const resources = repos.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--repo needs PATH=SCOPE[,SCOPE], not '${spec}'`);
    return { type: 'TYPE_REPO', path: spec.slice(0, eq), scopes: scopeList(spec.slice(eq + 1), `--repo ${spec}`) };
  });
  if (values['public-read']) {
    const { type, path, scopes } = SCOPES.PUBLIC_READ;
    resources.push({ type, path, scopes: [...scopes] });
  }
  if (orgScopes.length) {
    const scopes = [...new Set(orgScopes.flatMap((s) => scopeList(s, '--org-scope')))];
    resources.push({ type: 'TYPE_ORG', path: org, scopes });
  }
  return resources;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** --expires: 30d, 12w, 1y, a date, a date-time, or never. @returns {string|null} */
export function parseExpires(text, now = Date.now()) {
  if (/^(never|none)$/i.test(text)) return null;
  const rel = /^(\d+)([dwy])$/i.exec(text);
  if (rel) {
    const n = Number(rel[1]);
    const days = n * { d: 1, w: 7, y: 365 }[rel[2].toLowerCase()];
    if (days < 1) throw new UsageError(`--expires ${text} is not in the future`);
    return new Date(now + days * DAY_MS).toISOString();
  }
  let ms = NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
  else if (RFC3339.test(text)) ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(`--expires needs 30d, 12w, 1y, a date (2027-01-31), a date-time or never, not '${text}'`);
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------- credentials

async function readStdin(stdin) {
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** Reads a line from a terminal without echoing it. */
function promptHidden(io, question) {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    stderr.write(question);
    let value = '';
    const done = (err) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new UsageError('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

function askLine(io, question) {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}

async function clientOptions(values, io) {
  const env = io.env;
  const baseUrl = values['base-url'] ?? env.DOCKERHUB_BASE_URL ?? 'https://hub.docker.com';
  const options = { baseUrl };
  if (values.secret !== undefined && !values['i-know-this-leaks-to-shell-history'])
    throw new UsageError('refusing --secret: a secret on the command line lands in your shell history and the '
      + 'process list. Use DOCKERHUB_SECRET or --secret-stdin (or add --i-know-this-leaks-to-shell-history)');
  if (values.secret !== undefined && values['secret-stdin'])
    throw new UsageError('give --secret or --secret-stdin, not both');
  const identifier = values.identifier ?? (env.DOCKERHUB_TOKEN && !values['secret-stdin'] && values.secret === undefined
    ? undefined : env.DOCKERHUB_IDENTIFIER);
  if (identifier === undefined) {
    if (values['secret-stdin'] || values.secret !== undefined)
      throw new UsageError('a secret needs an identifier: --identifier or DOCKERHUB_IDENTIFIER');
    if (env.DOCKERHUB_TOKEN) return { ...options, token: env.DOCKERHUB_TOKEN };
    throw new UsageError('no credentials: set DOCKERHUB_IDENTIFIER and DOCKERHUB_SECRET, or DOCKERHUB_TOKEN, '
      + 'or give --identifier (the secret is then read from DOCKERHUB_SECRET, --secret-stdin or a prompt)');
  }
  if (identifier === '') throw new UsageError('the identifier is empty');
  let secret;
  if (values['secret-stdin']) secret = await readStdin(io.stdin);
  else if (values.secret !== undefined) secret = values.secret;
  else if (env.DOCKERHUB_SECRET) secret = env.DOCKERHUB_SECRET;
  else if (io.stdin.isTTY) secret = await promptHidden(io, `Secret for ${identifier}: `);
  else throw new UsageError(`no secret for ${identifier}: set DOCKERHUB_SECRET or use --secret-stdin`);
  if (!secret) throw new UsageError('the secret is empty');
  return { ...options, credentials: { identifier, secret } };
}

// ---------------------------------------------------------------- output

const ms = (s) => (typeof s === 'string' ? Date.parse(s.replace(/(\.\d{3})\d+/, '$1')) : NaN);

function when(s, none) {
  if (s == null) return none;
  const t = ms(s);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}Z` : String(s);
}

function status(t, now = Date.now()) {
  if (!t.is_active) return 'inactive';
  if (t.expires_at != null && ms(t.expires_at) <= now) return 'expired';
  return 'active';
}

/** Server text made safe for a terminal: control characters (ESC, CR, C1 ...) shown as \xNN, so a
 * label cannot move the cursor, rewrite a line of the audit, or set the clipboard (OSC 52). */
const printable = (v) => String(v).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g,
  (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

function table(rows) {
  rows = rows.map((r) => r.map(printable));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function listTable(tokens) {
  const rows = [['ID', 'LABEL', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED']];
  for (const t of tokens) {
    rows.push([t.id, t.label, status(t), when(t.created_at, '-'), when(t.expires_at, 'never'), when(t.last_used_at, 'never')]);
  }
  return table(rows);
}

function detail(t) {
  const rows = [
    ['id', t.id],
    ['label', t.label],
    ['description', t.description || '-'],
    ['status', status(t)],
    ['created', `${when(t.created_at, '-')}${t.created_by ? ` by ${t.created_by}` : ''}`],
    ['expires', when(t.expires_at, 'never')],
    ['last used', when(t.last_used_at, 'never')],
  ];
  const resources = t.resources ?? [];
  if (resources.length === 0) rows.push(['resources', '-']);
  const pathWidth = Math.max(0, ...resources.map((r) => r.path.length));
  resources.forEach((r, i) => {
    rows.push([i === 0 ? 'resources' : '', `${r.type.padEnd(9)}  ${r.path.padEnd(pathWidth)}  ${r.scopes.join(', ')}`]);
  });
  return table(rows);
}

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
const named = (t) => printable(`${t.label} (${t.id})`);

function errorLine(err) {
  let text = `error: ${err.code}: ${printable(err.message)}\n`;
  if (err.fields && typeof err.fields === 'object') {
    for (const [field, problems] of Object.entries(err.fields)) {
      for (const p of [].concat(problems)) {
        const line = `${field}: ${typeof p === 'string' ? p : JSON.stringify(p)}`;
        if (!err.message.includes(line)) text += `  ${line}\n`; // often the message already lists them
      }
    }
  }
  if (err.retryAfter !== undefined) text += `  retry after ${err.retryAfter} s\n`;
  return text;
}

// ---------------------------------------------------------------- commands

const RETIRE_MODES = ['deactivate', 'delete', 'keep'];

async function run(command, rest, values, hub, org, io) {
  const out = (s) => { io.stdout.write(s); };
  const say = (s) => { io.stderr.write(`${s}\n`); };
  switch (command) {
    case 'list': {
      if (rest.length) throw new UsageError('list takes no arguments');
      if (values.all && values.page !== undefined) throw new UsageError('give --all or --page, not both');
      const pageSize = positiveInt(values['page-size'], '--page-size', 100);
      if (values.all) {
        const tokens = [];
        for await (const t of hub.listAllAccessTokens(org, pageSize ? { pageSize } : undefined)) tokens.push(t);
        // The shape of one page, so a script reads both the same way.
        if (values.json) return out(json({ total: tokens.length, next: null, previous: null, results: tokens }));
        if (tokens.length) out(listTable(tokens));
        return say(`${tokens.length} token${tokens.length === 1 ? '' : 's'} in ${org}`);
      }
      const page = positiveInt(values.page, '--page') ?? 1;
      const result = await hub.listAccessTokens(org, { page, pageSize: pageSize ?? 10 });
      if (values.json) return out(json(result));
      if (result.results.length) out(listTable(result.results));
      const pages = Math.max(1, Math.ceil(result.total / (pageSize ?? 10)));
      return say(`${result.total} token${result.total === 1 ? '' : 's'} in ${org}; page ${page} of ${pages}`
        + `${result.next ? ` (next: --page ${page + 1})` : ''}`);
    }
    case 'get': {
      const t = await hub.getAccessToken(org, oneId(rest, command));
      return out(values.json ? json(t) : detail(t));
    }
    case 'create': {
      if (rest.length) throw new UsageError('create takes no arguments (give the label with --label)');
      if (values.label === undefined || values.label.trim() === '') throw new UsageError('create needs --label');
      const request = { label: values.label };
      if (values.description !== undefined) request.description = values.description;
      const resources = resourcesFrom(values, org);
      if (resources) request.resources = resources;
      if (values.expires !== undefined) request.expires_at = parseExpires(values.expires);
      const handover = planHandover(values, UsageError);
      const t = await hub.createAccessToken(org, request);
      if (handover) return finishCreate({ token: t, plan: handover, io, org, values, json });
      say(`Created token ${named(t)} in ${org}, expires ${when(t.expires_at, 'never')}.`);
      say('The secret below is shown once: store it now.');
      return out(values.json ? json(t) : `${t.token}\n`);
    }
    case 'update': {
      const id = oneId(rest, command);
      const request = {};
      if (values.label !== undefined) {
        if (values.label.trim() === '') throw new UsageError('--label may not be empty');
        request.label = values.label;
      }
      if (values.description !== undefined) request.description = values.description;
      const resources = resourcesFrom(values, org);
      if (resources) request.resources = resources;
      if (Object.keys(request).length === 0)
        throw new UsageError('update needs --label, --description, --repo, --org-scope or --public-read');
      const t = await hub.updateAccessToken(org, id, request);
      say(`Updated token ${named(t)}.`);
      return out(values.json ? json(t) : detail(t));
    }
    case 'activate':
    case 'deactivate': {
      const t = await hub.updateAccessToken(org, oneId(rest, command), { is_active: command === 'activate' });
      return out(values.json ? json(t) : `${command === 'activate' ? 'Activated' : 'Deactivated'} token ${named(t)}.\n`);
    }
    case 'delete': {
      const id = oneId(rest, command);
      if (!values.yes) {
        if (!io.stdin.isTTY) throw new UsageError('refusing to delete without --yes: stdin is not a terminal to ask');
        const t = await hub.getAccessToken(org, id);
        const answer = await askLine(io, `Delete token ${named(t)} from ${org}? This cannot be undone. [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) {
          say('Not deleted.');
          return 1;
        }
      }
      await hub.deleteAccessToken(org, id);
      return out(values.json ? json({ id, deleted: true }) : `Deleted token ${id}.\n`);
    }
    case 'rotate': {
      const id = oneId(rest, command);
      const retire = values.retire ?? 'deactivate';
      if (!RETIRE_MODES.includes(retire)) throw new UsageError(`--retire needs deactivate, delete or keep, not '${retire}'`);
      const plan = planHandover(values, UsageError);
      if (plan) return rotateWithHandover({ hub, org, id, retire, plan, io, values, json, rotate: rotateAccessToken, errorLine });
      const { token, retired, retireError } = await rotateAccessToken(hub, org, id, { retire });
      say(`Created token ${named(token)} in ${org}, expires ${when(token.expires_at, 'never')}.`);
      say('The secret below is shown once: store it now.');
      if (retired) say(`${retire === 'delete' ? 'Deleted' : 'Deactivated'} the old token ${id}.`);
      else if (!retireError) say(`Kept the old token ${id} as it was.`);
      if (values.json) {
        const e = retireError && { code: retireError.code, status: retireError.status, message: retireError.message };
        out(json({ token, retired, retireError: e }));
      } else {
        out(`${token.token}\n`);
      }
      if (retireError) {
        io.stderr.write(errorLine(retireError).replace(/^error: (\S+): /, `error: $1: could not ${retire} the old token ${id}: `));
        say(`The new token is valid. Retry with: ${PROG} ${retire} ${id}${retire === 'delete' ? ' --yes' : ''}`);
        return 1;
      }
      return 0;
    }
    default:
      if (Object.hasOwn(PLAN_COMMANDS, command)) return runPlanCommand(command, rest, values, hub, org, io, { UsageError, askLine });
      if (COMMANDS[command]?.run) return COMMANDS[command].run({ rest, values, hub, org, io, ctx: { UsageError, table, json, errorLine, io } });
      throw new UsageError(`unknown command '${command}'`);
  }
}

// ---------------------------------------------------------------- main

const wantsJson = (argv) => argv.includes('--json');

/** With --json, a failure is one JSON document on stderr: { error: { code, status, message, ... } }. */
function jsonError(err, io) {
  let error;
  let status = 1;
  if (err instanceof UsageError) {
    error = { code: 'usage', message: err.message };
    status = 2;
  } else if (err instanceof DockerHubError) {
    const { headers, ...rest } = err.toJSON();
    error = rest;
    if (err.code === 'invalid_argument') status = 2;
  } else {
    error = { code: 'internal', message: String(err?.message ?? err) };
  }
  io.stderr.write(json({ error }));
  return status;
}

/**
 * Runs the CLI. @returns {Promise<number>} the exit status
 * @param {string[]} argv the arguments after the script
 * @param {{ stdin, stdout, stderr, env }} io
 */
export async function main(argv, io) {
  let hub;
  let command;
  try {
    const parsed = parse(argv);
    command = parsed.command;
    const { rest, values } = parsed;
    if (values.version && !command) {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic !== undefined && !Object.hasOwn(COMMANDS, topic)) throw new UsageError(`unknown command '${topic}'`);
      io.stdout.write(topic ? commandUsage(topic) : mainUsage());
      return 0;
    }
    if (values.help) {
      io.stdout.write(command ? commandUsage(command) : mainUsage());
      return 0;
    }
    if (!command) {
      io.stderr.write(mainUsage());
      return 2;
    }
    if (values.version) throw new UsageError('--version takes no command');
    const org = values.org ?? io.env.DOCKERHUB_ORG;
    if (!org) throw new UsageError('no organization: give --org or set DOCKERHUB_ORG');
    const options = await clientOptions(values, io);
    hub = await createClient(options);
    const status = await run(command, rest, values, hub, org, io);
    return typeof status === 'number' ? status : 0;
  } catch (err) {
    if (wantsJson(argv)) return jsonError(err, io);
    if (err instanceof UsageError) {
      io.stderr.write(`${PROG}: ${err.message}\nRun '${PROG} ${command && COMMANDS[command] ? `${command} ` : ''}--help' for usage.\n`);
      return 2;
    }
    if (err instanceof DockerHubError) {
      io.stderr.write(errorLine(err));
      return err.code === 'invalid_argument' ? 2 : 1;
    }
    io.stderr.write(`error: internal: ${err?.message ?? err}\n`);
    return 1;
  } finally {
    hub?.close();
  }
}

const isMain = (() => {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
})();

if (isMain && process.argv[2] === 'sandbox') {
  // `dockerhub-oat sandbox [options]`: the sandbox's own command line, from the installed package.
  process.argv.splice(2, 1);
  await import('../web/sandbox/cli.js');
} else if (isMain) {
  const code = await main(process.argv.slice(2), {
    stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env,
  });
  process.exitCode = code;
}
