// Reading what the C core delivers (the envelope of bindings/boundary.js): the header block, and
// an error in the JS user's words.
import { DockerHubError } from './errors.js';
import { inJsWords } from './words.js';

/** The "name:value\n" lines of a delivered answer as an object; a repeated name joins its
 * values with ", ", as fetch's Headers do. */
export function parseHeaders(text) {
  const out = {};
  for (let at = 0; at < text.length;) {
    const colon = text.indexOf(':', at);
    const eol = text.indexOf('\n', colon);
    const name = text.slice(at, colon);
    const value = text.slice(colon + 1, eol);
    if (Object.hasOwn(out, name)) out[name] += `, ${value}`;
    // `out.__proto__ = v` would set the prototype: that one name is defined, as JSON.parse would.
    else if (name === '__proto__')
      Object.defineProperty(out, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    else out[name] = value;
    at = eol + 1;
  }
  return out;
}

function parseOrUndefined(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const UNREACHED = new Set(['network', 'timeout']);

/**
 * What the host's fetch() rejected with, as a chain of plain Errors keeping each one's name,
 * message, code and stack (and its cause, an AggregateError's errors) and nothing else: a host's
 * error may hold the raw bytes of a reply it could not parse (undici's HTTPParserError.data, the
 * bytes after the break), where a hostile server can put a secret.
 */
function hostCause(err, depth = 0) {
  if (err === null || typeof err !== 'object' || depth > 4) return undefined;
  const copy = new Error(String(err.message ?? ''));
  const keep = (key, value) =>
    Object.defineProperty(copy, key, { value, writable: true, configurable: true });
  keep('name', String(err.name ?? 'Error'));
  keep('stack', typeof err.stack === 'string' ? err.stack : `${copy.name}: ${copy.message}`);
  if (err.code !== undefined) copy.code = err.code;
  if (err.cause !== undefined) keep('cause', hostCause(err.cause, depth + 1));
  if (Array.isArray(err.errors))
    keep(
      'errors',
      err.errors.map((e) => hostCause(e, depth + 1)),
    );
  return copy;
}

/**
 * A delivered error as a DockerHubError; the core's own sentences (no status) in JS's words, a
 * network failure or a timeout naming the server (`where`: "http://127.0.0.1:4010").
 */
export function toError({ status, maybeCreated, headers, error, cause, where }) {
  const { code, errinfo, fields, retryAfter, ...words } = error;
  let message = status ? words.message : inJsWords(words.message);
  if (!status && where && UNREACHED.has(code))
    message = message.replace('Docker Hub', `Docker Hub at ${where}`);
  const extra = { detail: words.detail, text: words.text, status };
  if (retryAfter >= 0) extra.retryAfter = retryAfter;
  if (maybeCreated) extra.maybeCreated = true;
  if (code === 'network' && cause !== undefined) extra.cause = hostCause(cause);
  if (status) extra.headers = headers;
  // The server's own text, which cJSON read: JSON.parse is stricter (01, 1., raw control
  // characters), and such an object is left out rather than thrown as a SyntaxError.
  if (errinfo !== undefined) extra.errinfo = parseOrUndefined(errinfo);
  if (fields !== undefined) extra.fields = parseOrUndefined(fields);
  return new DockerHubError(code, message, extra);
}

export function parseRateLimit(headers) {
  const limit = headers['x-ratelimit-limit'];
  const remaining = headers['x-ratelimit-remaining'];
  const reset = headers['x-ratelimit-reset'];
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const num = (v) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return { limit: num(limit), remaining: num(remaining), reset: num(reset) };
}
