// The backfill: the simulated bot's history from a start time up to now,
// generated in memory (a week of four markets takes well under a second),
// then written in slices of a few hours, newest first, through the stores'
// bulk paths (insertMetricsBatch, storeOrders/storeFills, storePositions, storeFundingPayments,
// upsertCandles, logEvents, storeTrades, storeQuotes). Newest first, so a dashboard opened during the
// backfill shows the recent hours at once; slices of a few hours, so each
// statement is short and the embedded engine's one connection keeps
// answering readers in between (`beforeSlice` may also hold the next slice
// back while readers wait). Fills travel with their order's slice, so an
// order is always stored before its fills. An abort signal stops it between
// two slices.

import type { StorageServices } from '@ag/storage-services';
import { emptyOutput, type SimulationOutput, type TradingSimulation } from './trading-simulation.js';
import { addCounts, emptyCounts, writeSimulationOutput, type WriteOutputOptions, type WrittenCounts } from './write-simulation-output.js';

const HOUR = 3_600_000;

export interface BackfillOptions {
  /** Length of a slice (default 4 hours). */
  sliceMs?: number;
  onProgress?: (progress: BackfillProgress) => void;
  /** Awaited before each slice is written (e.g. to let API readers go first). */
  beforeSlice?: () => Promise<void>;
  signal?: AbortSignal;
  /** How each slice is written (e.g. candles built from the trades). */
  write?: WriteOutputOptions;
}

export interface BackfillProgress {
  /** Slices written so far, and in all. */
  done: number;
  total: number;
  /** The oldest time written so far. */
  reached: Date;
  /** Rows written so far. */
  written: WrittenCounts;
}

export interface BackfillReport {
  from: Date;
  to: Date;
  /** Slices written. */
  slices: number;
  written: WrittenCounts;
  durationMs: number;
}

/** Runs `simulation` up to `until` and writes what it produced. */
export async function backfill(
  services: StorageServices,
  simulation: TradingSimulation,
  until: number,
  options: BackfillOptions = {},
): Promise<BackfillReport> {
  const started = performance.now();
  const from = simulation.time;
  const sliceMs = options.sliceMs ?? 4 * HOUR;
  const output = simulation.advanceTo(until);
  const slices = splitByPeriod(output, sliceMs);
  const written = emptyCounts();
  let done = 0;
  for (const slice of slices) {
    if (options.signal?.aborted) break;
    // Let pending I/O (HTTP requests) in: the writes resolve on microtasks, which alone would starve it.
    await new Promise((resolve) => setImmediate(resolve));
    await options.beforeSlice?.();
    addCounts(written, await writeSimulationOutput(services, slice.output, 'bulk', options.write));
    done += 1;
    options.onProgress?.({ done, total: slices.length, reached: new Date(Math.max(from, slice.start)), written: { ...written } });
  }
  return { from: new Date(from), to: new Date(simulation.time), slices: done, written, durationMs: Math.round(performance.now() - started) };
}

/** The output cut into periods of `periodMs` (aligned to the epoch), newest first. */
export function splitByPeriod(output: SimulationOutput, periodMs: number): Array<{ start: number; output: SimulationOutput }> {
  const byPeriod = new Map<number, SimulationOutput>();
  const periodOf = (time: Date | number) => Math.floor((typeof time === 'number' ? time : time.getTime()) / periodMs);
  const bucket = (period: number) => {
    let out = byPeriod.get(period);
    if (!out) byPeriod.set(period, (out = emptyOutput()));
    return out;
  };
  const orderPeriod = new Map<string, number>();
  for (const order of output.orders) {
    const period = periodOf(order.time);
    orderPeriod.set(order.clientOrderId, period);
    bucket(period).orders.push(order);
  }
  for (const fill of output.fills) bucket(orderPeriod.get(fill.clientOrderId) ?? periodOf(fill.time)).fills.push(fill);
  for (const position of output.positions) bucket(periodOf(position.time)).positions.push(position);
  for (const payment of output.funding) bucket(periodOf(payment.time)).funding.push(payment);
  for (const candle of output.candles) bucket(periodOf(candle.time)).candles.push(candle);
  for (const point of output.points) bucket(periodOf(point.timestamp)).points.push(point);
  for (const event of output.events) bucket(periodOf(event.time)).events.push(event);
  for (const trade of output.trades) bucket(periodOf(trade.time)).trades.push(trade);
  for (const quote of output.quotes) bucket(periodOf(quote.time)).quotes.push(quote);
  return [...byPeriod.entries()].sort((a, b) => b[0] - a[0]).map(([period, out]) => ({ start: period * periodMs, output: out }));
}
