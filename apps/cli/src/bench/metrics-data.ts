// Reproducible metric data for the ingest and query benchmarks: 1,000 series
// with realistic trading-bot label sets (metric, venue, market, topic, bot),
// and point i of a run always the same (series, time, value), computed from
// a seeded hash, so every case of a run writes exactly the same rows without
// holding them all in memory.

import type { MetricPointInput } from '@ag/storage-metrics';

export interface BenchSeries {
  name: string;
  labels: Record<string, string>;
}

const METRICS = ['bot.pnl', 'bot.position', 'book.spread_bps', 'book.depth', 'order.latency_ms', 'feed.lag_ms', 'risk.exposure', 'strategy.signal'];
const VENUES = ['binance', 'coinbase', 'kraken', 'okx', 'bybit'];
const MARKETS = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'DOGE-USD', 'ADA-USD', 'AVAX-USD', 'LINK-USD', 'DOT-USD', 'MATIC-USD'];
const TOPICS = ['trades', 'book', 'ticker', 'fills'];

/** 32-bit mix of (seed, i): a stateless PRNG, so point i is the same in every case. */
export function hash32(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function benchSeries(count = 1000, seed = 42): BenchSeries[] {
  const out: BenchSeries[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < count; i += 1) {
    const h = hash32(seed, i);
    const series = {
      name: METRICS[h % METRICS.length] as string,
      labels: {
        venue: VENUES[(h >>> 4) % VENUES.length] as string,
        market: MARKETS[(h >>> 8) % MARKETS.length] as string,
        topic: TOPICS[(h >>> 12) % TOPICS.length] as string,
        bot: `bot-${(h >>> 16) % 8}`,
      },
    };
    const key = JSON.stringify(series);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(series);
  }
  return out;
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
