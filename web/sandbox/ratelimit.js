/**
 * A fixed one-minute window, as Docker Hub documents ("requests per minute",
 * X-RateLimit-Reset as a unix timestamp). One window per sandbox: every client
 * of a sandbox is on loopback, so a per-address window would be the same thing.
 */

/**
 * How a 429 says when to come back. Docker Hub has answered in each of these ways:
 * - `seconds`: `Retry-After: <seconds>` (what its docs say today);
 * - `unix`: `Retry-After: <unix time>`, equal to `X-RateLimit-Reset` (seen on hub.docker.com, hub-feedback #2459);
 * - `x-retry-after`: `X-Retry-After: <unix time>` (an older version of its API reference);
 * - `reset-only`: no retry header at all, only `X-RateLimit-Reset`.
 */
export const RATE_LIMIT_STYLES = Object.freeze(['seconds', 'unix', 'x-retry-after', 'reset-only']);

/**
 * The headers of one 429 in `style`.
 * @param {string} style one of RATE_LIMIT_STYLES
 * @param {number} waitSeconds how long until the window reopens
 * @param {number} resetUnix that moment, in unix seconds (the X-RateLimit-Reset value)
 */
export function retryHeaders(style, waitSeconds, resetUnix) {
  const h = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetUnix) };
  if (style === 'seconds') h['retry-after'] = String(waitSeconds);
  else if (style === 'unix') h['retry-after'] = String(resetUnix);
  else if (style === 'x-retry-after') h['x-retry-after'] = String(resetUnix);
  return h;
}

/** Throws a TypeError naming the styles unless `style` is one of them. */
export function checkRateLimitStyle(style, what = 'rateLimitStyle') {
  if (!RATE_LIMIT_STYLES.includes(style)) {
    throw new TypeError(
      `${what} must be one of ${RATE_LIMIT_STYLES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(style)}`,
    );
  }
  return style;
}

export class RateLimiter {
  /**
   * @param {{ limit: number, windowSeconds?: number, clock: () => number, style?: string }} opts clock in microseconds
   */
  constructor({ limit, windowSeconds = 60, clock, style = 'seconds' }) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError('rateLimit must be an integer >= 1');
    this.limit = limit;
    this.windowUs = windowSeconds * 1_000_000;
    this.clock = clock;
    this.style = checkRateLimitStyle(style);
    this.windowStart = null;
    this.used = 0;
  }

  /**
   * Counts one request.
   * @returns {{ allowed: boolean, headers: Record<string,string>, retryHeaders: Record<string,string> }}
   *   headers for every answer; retryHeaders (in the configured style) for a 429
   */
  hit() {
    const now = this.clock();
    if (this.windowStart === null || now >= this.windowStart + this.windowUs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used++;
    const resetUs = this.windowStart + this.windowUs;
    const resetUnix = Math.ceil(resetUs / 1_000_000);
    const headers = {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-reset': String(resetUnix),
    };
    const wait = Math.max(1, Math.ceil((resetUs - now) / 1_000_000));
    return {
      allowed: this.used <= this.limit,
      headers,
      retryHeaders: retryHeaders(this.style, wait, resetUnix),
    };
  }

  reset() {
    this.windowStart = null;
    this.used = 0;
  }
}
