// The CLI's argument layer: the command line parsed against the commands' options, and the checks
// of the values that several commands take. A wrong argument is a UsageError (exit 2), raised
// before any request.

import { parseArgs } from 'node:util';
import { SCOPES } from '../index.node.js';
import { closestScopes, ORG_SCOPES, REPO_SCOPES } from '../scopes.js';
import { DAY_MS } from '../time.js';

export class UsageError extends Error {
  /** @param {string} message @param {string} [command] the command it is about, for its --help */
  constructor(message, command) {
    super(message);
    if (command !== undefined) this.command = command;
  }
}

export const GLOBAL_OPTIONS = {
  org: { type: 'string' },
  'base-url': { type: 'string' },
  identifier: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  secret: { type: 'string' },
  'i-know-this-leaks-to-shell-history': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const RESOURCE_OPTIONS = {
  repo: { type: 'string', multiple: true },
  'org-scope': { type: 'string', multiple: true },
  'public-read': { type: 'boolean' },
};

/** -y, --yes, for the commands that ask before they change anything. */
export const YES_OPTION = { yes: { type: 'boolean', short: 'y' } };

/** Refuses an option that another command has but this one does not. */
function checkOwnOptions(command, tokens, commands) {
  const allowed = { ...GLOBAL_OPTIONS, ...commands[command].options };
  for (const t of tokens) {
    if (t.kind === 'option' && !Object.hasOwn(allowed, t.name))
      throw new UsageError(`${command} has no option '${t.rawName}'`);
  }
}

/**
 * Parses argv against every command's options, then refuses options the command does not have.
 * @returns {{ command: string | undefined, rest: string[], values: object }}
 */
export function parse(argv, commands) {
  const options = { ...GLOBAL_OPTIONS, version: { type: 'boolean' } };
  for (const c of Object.values(commands)) Object.assign(options, c.options);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    // The command is still known, so the hint is its own --help, not the list of commands.
    const named = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: false,
    }).positionals.find((word) => Object.hasOwn(commands, word));
    throw new UsageError(err.message.replace(/\. To specify a positional argument.*$/s, ''), named);
  }
  const { values, positionals, tokens } = parsed;
  const [command, ...rest] = positionals;
  if (command !== undefined && command !== 'help' && !Object.hasOwn(commands, command))
    throw new UsageError(`unknown command '${command}'`);
  if (command && commands[command]) checkOwnOptions(command, tokens, commands);
  return { command, rest, values };
}

export function positiveInt(value, name, max) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || (max && Number(value) > max))
    throw new UsageError(
      `${name} needs a whole number from 1${max ? ` to ${max}` : ''}, not '${value}'`,
    );
  return Number(value);
}

export function noArgs(rest, command, hint = '') {
  if (rest.length) throw new UsageError(`${command} takes no arguments${hint}`);
}

const scopeName = (s) => (s.startsWith('scope-') ? s : `scope-${s}`);
const shown = (s) => s.replace(/^scope-/, '');

/** Refuses a scope the catalogue does not have for this resource type, saying which one was meant. */
function checkScope(typed, scope, known, what) {
  if (known.includes(scope)) return scope;
  const repo = known === REPO_SCOPES;
  let hint = '';
  if ((repo ? ORG_SCOPES : REPO_SCOPES).includes(scope)) {
    hint = repo
      ? `: ${shown(scope)} is an organization scope (--org-scope ${shown(scope)})`
      : `: ${shown(scope)} is a repository scope (--repo PATH=${shown(scope)})`;
  } else {
    const near = closestScopes(typed, known);
    if (near.length) hint = `; did you mean ${near.map(shown).join(' or ')}?`;
  }
  throw new UsageError(
    `${what}: unknown ${repo ? 'repository' : 'organization'} scope ${JSON.stringify(typed)}${hint} ` +
      "('dockerhub-oat scopes' lists every scope)",
  );
}

function scopeList(text, what, known) {
  const typed = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (typed.length === 0) throw new UsageError(`${what} needs at least one scope`);
  return typed.map((s) => checkScope(s, scopeName(s), known, what));
}

function repoResource(spec) {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--repo needs PATH=SCOPE[,SCOPE], not '${spec}'`);
  return {
    type: 'TYPE_REPO',
    path: spec.slice(0, eq),
    scopes: scopeList(spec.slice(eq + 1), `--repo ${spec}`, REPO_SCOPES),
  };
}

/** The resources given by --repo, --org-scope and --public-read, or undefined if none was. */
export function resourcesFrom(values, org) {
  const repos = values.repo ?? [];
  const orgScopes = values['org-scope'] ?? [];
  if (repos.length === 0 && orgScopes.length === 0 && !values['public-read']) return undefined;
  const resources = repos.map(repoResource);
  if (values['public-read']) {
    const { type, path, scopes } = SCOPES.PUBLIC_READ;
    resources.push({ type, path, scopes: [...scopes] });
  }
  if (orgScopes.length) {
    const scopes = [...new Set(orgScopes.flatMap((s) => scopeList(s, '--org-scope', ORG_SCOPES)))];
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
    const days = Number(rel[1]) * { d: 1, w: 7, y: 365 }[rel[2].toLowerCase()];
    if (days < 1) throw new UsageError(`--expires ${text} is not in the future`);
    return new Date(now + days * DAY_MS).toISOString();
  }
  let ms = NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
  else if (RFC3339.test(text)) ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(
      `--expires needs 30d, 12w, 1y, a date (2027-01-31), a date-time or never, not '${text}'`,
    );
  return new Date(ms).toISOString();
}

/** 90d, 12w or 90 (days) to a whole number of days (audit and prune). */
export function daysArg(text, name) {
  const m = /^(\d+)([dw]?)$/i.exec(text ?? '');
  const n = m ? Number(m[1]) * (m[2].toLowerCase() === 'w' ? 7 : 1) : NaN;
  if (!(n >= 1 && n <= 36500))
    throw new UsageError(`${name} needs a number of days such as 90d or 12w, not '${text}'`);
  return n;
}
