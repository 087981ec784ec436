// DockerHubError: the one error every failure of the package rejects with.

/** @type {readonly string[]} */
export const ERROR_CODES = Object.freeze([
  'invalid_argument',
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'server_error',
  'unexpected_status',
  'invalid_response',
  'network',
  'timeout',
  'aborted',
  'closed',
  'handover_failed',
]);

const OPTIONAL_FIELDS = [
  'detail',
  'errinfo',
  'fields',
  'text',
  'retryAfter',
  'maybeCreated',
  'ids',
  'headers',
];

export class DockerHubError extends Error {
  /**
   * @param {string} code one of ERROR_CODES
   * @param {string} message a human sentence; never a secret
   * @param {{status?: number, detail?: string, errinfo?: object, fields?: object, text?: string,
   *          retryAfter?: number, maybeCreated?: boolean, ids?: string[], headers?: Record<string, string>,
   *          cause?: unknown}} [extra] `cause`: what the host rejected with, for `network`
   */
  constructor(code, message, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'DockerHubError';
    this.code = code;
    this.status = extra.status ?? 0;
    for (const key of OPTIONAL_FIELDS) {
      if (extra[key] !== undefined) this[key] = extra[key];
    }
  }

  toJSON() {
    const out = { name: this.name, code: this.code, status: this.status, message: this.message };
    for (const key of OPTIONAL_FIELDS) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** @param {string} message */
export function invalidArgument(message) {
  return new DockerHubError('invalid_argument', message);
}

/** Is `text` changed by `redact`: does it hold a run of a secret? */
function holds(text, redact) {
  return typeof text === 'string' && text !== '' && redact(text) !== text;
}

/**
 * `err` with every run of a secret in its text replaced by "[redacted]" (and errinfo/fields, a
 * header or another field left out where it holds one); `err` itself where nothing was found.
 * `redact(text)` is the core's one redactor (src/core/redact.c, through bindings/boundary.js): the C
 * core redacts what a server sends already; this is for errors the JS makes around a secret it
 * holds (rotate.js, plan.js: scrubFor in client.js).
 * @param {unknown} err
 * @param {(text: string) => string} redact
 */
export function scrubSecrets(err, redact) {
  if (!(err instanceof DockerHubError)) return err;
  const has = (t) => holds(t, redact);
  const json = (v) => JSON.stringify(v ?? {});
  const dirty =
    [err.message, err.detail, err.text].some(has) ||
    has(json(err.headers)) ||
    has(json(err.errinfo)) ||
    has(json(err.fields));
  if (!dirty) return err;
  const extra = {};
  for (const key of OPTIONAL_FIELDS) if (err[key] !== undefined) extra[key] = err[key];
  for (const key of ['detail', 'text'])
    if (typeof extra[key] === 'string') extra[key] = redact(extra[key]);
  for (const key of ['errinfo', 'fields']) if (has(json(extra[key]))) delete extra[key];
  if (extra.headers) {
    extra.headers = Object.fromEntries(
      Object.entries(extra.headers)
        .filter(([name]) => !has(name))
        .map(([name, v]) => [name, redact(String(v))]),
    );
  }
  const clean = new DockerHubError(err.code, redact(err.message), {
    ...extra,
    status: err.status,
    cause: err.cause,
  });
  for (const key of Object.keys(err))
    if (!(key in clean) && !has(JSON.stringify(err[key]) ?? '')) clean[key] = err[key];
  return clean;
}
