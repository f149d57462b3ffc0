// Writes what the simulated bot did through the stores, in dependency order
// (orders before their fills). Two paces: `bulk` (the backfill: metrics in
// one insertMetricsBatch, the COPY path) and `buffered` (the live loop:
// metrics through bufferMetrics, written by the ingest pipeline in the
// background). Returns the rows each store reported as new.

import type { StorageServices } from '@ag/storage-services';
import type { SimulationOutput } from './trading-simulation.js';

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
}

export function emptyCounts(): WrittenCounts {
  return { points: 0, orders: 0, fills: 0, positions: 0, funding: 0, candles: 0, events: 0 };
}

export function addCounts(total: WrittenCounts, more: WrittenCounts): WrittenCounts {
  for (const key of Object.keys(total) as Array<keyof WrittenCounts>) total[key] += more[key];
  return total;
}

export async function writeSimulationOutput(
  services: StorageServices,
  out: SimulationOutput,
  pace: 'bulk' | 'buffered',
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
  if (out.candles.length) counts.candles = (await services.marketData.upsertCandles(out.candles)).inserted;
  if (out.events.length) counts.events = (await services.events.logEvents(out.events)).length;
  return counts;
}
