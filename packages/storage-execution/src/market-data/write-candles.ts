// The candle upsert: one statement per batch, idempotent on (venue, symbol,
// timeframe, time). Re-sending an identical bar writes nothing (the DO UPDATE
// is skipped when nothing differs); a corrected bar replaces the stored one.
// Repeats of one key within a batch: the last one wins.

import type { Queryable } from '@ag/storage-core';
import type { ParsedCandle } from './candle-input.js';

const UPSERT_CANDLES = `
INSERT INTO candles (time, venue, symbol, timeframe, open, high, low, close, volume)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[],
                     $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[])
ON CONFLICT (venue, symbol, timeframe, time) DO UPDATE
   SET open = excluded.open, high = excluded.high, low = excluded.low,
       close = excluded.close, volume = excluded.volume
 WHERE (candles.open, candles.high, candles.low, candles.close, candles.volume)
       IS DISTINCT FROM (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume)
RETURNING (xmax = 0) AS inserted`;

export interface UpsertCandlesResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function writeCandles(db: Queryable, candles: readonly ParsedCandle[]): Promise<UpsertCandlesResult> {
  if (candles.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const lastByKey = new Map<string, ParsedCandle>();
  for (const c of candles) lastByKey.set(`${c.venue}\u0000${c.symbol}\u0000${c.timeframe}\u0000${c.time.getTime()}`, c);
  const bars = [...lastByKey.values()];
  const { rows } = await db.query<{ inserted: boolean }>(UPSERT_CANDLES, [
    bars.map((c) => c.time.toISOString()),
    bars.map((c) => c.venue),
    bars.map((c) => c.symbol),
    bars.map((c) => c.timeframe),
    bars.map((c) => c.open),
    bars.map((c) => c.high),
    bars.map((c) => c.low),
    bars.map((c) => c.close),
    bars.map((c) => c.volume),
  ]);
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: bars.length - rows.length };
}
