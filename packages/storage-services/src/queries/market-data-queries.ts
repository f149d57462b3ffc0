// Candle reads from request parameters: OHLCV bars of one series (venue,
// symbol, timeframe) over a range, oldest first; or the newest `count` bars
// (default 120) when no range is given. source=trades: the bars built from
// the stored trades (1m, 1h, 1d) instead of the venue's candles; without a
// range, the `count` bars up to now.

import { z } from 'zod';
import { TIMEFRAMES, timeframeMillis } from '@ag/storage-execution';
import type { StorageServices } from '../storage-services.js';
import { limitParameter, nameParameter, parseParameters, timeParameter } from '../query-parameters.js';
import { BadParameterError } from '../bad-parameter-error.js';

const candlesQuery = z
  .object({
    venue: nameParameter,
    symbol: nameParameter,
    timeframe: z.enum(TIMEFRAMES).default('1m'),
    start: timeParameter.optional(),
    end: timeParameter.optional(),
    count: limitParameter(10_000).optional(),
    limit: limitParameter(100_000).optional(),
    source: z.enum(['venue', 'trades']).default('venue'),
  })
  .strict();

export async function readCandles(services: StorageServices, input: unknown) {
  const q = parseParameters(candlesQuery, input);
  const series = { venue: q.venue, symbol: q.symbol, timeframe: q.timeframe };
  if (!q.start && !q.end && q.source === 'trades') {
    const end = new Date();
    const start = new Date(end.getTime() - (q.count ?? 120) * timeframeMillis(q.timeframe));
    return { data: await services.marketData.getCandles({ ...series, start, end, source: 'trades' }), source: q.source, start, end };
  }
  if (!q.start && !q.end) {
    return { data: await services.marketData.getLatestCandles({ ...series, count: q.count ?? 120 }) };
  }
  if (q.count) throw new BadParameterError('count', 'cannot be combined with start/end (use limit)');
  const end = q.end ?? new Date();
  const start = q.start ?? new Date(end.getTime() - 86_400_000);
  if (start >= end) throw new BadParameterError('end', 'must be after start');
  const candles = await services.marketData.getCandles({ ...series, start, end, source: q.source, ...(q.limit ? { limit: q.limit } : {}) });
  return { data: candles, source: q.source, start, end };
}
