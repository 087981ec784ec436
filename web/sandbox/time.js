/**
 * Time helpers. Docker Hub answers date-times with microseconds
 * (`2026-03-18T21:15:40.504110Z`), so the sandbox keeps times as integer
 * microseconds since the epoch and formats them the same way.
 */
import { performance } from 'node:perf_hooks';

/**
 * Builds a clock returning microseconds since the epoch.
 * @param {(() => number | Date) | undefined} now injectable clock (milliseconds or Date),
 *   so tests can move time forward instead of sleeping.
 * @returns {() => number}
 */
export function makeClock(now) {
  if (typeof now === 'function') {
    return () => {
      const v = now();
      const ms = v instanceof Date ? v.getTime() : Number(v);
      if (!Number.isFinite(ms))
        throw new TypeError('sandbox now() must return a number of milliseconds or a Date');
      return Math.round(ms * 1000);
    };
  }
  // performance.now() has sub-millisecond precision, which gives real microseconds.
  return () => Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** @param {number} us microseconds since the epoch */
export function formatMicros(us) {
  const ms = Math.floor(us / 1000);
  const sub = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(sub).padStart(3, '0')}Z`;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 date-time strictly (a zone is required) into microseconds.
 * @param {unknown} s
 * @returns {number | null} null when not RFC 3339 or not a real date
 */
export function parseRfc3339(s) {
  if (typeof s !== 'string') return null;
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
  const year = +y,
    month = +mo,
    day = +d,
    hour = +h,
    minute = +mi,
    second = +sec;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > dim) return null;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const oh = +zone.slice(1, 3),
      om = +zone.slice(4, 6);
    if (oh > 23 || om > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) - offsetMin * 60000;
  const micros = Number((frac + '000000').slice(0, 6));
  return ms * 1000 + micros;
}

/** Normalizes a stored value (microseconds, or a date-time string) to microseconds or null. */
export function toMicros(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const us = parseRfc3339(v);
  if (us === null) throw new Error(`not an RFC 3339 date-time: ${JSON.stringify(v)}`);
  return us;
}

export const SECOND_US = 1_000_000;
export const MINUTE_US = 60 * SECOND_US;
export const DAY_US = 24 * 60 * MINUTE_US;
