// The CLI's output layer: tables and dates for people, JSON for scripts, and the error lines.
// Every command writes through these, so one token, one date and one error read the same anywhere.

import { DockerHubError } from '../errors.js';
import { parseTime } from '../time.js';
import { tokenStatus } from '../token-status.js';
import { UsageError } from './args.js';
import { jsonDocument as json, printable, quoted } from '../text.js';

export const PROG = 'dockerhub-oat';

/** JSON for scripts, which a terminal may show too, and one field of terminal text: the one
 * escaping of file and server text (bindings/text.js says what is escaped and why). */
export { json, printable, quoted };

/**
 * The flags that named the org, the server and the account on this command line, to carry into a
 * command the CLI prints as advice: printed without them, it would reach another org, or
 * hub.docker.com, when they came as flags rather than from the environment.
 */
export function contextFlags(values) {
  const flags = [];
  for (const name of ['org', 'base-url', 'identifier'])
    if (values[name] !== undefined) flags.push(`--${name}`, values[name]);
  return flags;
}

export const named = (t) => printable(`${t.label} (${t.id})`);
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A line on stderr: what the CLI says beside its output. */
export const say = (io, s) => {
  io.stderr.write(`${printable(s)}\n`);
};

/** A date-time to the minute, "2027-01-31 00:00Z"; `none` where there is none. */
export function when(s, none) {
  if (s == null) return none;
  const t = parseTime(s);
  return Number.isFinite(t)
    ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}Z`
    : String(s);
}

/** The widest a cell but the last of a row may be: a label of 300 characters would stretch every line. */
export const CELL_WIDTH = 40;

/** `text` cut to `width` characters, its end shown as "…" (--json has it in full). A retired
 * label (LABEL~retired~...) is cut in its LABEL part instead, so it never reads as the live token
 * LABEL nor as another retired one: its ~retired~ and dates stay. */
export function cut(text, width = CELL_WIDTH) {
  const chars = [...text]; // by code point: an emoji is never split in two
  if (chars.length <= width) return text;
  const at = text.indexOf('~retired~');
  if (at > 0) {
    const tail = [...text.slice(at)];
    if (tail.length >= width - 1) return `…${tail.slice(tail.length - (width - 1)).join('')}`;
    return `${[...text.slice(0, at)].slice(0, width - 1 - tail.length).join('')}…${tail.join('')}`;
  }
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** Columns padded to their widest cell, each but the last cut to CELL_WIDTH; the last one is not padded. */
export function table(rows) {
  rows = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? printable(c) : cut(printable(c)))));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return (
    rows
      .map((r) =>
        r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  '),
      )
      .join('\n') + '\n'
  );
}

/** A token a row, its status first: every line starts with a word of ours, never the server's text
 * (a label "::add-mask::..." at a line's start is a GitHub Actions command in a CI log). */
export function listTable(tokens) {
  const rows = [['STATUS', 'ID', 'LABEL', 'CREATED', 'EXPIRES', 'LAST USED']];
  for (const t of tokens) {
    rows.push([
      tokenStatus(t),
      t.id,
      t.label,
      when(t.created_at, '-'),
      when(t.expires_at, 'never'),
      when(t.last_used_at, 'never'),
    ]);
  }
  return table(rows);
}

/** One token, a field a line, its resources last. */
export function detail(t) {
  const rows = [
    ['id', t.id],
    ['label', t.label],
    ['description', t.description || '-'],
    ['status', tokenStatus(t)],
    ['created', `${when(t.created_at, '-')}${t.created_by ? ` by ${t.created_by}` : ''}`],
    ['expires', when(t.expires_at, 'never')],
    ['last used', when(t.last_used_at, 'never')],
  ];
  const resources = t.resources ?? [];
  if (resources.length === 0) rows.push(['resources', '-']);
  const pathWidth = Math.max(0, ...resources.map((r) => printable(r.path).length));
  resources.forEach((r, i) => {
    rows.push([
      i === 0 ? 'resources' : '',
      `${printable(r.type).padEnd(9)}  ${printable(r.path).padEnd(pathWidth)}  ${printable(r.scopes.join(', '))}`,
    ]);
  });
  return table(rows);
}

/** `error: CODE: MESSAGE`, then the fields and the retry hint the message does not say already. */
export function errorLine(err) {
  let text = `error: ${err.code}: ${printable(err.message)}\n`;
  if (err.fields && typeof err.fields === 'object') {
    for (const [field, problems] of Object.entries(err.fields)) {
      for (const p of [].concat(problems)) {
        const line = `${field}: ${typeof p === 'string' ? p : JSON.stringify(p)}`;
        if (!err.message.includes(line)) text += `  - ${printable(line)}\n`; // often the message already lists them; a dash of ours starts the line
      }
    }
  }
  if (err.retryAfter !== undefined) text += `  retry after ${err.retryAfter} s\n`;
  return text;
}

/** errorLine, with what could not be done put before the message. */
export const errorDoing = (err, what) =>
  errorLine(err).replace(
    /^error: (\S+): /,
    (_, code) => `error: ${code}: could not ${printable(what)}: `,
  );

/** { code, status, message } of an error, for a --json document. */
export const errorBrief = (err) =>
  err && { code: err.code, status: err.status, message: err.message };

/** Every failure, wrong usage included, exits 1 (2 is plan's "there are changes"). */
export const EXIT_FAILURE = 1;
export const failureStatus = () => EXIT_FAILURE;

/** With --json, a failure is one JSON document on stderr: { error: { code, status, message, ... } }. */
export function jsonError(err, io) {
  let error;
  if (err instanceof UsageError) {
    error = { code: 'usage', message: err.message };
  } else if (err instanceof DockerHubError) {
    const { headers: _headers, ...rest } = err.toJSON();
    error = rest;
  } else {
    error = { code: 'internal', message: String(err?.message ?? err) };
  }
  io.stderr.write(json({ error }));
  return EXIT_FAILURE;
}
