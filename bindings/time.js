// Dates as Docker Hub writes them, in one place for the bindings and the CLI. Host-agnostic.

export const DAY_MS = 86400e3;

/** RFC 3339 section 5.6's date-time, as the C core reads one (src/validate.c, dh_check_rfc3339). */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const daysInMonth = (y, m) => new Date(Date.UTC(2000 + (y % 400), m, 0)).getUTCDate(); // leap years repeat every 400

/**
 * Milliseconds since the epoch of an RFC 3339 date-time, or NaN: the same strings the C core takes
 * and the same instant (a leap second's :60 is the next minute's :00), to the millisecond. Docker
 * Hub writes microseconds; Date.parse alone would take other shapes too ("2027-01-31", a local
 * time) and refuse :60.
 * @param {unknown} value
 */
export function parseTime(value) {
  const m = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > daysInMonth(y, mo) ||
    h > 23 ||
    mi > 59 ||
    s > 60 ||
    oh > 23 ||
    om > 59
  )
    return NaN;
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads the years 0-99 as 1900-1999
  at.setUTCHours(h, mi, s, Number((m[7] ?? '').slice(0, 3).padEnd(3, '0')));
  const offset = (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60e3;
  return at.getTime() - offset;
}
