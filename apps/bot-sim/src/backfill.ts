// The backfill: the simulated bot's history from a start time up to now,
// generated in memory (a week of four markets takes well under a second),
// then written day by day, newest day first, through the stores' bulk paths
// (insertMetricsBatch, storeOrders/storeFills, storePositions,
// upsertCandles, logEvents). Newest first, so a dashboard opened during the
// backfill shows the recent hours at once. Fills travel with their order's
// day, so an order is always stored before its fills. An abort signal stops
// it between two days.

import type { StorageServices } from '@ag/api';
import type { SimulationOutput, TradingSimulation } from '@ag/storage-testing/generators';
import { addCounts, emptyCounts, writeSimulationOutput, type WrittenCounts } from './write-simulation-output.js';

const DAY = 86_400_000;

export interface BackfillProgress {
  /** Days written so far, and in all. */
  done: number;
  total: number;
  /** Rows written so far. */
  written: WrittenCounts;
}

export interface BackfillReport {
  from: Date;
  to: Date;
  days: number;
  written: WrittenCounts;
  durationMs: number;
}

/** Runs `simulation` up to `until` and writes what it produced. */
export async function backfill(
  services: StorageServices,
  simulation: TradingSimulation,
  until: number,
  onProgress?: (progress: BackfillProgress) => void,
  signal?: AbortSignal,
): Promise<BackfillReport> {
  const started = performance.now();
  const from = simulation.time;
  const output = simulation.advanceTo(until);
  const days = splitByDay(output);
  const written = emptyCounts();
  let done = 0;
  for (const day of days) {
    if (signal?.aborted) break;
    addCounts(written, await writeSimulationOutput(services, day, 'bulk'));
    done += 1;
    onProgress?.({ done, total: days.length, written: { ...written } });
  }
  return { from: new Date(from), to: new Date(simulation.time), days: done, written, durationMs: Math.round(performance.now() - started) };
}

/** The output cut into UTC days, newest day first. */
export function splitByDay(output: SimulationOutput): SimulationOutput[] {
  const byDay = new Map<number, SimulationOutput>();
  const dayOf = (time: Date | number) => Math.floor((typeof time === 'number' ? time : time.getTime()) / DAY);
  const bucket = (day: number) => {
    let out = byDay.get(day);
    if (!out) byDay.set(day, (out = { orders: [], fills: [], positions: [], candles: [], points: [], events: [] }));
    return out;
  };
  const orderDay = new Map<string, number>();
  for (const order of output.orders) {
    const day = dayOf(order.time);
    orderDay.set(order.clientOrderId, day);
    bucket(day).orders.push(order);
  }
  for (const fill of output.fills) bucket(orderDay.get(fill.clientOrderId) ?? dayOf(fill.time)).fills.push(fill);
  for (const position of output.positions) bucket(dayOf(position.time)).positions.push(position);
  for (const candle of output.candles) bucket(dayOf(candle.time)).candles.push(candle);
  for (const point of output.points) bucket(dayOf(point.timestamp)).points.push(point);
  for (const event of output.events) bucket(dayOf(event.time)).events.push(event);
  return [...byDay.entries()].sort((a, b) => b[0] - a[0]).map(([, out]) => out);
}
