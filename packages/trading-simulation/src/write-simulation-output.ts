// Writes what the simulated bot did through the stores, in dependency order
// (orders before their fills). Two paces: `bulk` (the backfill: metrics in
// one insertMetricsBatch, the COPY path) and `buffered` (the live loop:
// metrics through bufferMetrics, written by the ingest pipeline in the
// background). Trades and quotes go through storeTrades and storeQuotes.
// With `tradeCandlesSince`, the bars opening at or after it are not the
// simulation's: they are read back built from the stored trades
// (getCandles({ source: 'trades' })) and upserted as the market's candles.
// Returns the rows each store reported as new.

import type { StorageServices } from '@ag/storage-services';
import type { SimCandle, SimulationOutput } from './trading-simulation.js';

/** Points per bufferMetrics call in the buffered pace (well under any sane max_buffer_size). */
const BUFFER_SLICE = 1000;

export interface WrittenCounts {
  points: number;
  orders: number;
  fills: number;
  positions: number;
  funding: number;
  candles: number;
  events: number;
  trades: number;
  quotes: number;
}

export interface WriteOutputOptions {
  /** Bars opening at or after this time (epoch ms) are built from the stored trades instead of taken from the simulation. */
  tradeCandlesSince?: number;
}

const TIMEFRAME_MS = { '1m': 60_000, '1h': 3_600_000 } as const;

export function emptyCounts(): WrittenCounts {
  return { points: 0, orders: 0, fills: 0, positions: 0, funding: 0, candles: 0, events: 0, trades: 0, quotes: 0 };
}

export function addCounts(total: WrittenCounts, more: WrittenCounts): WrittenCounts {
  for (const key of Object.keys(total) as Array<keyof WrittenCounts>) total[key] += more[key];
  return total;
}

export async function writeSimulationOutput(
  services: StorageServices,
  out: SimulationOutput,
  pace: 'bulk' | 'buffered',
  options: WriteOutputOptions = {},
): Promise<WrittenCounts> {
  const counts = emptyCounts();
  if (out.points.length) {
    if (pace === 'bulk') counts.points = (await services.metrics.insertMetricsBatch(out.points)).inserted;
    else {
      // In slices: a catch-up tick after a long backfill can hold more points
      // than the buffer may take in one call (ingestion.max_buffer_size); each
      // awaited slice waits for room instead of failing the tick.
      for (let from = 0; from < out.points.length; from += BUFFER_SLICE) {
        await services.metrics.bufferMetrics(out.points.slice(from, from + BUFFER_SLICE));
      }
      counts.points = out.points.length;
    }
  }
  if (out.orders.length) {
    const result = await services.executions.storeOrders(out.orders);
    counts.orders = result.inserted;
  }
  if (out.fills.length) counts.fills = (await services.executions.storeFills(out.fills)).inserted;
  if (out.positions.length) {
    const result = await services.executions.storePositions(out.positions);
    counts.positions = result.inserted;
  }
  if (out.funding.length) counts.funding = (await services.executions.storeFundingPayments(out.funding)).inserted;
  if (out.trades.length) counts.trades = (await services.marketData.storeTrades(out.trades)).inserted;
  if (out.quotes.length) counts.quotes = (await services.marketData.storeQuotes(out.quotes)).inserted;
  const since = options.tradeCandlesSince;
  const candles = since === undefined ? out.candles : [...out.candles.filter((c) => c.time.getTime() < since), ...(await readTradeCandles(services, out, since))];
  if (candles.length) counts.candles = (await services.marketData.upsertCandles(candles)).inserted;
  if (out.events.length) counts.events = (await services.events.logEvents(out.events)).length;
  return counts;
}

/** The 1m and 1h bars, opening at or after `since`, that this output's trades fall in, built from the stored trades. */
async function readTradeCandles(services: StorageServices, out: SimulationOutput, since: number): Promise<SimCandle[]> {
  const spans = new Map<string, { venue: string; symbol: string; first: number; last: number }>();
  for (const trade of out.trades) {
    const at = trade.time.getTime();
    if (at < since) continue;
    const key = `${trade.venue}\u0000${trade.symbol}`;
    const span = spans.get(key);
    if (span) {
      span.first = Math.min(span.first, at);
      span.last = Math.max(span.last, at);
    } else spans.set(key, { venue: trade.venue, symbol: trade.symbol, first: at, last: at });
  }
  const bars: SimCandle[] = [];
  for (const { venue, symbol, first, last } of spans.values()) {
    for (const timeframe of ['1m', '1h'] as const) {
      const width = TIMEFRAME_MS[timeframe];
      const start = Math.max(Math.floor(first / width) * width, Math.ceil(since / width) * width);
      if (start > last) continue;
      const read = await services.marketData.getCandles({ venue, symbol, timeframe, start, end: last + 1, source: 'trades' });
      for (const c of read) {
        bars.push({ time: c.time, venue, symbol, timeframe, open: c.open.toFixed(), high: c.high.toFixed(), low: c.low.toFixed(), close: c.close.toFixed(), volume: c.volume.toFixed() });
      }
    }
  }
  return bars;
}
