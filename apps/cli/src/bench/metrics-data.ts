// Reproducible metric data for the ingest and query benchmarks: 1,000 series
// with realistic trading-bot label sets (metric, venue, market, topic, bot;
// the shared generator in @ag/trading-simulation), and point i of a
// run always the same (series, time, value), computed from a seeded hash, so
// every case of a run writes exactly the same rows without holding them all
// in memory.

import { copyTextValue } from '@ag/storage-core';
import type { MetricPointInput } from '@ag/storage-metrics';
import { generateSeriesSet, hash32, type GeneratedSeries } from '@ag/trading-simulation';

export type BenchSeries = GeneratedSeries;
export { hash32 };

/** The benchmarks' 1,000 series: the shared generator's label sets. */
export function benchSeries(count = 1000, seed = 42): BenchSeries[] {
  return generateSeriesSet(count, seed);
}

export interface PointSource {
  series: BenchSeries[];
  start: number;
  /** Time between two points of one series. */
  stepMs: number;
  seed: number;
}

/** Point i: series i mod N, at start + floor(i / N) * step, with a seeded value. */
export function pointAt(source: PointSource, i: number): MetricPointInput & { timestamp: number } {
  const n = source.series.length;
  const series = source.series[i % n] as BenchSeries;
  const value = (hash32(source.seed, i) % 2_000_000) / 100 - 10_000;
  return { name: series.name, labels: series.labels, value, timestamp: source.start + Math.floor(i / n) * source.stepMs };
}

/** Points [from, to) as an array. */
export function pointsBetween(source: PointSource, from: number, to: number): Array<MetricPointInput & { timestamp: number }> {
  const out = new Array<MetricPointInput & { timestamp: number }>(to - from);
  for (let i = from; i < to; i += 1) out[i - from] = pointAt(source, i);
  return out;
}

/** COPY text (time, series_id, value) of points [from, to) of a source, for the raw baselines; ids[i] is series i's id. */
export function pointsCopyText(source: PointSource, ids: number[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i += 1) {
    const p = pointAt(source, i);
    text += `${new Date(p.timestamp).toISOString()}\t${ids[i % ids.length]}\t${copyTextValue(p.value)}\n`;
  }
  return text;
}
