// Data quality of the ticks: gaps (no trade or quote for longer than a given
// number of seconds; venues are taken as open all the time, as crypto venues
// are) and stale quotes (a symbol whose latest quote is older than a given
// age, or that has none).

import type { Queryable } from '@ag/storage-core';

export interface TickGap {
  /** The last tick before the gap (or the range start). */
  start: Date;
  /** The first tick after the gap (or the range end). */
  end: Date;
  seconds: number;
}

export interface StaleQuote {
  symbol: string;
  /** The latest quote at or before asOf; null when there is none. */
  lastQuoteAt: Date | null;
}

const TICK_TABLES = { trades: 'trades', quotes: 'quotes' } as const;

function gapSql(table: string): string {
  return `
WITH ticks AS (
  SELECT $3::timestamptz AS time
  UNION ALL SELECT time FROM ${table} WHERE venue = $1 AND symbol = $2 AND time >= $3 AND time < $4
  UNION ALL SELECT $4::timestamptz
), ordered AS (
  SELECT time, lead(time) OVER (ORDER BY time) AS next FROM ticks
)
SELECT time AS gap_start, next AS gap_end FROM ordered
 WHERE next - time > $5::float8 * INTERVAL '1 second'
 ORDER BY time`;
}

const STALE_QUOTES = `
SELECT s.symbol, q.time AS last_quote_at
  FROM unnest($2::text[]) AS s(symbol)
  LEFT JOIN LATERAL (
       SELECT time FROM quotes WHERE venue = $1 AND symbol = s.symbol AND time <= $3 ORDER BY time DESC LIMIT 1
  ) q ON true
 WHERE q.time IS NULL OR q.time < $3::timestamptz - $4::float8 * INTERVAL '1 second'
 ORDER BY s.symbol`;

export async function findTickGaps(
  db: Queryable,
  q: { venue: string; symbol: string; kind: keyof typeof TICK_TABLES; start: Date; end: Date; maxGapSeconds: number },
): Promise<TickGap[]> {
  const { rows } = await db.query<{ gap_start: Date; gap_end: Date }>(gapSql(TICK_TABLES[q.kind]), [q.venue, q.symbol, q.start, q.end, q.maxGapSeconds]);
  return rows.map((r) => ({ start: r.gap_start, end: r.gap_end, seconds: (r.gap_end.getTime() - r.gap_start.getTime()) / 1000 }));
}

export async function findStaleQuotes(db: Queryable, q: { venue: string; symbols: string[]; maxAgeSeconds: number; asOf: Date }): Promise<StaleQuote[]> {
  const { rows } = await db.query<{ symbol: string; last_quote_at: Date | null }>(STALE_QUOTES, [q.venue, [...new Set(q.symbols)], q.asOf, q.maxAgeSeconds]);
  return rows.map((r) => ({ symbol: r.symbol, lastQuoteAt: r.last_quote_at }));
}
