// Candles built from the stored trades (getCandles({ source: 'trades' })):
// the trade_candles_1m / _1h / _1d rollups (continuous aggregates, 1h from 1m
// and 1d from 1h, where the engine has them; rollup tables elsewhere),
// refreshed first over the requested range, aligned to the timeframe, so
// that late trades, however late, are in the bars returned. Open and close
// are the first and last trade by time.

import { refreshRollup, ValidationError, type Queryable } from '@ag/storage-core';
import { candleFromRow, type Candle, type CandleRow } from '../candle-row.js';
import { alignDown, alignUp, type Timeframe } from '../timeframes.js';

/** The timeframes built from trades, and the rollups to refresh (in order) for each. */
const TRADE_CANDLE_CHAINS: Partial<Record<Timeframe, readonly string[]>> = {
  '1m': ['trade_candles_1m'],
  '1h': ['trade_candles_1m', 'trade_candles_1h'],
  '1d': ['trade_candles_1m', 'trade_candles_1h', 'trade_candles_1d'],
};

export async function readTradeCandles(
  db: Queryable,
  q: { venue: string; symbol: string; timeframe: Timeframe; start: Date; end: Date },
  limit: number,
): Promise<Candle[]> {
  const chain = TRADE_CANDLE_CHAINS[q.timeframe];
  if (!chain) throw new ValidationError('query.timeframe', q.timeframe, `candles from trades exist for ${Object.keys(TRADE_CANDLE_CHAINS).join(', ')}`);
  const start = alignDown(q.start, q.timeframe);
  const end = alignUp(q.end, q.timeframe);
  for (const view of chain) await refreshRollup(db, view, { start, end });
  const view = chain[chain.length - 1] as string;
  const { rows } = await db.query<CandleRow>(
    `SELECT bucket AS time, venue, symbol, $6::text AS timeframe, open::text AS open, high::text AS high, low::text AS low,
            close::text AS close, volume::text AS volume
       FROM ${view}
      WHERE venue = $1 AND symbol = $2 AND bucket >= $3 AND bucket < $4
      ORDER BY bucket
      LIMIT $5`,
    [q.venue, q.symbol, q.start, q.end, limit, q.timeframe],
  );
  return rows.map(candleFromRow);
}
