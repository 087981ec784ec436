/**
 * A fixed one-minute window, as Docker Hub documents ("requests per minute",
 * X-RateLimit-Reset as a unix timestamp). One window per sandbox: every client
 * of a sandbox is on loopback, so a per-address window would be the same thing.
 */
export class RateLimiter {
  /**
   * @param {{ limit: number, windowSeconds?: number, clock: () => number }} opts clock in microseconds
   */
  constructor({ limit, windowSeconds = 60, clock }) {
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('rateLimit must be an integer >= 1');
    this.limit = limit;
    this.windowUs = windowSeconds * 1_000_000;
    this.clock = clock;
    this.windowStart = null;
    this.used = 0;
  }

  /**
   * Counts one request.
   * @returns {{ allowed: boolean, headers: Record<string,string>, retryAfter: number }}
   */
  hit() {
    const now = this.clock();
    if (this.windowStart === null || now >= this.windowStart + this.windowUs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used++;
    const resetUs = this.windowStart + this.windowUs;
    const allowed = this.used <= this.limit;
    const headers = {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-reset': String(Math.ceil(resetUs / 1_000_000)),
    };
    const retryAfter = Math.max(1, Math.ceil((resetUs - now) / 1_000_000));
    return { allowed, headers, retryAfter };
  }

  reset() { this.windowStart = null; this.used = 0; }
}
