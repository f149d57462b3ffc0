// Tick reads from request parameters, all through MarketDataStore: the
// trades, quotes and book snapshots of one market over a range (oldest first
// by default, at most query.max_results), gaps in a market's trades or
// quotes, and the symbols of a venue whose quotes are stale. `truncated`
// says the answer stopped at its limit (there may be more).

import { z } from 'zod';
import type { TickRangeQuery } from '@ag/storage-execution';
import type { StorageServices } from '../storage-services.js';
import { limitParameter, listParameter, nameParameter, parseParameters, secondsParameter, timeParameter, timeRange } from '../query-parameters.js';

const HOUR = 3_600_000;

const ticksRange = timeRange(HOUR);
const ticksQuery = z
  .object({
    venue: nameParameter,
    symbol: nameParameter,
    start: ticksRange.start,
    end: ticksRange.end,
    limit: limitParameter(100_000).optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();

const gapsRange = timeRange(24 * HOUR);
const tickGapsQuery = z
  .object({
    venue: nameParameter,
    symbol: nameParameter,
    kind: z.enum(['trades', 'quotes']).default('trades'),
    start: gapsRange.start,
    end: gapsRange.end,
    maxGapSeconds: secondsParameter,
  })
  .strict();

const staleQuotesQuery = z
  .object({
    venue: nameParameter,
    symbols: listParameter(nameParameter, 1_000),
    maxAgeSeconds: secondsParameter,
    asOf: timeParameter.optional(),
  })
  .strict();

type TickRead<T> = (query: TickRangeQuery) => Promise<T[]>;

async function readTicks<T extends object>(services: StorageServices, input: unknown, read: TickRead<T>) {
  const q = parseParameters(ticksQuery, input);
  const { start, end } = ticksRange.resolve(q);
  const limit = Math.min(q.limit ?? Number.POSITIVE_INFINITY, services.storage.config.query.max_results);
  const rows = await read({ venue: q.venue, symbol: q.symbol, start, end, limit, order: q.order });
  return { data: rows, truncated: rows.length === limit, start, end };
}

/** GET /api/trades: the trade prints of one market in [start, end) (default: the last hour). */
export function listTrades(services: StorageServices, input: unknown) {
  return readTicks(services, input, (q) => services.marketData.queryTrades(q));
}

/** GET /api/quotes: the top-of-book quotes of one market in [start, end). */
export function listQuotes(services: StorageServices, input: unknown) {
  return readTicks(services, input, (q) => services.marketData.queryQuotes(q));
}

/** GET /api/book-snapshots: the depth snapshots of one market in [start, end). */
export function listBookSnapshots(services: StorageServices, input: unknown) {
  return readTicks(services, input, (q) => services.marketData.queryBookSnapshots(q));
}

/** GET /api/tick-gaps: runs of more than maxGapSeconds without a trade (or quote) in [start, end) (default: the last day). */
export async function listTickGaps(services: StorageServices, input: unknown) {
  const q = parseParameters(tickGapsQuery, input);
  const { start, end } = gapsRange.resolve(q);
  const gaps = await services.marketData.findTickGaps({ venue: q.venue, symbol: q.symbol, kind: q.kind, start, end, maxGapSeconds: q.maxGapSeconds });
  return { data: gaps, kind: q.kind, start, end };
}

/** GET /api/quotes/stale: the symbols whose latest quote at asOf (default now) is older than maxAgeSeconds, or that have none. */
export async function listStaleQuotes(services: StorageServices, input: unknown) {
  const q = parseParameters(staleQuotesQuery, input);
  const asOf = q.asOf ?? new Date();
  const stale = await services.marketData.findStaleQuotes({ venue: q.venue, symbols: q.symbols, maxAgeSeconds: q.maxAgeSeconds, asOf });
  return { data: stale, asOf };
}
