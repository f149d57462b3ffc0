// Keyset pagination over (time, id) at PostgreSQL's microsecond precision.
// A JavaScript Date holds milliseconds, so a cursor carries the row's time as
// integer microseconds since the epoch (exact text), never as a Date: rows
// whose times differ below the millisecond are neither skipped nor repeated.

/** SQL: the time column as exact integer microseconds since the epoch (text). */
export const TIME_MICROS_SQL = `(extract(epoch FROM time) * 1000000)::int8::text`;

/** SQL: a timestamptz from a parameter holding integer microseconds since the epoch. */
export function timestampFromMicros(parameter: string): string {
  return `(TIMESTAMPTZ 'epoch' + ${parameter}::int8 * INTERVAL '1 microsecond')`;
}
