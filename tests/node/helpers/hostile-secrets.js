// Collecting every piece of text a user of the client could see (errors in every form, console
// output, log lines) and looking for secrets in it. For tests/node/secrets.test.js.
import util from 'node:util';

/** Any JWT-shaped string: three base64url parts, the first a JSON object's start. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;
/** Docker's token formats: organization access tokens and personal access tokens. */
export const DOCKER_TOKEN_PATTERN = /dckr_(oat|pat)_[A-Za-z0-9_-]{6,}/;

export class TextCollector {
  constructor() {
    /** @type {{ where: string, text: string }[]} */
    this.items = [];
    /** Exact secrets to look for; grows as the scenario learns them. */
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
      for (const s of this.secrets) if (text.includes(s)) out.push(`${where} holds the secret ${JSON.stringify(s)}: ${text.slice(0, 300)}`);
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
  let value;
  try {
    value = await promise;
  } catch (err) {
    collector.addError(where, err);
    return err;
  }
  throw new Error(`${where}: expected a rejection, got ${util.inspect(value, { depth: 1 }).slice(0, 200)}`);
}
