// DockerHubError: the one error every failure of the package rejects with.

/** @type {readonly string[]} */
export const ERROR_CODES = Object.freeze([
  'invalid_argument', 'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict',
  'rate_limited', 'server_error', 'unexpected_status', 'invalid_response', 'network', 'timeout',
  'aborted', 'closed', 'handover_failed',
]);

const OPTIONAL_FIELDS = ['detail', 'errinfo', 'fields', 'text', 'retryAfter', 'maybeCreated', 'ids', 'headers'];

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

// The C core scrubs the client's own secrets (password, PAT, JWT) out of what a server echoes; a
// token created on this client is not among them (the core does not keep it), so a later call's
// error that echoes it is scrubbed here, by the same rule: any run of 8 of its characters, the
// public dckr_oat_/dckr_pat_ prefix alone excepted. The client remembers its created secrets as
// keyed fingerprints only (fingerprints.js); rotate and apply also scrub the one they hold.
const RUN = 8;

/** @param {string} text @param {{ has(run: string): boolean }} runs */
function scrubText(text, runs) {
  let out = '';
  let covered = 0;
  let inRun = false;
  for (let k = 0; k < text.length; k++) {
    if (runs.has(text.slice(k, k + RUN))) covered = k + RUN;
    if (k < covered) {
      if (!inRun) out += '[redacted]';
      inRun = true;
    } else {
      inRun = false;
      out += text[k];
    }
  }
  return out;
}

function holdsRun(text, runs) {
  if (typeof text !== 'string') return false;
  for (let k = 0; k + RUN <= text.length; k++) if (runs.has(text.slice(k, k + RUN))) return true;
  return false;
}

/**
 * `err` with every run of 8 characters of `secrets` in its text replaced by "[redacted]" (and
 * errinfo/fields left out where they hold one); `err` itself where nothing was found.
 * @param {unknown} err
 * @param {string[]} secrets
 */
export function scrubSecrets(err, secrets) {
  if (!(err instanceof DockerHubError)) return err;
  const windows = new Set();
  for (const s of secrets) {
    if (typeof s !== 'string') continue;
    const pub = /^dckr_(pat|oat)_/.test(s) ? 9 : 0;
    for (let k = Math.max(0, pub - RUN + 1); k + RUN <= s.length; k++) windows.add(s.slice(k, k + RUN));
  }
  return scrubRuns(err, windows);
}

/**
 * scrubSecrets by runs: `runs.has(run)` says whether 8 characters are a run of a secret (a Set of
 * them, or a client's Fingerprints of the secrets it created).
 * @param {unknown} err
 * @param {{ has(run: string): boolean }} runs
 */
export function scrubRuns(err, runs) {
  if (!(err instanceof DockerHubError)) return err;
  const holds = (t) => holdsRun(t, runs);
  const fields = { message: err.message, detail: err.detail, text: err.text };
  const dirty = Object.values(fields).some(holds) || holds(JSON.stringify(err.headers ?? {}))
    || holds(JSON.stringify(err.errinfo ?? {})) || holds(JSON.stringify(err.fields ?? {}));
  if (!dirty) return err;
  const extra = {};
  for (const key of OPTIONAL_FIELDS) if (err[key] !== undefined) extra[key] = err[key];
  for (const key of ['detail', 'text']) if (typeof extra[key] === 'string') extra[key] = scrubText(extra[key], runs);
  for (const key of ['errinfo', 'fields']) if (holds(JSON.stringify(extra[key] ?? {}))) delete extra[key];
  if (extra.headers) {
    extra.headers = Object.fromEntries(Object.entries(extra.headers)
      .filter(([name]) => !holds(name)).map(([name, v]) => [name, scrubText(String(v), runs)]));
  }
  const clean = new DockerHubError(err.code, scrubText(err.message, runs), { ...extra, status: err.status, cause: err.cause });
  for (const key of Object.keys(err)) if (!(key in clean) && !holds(JSON.stringify(err[key]) ?? '')) clean[key] = err[key];
  return clean;
}
