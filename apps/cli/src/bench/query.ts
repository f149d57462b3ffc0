// The `bench query` suite: p50/p95/p99 latency of the reads bots make most,
// over 1,000 series spanning 30 days (>= 5M points on PostgreSQL and >= 1M
// embedded in full mode): latest value, a 1-hour range of one series, a
// label-filtered range, a 1-day aggregate in 5-minute buckets with p99, and a
// 30-day hourly aggregate (read from metrics_hourly once refreshed). Raw SQL
// and raw-point figures run beside them as baselines.

import { refreshAllRollups, type Storage } from '@ag/storage-core';
import { StorageEngine } from '@ag/storage-metrics';
import { measureLatency, measureRun, type BenchEngine, type BenchOptions, type BenchRow, type BenchSuite } from './bench-harness.js';
import { openBenchDatabase } from './bench-database.js';
import { benchSeries, hash32, pointsBetween, type PointSource } from './metrics-data.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SPAN_DAYS = 30;
const START = Date.UTC(2026, 9, 1);

function totalPoints(engine: BenchEngine, quick: boolean): number {
  if (quick) return engine !== 'embedded' ? 200_000 : 100_000;
  return engine !== 'embedded' ? 5_000_000 : 1_000_000;
}

export const suite: BenchSuite = {
  name: 'query',
  description: 'metric read latency: latest, 1-hour range, label-filtered range, 1-day/5-min aggregate with p99, 30-day hourly aggregate',
  async run(options, report) {
    for (const engine of options.engines) await runEngine(engine, options, report);
  },
};

async function runEngine(engine: BenchEngine, options: BenchOptions, report: (row: BenchRow) => void): Promise<void> {
  const points = totalPoints(engine, options.quick);
  const series = benchSeries(1000);
  const source: PointSource = { series, start: START, stepMs: Math.floor((SPAN_DAYS * DAY) / (points / series.length)), seed: 11 };
  const db = await openBenchDatabase(engine, options);
  const { storage } = db;
  try {
    const metrics = new StorageEngine(storage);
    const load = await measureRun(async () => {
      for (let from = 0; from < points; from += 10_000) await metrics.insertMetricsBatch(pointsBetween(source, from, Math.min(points, from + 10_000)));
    });
    report({ engine, case: 'load (insertMetricsBatch, 10k batches)', perSecond: points / load.seconds, unit: 'points', peakRssMb: load.peakRssMb, notes: { points, series: series.length, days: SPAN_DAYS } });
    const refresh = await measureRun(() => refreshAllRollups(storage.engine, { sourceTable: 'metric_points' }));
    await storage.engine.exec('ANALYZE');
    report({ engine, case: 'refresh metrics_hourly + metrics_daily', notes: { seconds: Math.round(refresh.seconds * 10) / 10 } });

    const ids = await seriesIds(metrics, source);
    const iterations = options.quick ? 40 : 200;
    const pick = (i: number) => hash32(99, i) % series.length;
    const hourIn = (i: number, days: number) => START + (hash32(5, i) % ((SPAN_DAYS - days) * 24)) * HOUR;
    const latency = async (name: string, fn: (i: number) => Promise<number>, notes: Record<string, number | string> = {}) => {
      let rows = 0;
      const summary = await measureLatency(async (i) => {
        rows += await fn(i);
      }, iterations);
      report({ engine, case: name, p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, notes: { ...notes, rowsPerCall: Math.round((rows / (iterations + 5)) * 10) / 10 } });
    };
    const one = (i: number) => series[pick(i)] as (typeof series)[number];

    await latency('latest value (queryLatest, one series)', async (i) => (await metrics.queryLatest({ name: one(i).name, labels: one(i).labels })).length);
    await latency('latest value, raw SQL baseline', async (i) => rawLatest(storage, ids[pick(i)] as number));
    await latency('1-hour range of one series (queryMetrics)', async (i) => {
      const start = hourIn(i, 1);
      return (await metrics.queryMetrics({ name: one(i).name, labels: one(i).labels, start, end: start + HOUR })).length;
    });
    await latency('1-hour range of one series, raw SQL baseline', async (i) => {
      const start = hourIn(i, 1);
      return rawRange(storage, ids[pick(i)] as number, start, start + HOUR);
    });
    await latency('label-filtered 1-hour range (name + venue: all markets, topics, bots)', async (i) => {
      const start = hourIn(i, 1);
      return (await metrics.queryMetrics({ name: one(i).name, labels: { venue: one(i).labels.venue as string }, start, end: start + HOUR })).length;
    });
    await latency('1-day aggregate, 5-minute buckets, avg/max/p99 (one series)', async (i) => {
      const start = START + (hash32(7, i) % (SPAN_DAYS - 1)) * DAY;
      const result = await metrics.queryAggregated({ name: one(i).name, labels: one(i).labels, start, end: start + DAY, bucket: '5m', aggregations: ['avg', 'max', 'p99'] });
      return result.length;
    });
    const sources = new Set<string>();
    await latency('30-day hourly aggregate, avg/min/max/count (one series)', async (i) => {
      const result = await metrics.queryAggregated({ name: one(i).name, labels: one(i).labels, start: START, end: START + SPAN_DAYS * DAY, bucket: '1h', aggregations: ['avg', 'min', 'max', 'count'] });
      sources.add(result.source);
      return result.length;
    }, { source: 'metrics_hourly' });
    if (sources.size !== 1 || !sources.has('metrics_hourly')) throw new Error(`30-day aggregate was read from ${[...sources].join(', ')}`);
    const raw = new StorageEngine(storage, { query: { route_to_rollups: false } });
    await latency('30-day hourly aggregate from raw points (baseline)', async (i) => {
      const result = await raw.queryAggregated({ name: one(i).name, labels: one(i).labels, start: START, end: START + SPAN_DAYS * DAY, bucket: '1h', aggregations: ['avg', 'min', 'max', 'count'] });
      return result.length;
    }, { source: 'raw' });
    await raw.close();
    await metrics.close();
  } finally {
    await db.dispose();
  }
}

async function seriesIds(metrics: StorageEngine, source: PointSource): Promise<number[]> {
  const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(Object.entries(labels).sort())}`;
  const byKey = new Map((await metrics.listSeries()).map((s) => [key(s.name, s.labels), s.id]));
  return source.series.map((s) => byKey.get(key(s.name, s.labels)) as number);
}

async function rawLatest(storage: Storage, seriesId: number): Promise<number> {
  const rows = await storage.query('SELECT time, value FROM metric_points WHERE series_id = $1 ORDER BY time DESC LIMIT 1', [seriesId]);
  return rows.length;
}

async function rawRange(storage: Storage, seriesId: number, start: number, end: number): Promise<number> {
  const rows = await storage.query('SELECT time, value FROM metric_points WHERE series_id = $1 AND time >= $2 AND time < $3 ORDER BY time', [
    seriesId,
    new Date(start),
    new Date(end),
  ]);
  return rows.length;
}
