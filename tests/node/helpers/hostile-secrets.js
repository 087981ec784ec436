// Collecting every piece of text a user of the client could see (errors in every form, console
// output, log lines) and looking for secrets in it. For tests/node/secrets.test.js.
import util from 'node:util';
import { rejectionOf } from './hub.js';

/** Any JWT-shaped string: three base64url parts, the first a JSON object's start. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;
/** Docker's token formats: organization access tokens and personal access tokens. */
export const DOCKER_TOKEN_PATTERN = /dckr_(oat|pat)_[A-Za-z0-9_-]{6,}/;
/** A run of this many characters of a secret counts as the secret. */
export const RUN = 8;

/**
 * The runs of `secret` that count: every RUN-character window, except those that lie inside a
 * public prefix (dckr_pat_, dckr_oat_) alone; a secret shorter than RUN counts whole.
 * @param {string} secret
 */
export function secretRuns(secret) {
  if (secret.length < RUN) return [secret];
  const pub = /^dckr_(oat|pat)_./.test(secret) ? 9 : 0;
  const runs = [];
  for (let k = 0; k + RUN <= secret.length; k++) if (k + RUN > pub) runs.push(secret.slice(k, k + RUN));
  return runs;
}

/** The first run of any of `secrets` that `text` holds, or null. */
export function findRun(text, secrets) {
  for (const s of secrets) for (const run of secretRuns(s)) if (text.includes(run)) return { secret: s, run };
  return null;
}

export class TextCollector {
  constructor() {
    /** @type {{ where: string, text: string }[]} */
    this.items = [];
    /** Secrets to look for (any run of RUN characters of one); grows as the scenario learns them. */
    this.secrets = new Set();
    this.consoleRestore = null;
  }

  add(where, text) {
    if (text === undefined || text === null) return;
    this.items.push({ where, text: String(text) });
  }

  /** Every form in which an error reaches a user: message, String(), JSON, stack, inspect. */
  addError(where, err) {
    this.add(`${where}: message`, err?.message);
    this.add(`${where}: String(err)`, String(err));
    this.add(`${where}: JSON.stringify(err)`, JSON.stringify(err));
    this.add(`${where}: err.stack`, err?.stack);
    this.add(`${where}: util.inspect(err)`, util.inspect(err, { depth: 10, showHidden: true }));
    for (const key of ['detail', 'text', 'errinfo', 'fields', 'headers']) {
      if (err?.[key] !== undefined) this.add(`${where}: err.${key}`, JSON.stringify(err[key]));
    }
  }

  secret(value) {
    if (typeof value === 'string' && value.length >= 6) this.secrets.add(value);
  }

  /** Replaces console's methods with recorders (nothing is printed) until restoreConsole(). */
  captureConsole() {
    const saved = {};
    for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
      saved[name] = console[name];
      console[name] = (...args) => this.add(`console.${name}`, util.format(...args));
    }
    this.consoleRestore = () => Object.assign(console, saved);
  }

  restoreConsole() {
    this.consoleRestore?.();
    this.consoleRestore = null;
  }

  /** Where each secret (or secret-shaped string) shows up: [] when nothing leaked. */
  findings(items = this.items) {
    const out = [];
    for (const { where, text } of items) {
      const hit = findRun(text, this.secrets);
      if (hit) out.push(`${where} holds ${JSON.stringify(hit.run)} of the secret ${JSON.stringify(hit.secret)}: ${text.slice(0, 300)}`);
      const jwt = JWT_PATTERN.exec(text);
      if (jwt) out.push(`${where} holds a JWT ${jwt[0]}`);
      const tok = DOCKER_TOKEN_PATTERN.exec(text);
      if (tok) out.push(`${where} holds a Docker token ${tok[0]}`);
    }
    return out;
  }
}

/** Catches the rejection of `promise`, records it, and returns the error (fails if it resolved). */
export async function rejection(collector, where, promise) {
  const err = await rejectionOf(promise, where);
  collector.addError(where, err);
  return err;
}
