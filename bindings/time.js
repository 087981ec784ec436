// Dates as Docker Hub writes them, in one place for the bindings and the CLI. Host-agnostic.

export const DAY_MS = 86400e3;

/**
 * Milliseconds since the epoch of an RFC 3339 date-time, or NaN. Docker Hub writes microseconds,
 * which Date.parse does not take everywhere: they are cut to milliseconds first.
 * @param {unknown} value
 */
export function parseTime(value) {
  if (typeof value !== 'string') return NaN;
  return Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
}
