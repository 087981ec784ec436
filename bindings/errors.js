// DockerHubError: the one error every failure of the package rejects with.

/** @type {readonly string[]} */
export const ERROR_CODES = Object.freeze([
  'invalid_argument', 'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict',
  'rate_limited', 'server_error', 'unexpected_status', 'invalid_response', 'network', 'timeout',
  'aborted', 'closed',
]);

const OPTIONAL_FIELDS = ['detail', 'errinfo', 'fields', 'text', 'retryAfter', 'maybeCreated', 'headers'];

export class DockerHubError extends Error {
  /**
   * @param {string} code one of ERROR_CODES
   * @param {string} message a human sentence; never a secret
   * @param {{status?: number, detail?: string, errinfo?: object, fields?: object, text?: string,
   *          retryAfter?: number, maybeCreated?: boolean, headers?: Record<string, string>,
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
