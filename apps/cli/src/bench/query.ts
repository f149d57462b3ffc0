// The `bench query` suite, on dense data: S series (10 metric names x S/10
// markets) x D days x one point every I seconds, loaded with COPY, rollups
// refreshed. Each read a bot makes is timed beside the best hand-written SQL
// on the same data in the same run (and, for aggregates, beside reading the
// rollup directly); every latency comes with the rows it returned and the rows
// it scanned, and the suite fails when the library's answer differs from the
// hand-written SQL's. Values are multiples of 0.25, so sums are exact and
// answers compare exactly.
//
// Sizes: PostgreSQL 100 x 30 days x 10 s (25.9M points), embedded 100 x 7 days
// x 10 s (6.05M); --quick 100 x 3 days x 60 s. Override with
// AG_BENCH_QUERY_SERIES, AG_BENCH_QUERY_DAYS, AG_BENCH_QUERY_INTERVAL_S.

import { refreshAllRollups, type Storage } from '@ag/storage-core';
import { StorageEngine, type AggregatedMetric, type Aggregation } from '@ag/storage-metrics';
import { measureLatency, measureRun, type BenchEngine, type BenchOptions, type BenchRow, type BenchSuite } from './bench-harness.js';
import { openBenchDatabase } from './bench-database.js';
import { hash32 } from './metrics-data.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 8, 1);
const NAMES = 10;

interface Sizes {
  series: number;
  days: number;
  intervalMs: number;
}

function sizes(engine: BenchEngine, quick: boolean, env = process.env): Sizes {
  const base: Sizes = quick ? { series: 100, days: 3, intervalMs: 60_000 } : { series: 100, days: engine !== 'embedded' ? 30 : 7, intervalMs: 10_000 };
  const num = (key: string) => (env[key] ? Number(env[key]) : undefined);
  return {
    series: num('AG_BENCH_QUERY_SERIES') ?? base.series,
    days: num('AG_BENCH_QUERY_DAYS') ?? base.days,
    intervalMs: (num('AG_BENCH_QUERY_INTERVAL_S') ?? base.intervalMs / 1000) * 1000,
  };
}

interface BenchSeriesRow {
  name: string;
  market: string;
  id: number;
}

export const suite: BenchSuite = {
  name: 'query',
  description: 'metric reads on dense data vs hand-written SQL and the rollups: 1-hour range, latest, 1-day 5-min p99, 7/30-day hourly by label, 90-day daily',
  async run(options, report) {
    for (const engine of options.engines) await runEngine(engine, options, report);
  },
};

const valueAt = (seriesIndex: number, step: number) => (hash32(seriesIndex + 1, step) % 40_000) / 4 - 5000;

async function load(storage: Storage, metrics: StorageEngine, size: Sizes): Promise<BenchSeriesRow[]> {
  const markets = Math.max(1, Math.floor(size.series / NAMES));
  const first = [];
  for (let i = 0; i < size.series; i += 1) {
    first.push({ name: `bench.q${i % NAMES}`, labels: { market: `m${Math.floor(i / NAMES) % markets}`, venue: 'v' }, value: valueAt(i, 0), timestamp: START });
  }
  await metrics.insertMetricsBatch(first);
  const ids = new Map((await metrics.listSeries()).map((s) => [`${s.name}|${s.labels.market}`, s.id]));
  const series = first.map((p) => ({ name: p.name, market: p.labels.market, id: ids.get(`${p.name}|${p.labels.market}`) as number }));
  const steps = Math.floor((size.days * DAY) / size.intervalMs);
  const chunkSteps = Math.max(1, Math.floor(20_000 / size.series));
  for (let from = 1; from < steps; from += chunkSteps) {
    const to = Math.min(steps, from + chunkSteps);
    await storage.engine.copyFrom('COPY metric_points (time, series_id, value) FROM STDIN', (function* () {
      for (let step = from; step < to; step += 1) {
        const time = new Date(START + step * size.intervalMs).toISOString();
        let chunk = '';
        for (let i = 0; i < series.length; i += 1) chunk += `${time}\t${(series[i] as BenchSeriesRow).id}\t${valueAt(i, step)}\n`;
        yield chunk;
      }
    })());
  }
  return series;
}

type Row = Record<string, unknown>;

/** Exact comparison of two answers, as JSON of their rows. */
function expectSame(caseName: string, library: unknown[], sql: unknown[]): void {
  const a = JSON.stringify(library);
  const b = JSON.stringify(sql);
  if (a !== b) throw new Error(`bench query: ${caseName}: the library's answer differs from the hand-written SQL's (${library.length} vs ${sql.length} rows)\n${a.slice(0, 400)}\n${b.slice(0, 400)}`);
}

const aggregatedRows = (rows: AggregatedMetric[], aggregations: Aggregation[]) =>
  rows.map((r) => [r.labels.market ?? null, r.bucket.getTime(), ...aggregations.map((a) => r[a] ?? null)]);
const sqlAggregatedRows = (rows: Row[], aggregations: Aggregation[]) =>
  rows.map((r) => [(r.market as string | null) ?? null, (r.bucket as Date).getTime(), ...aggregations.map((a) => (r[a] === null ? null : Number(r[a])))]);

async function runEngine(engine: BenchEngine, options: BenchOptions, report: (row: BenchRow) => void): Promise<void> {
  const size = sizes(engine, options.quick);
  const db = await openBenchDatabase(engine, options);
  const { storage } = db;
  try {
    const metrics = new StorageEngine(storage);
    const loaded = await measureRun(() => load(storage, metrics, size));
    const series = loaded.result;
    const points = Number((await storage.query<{ n: string }>('SELECT count(*) AS n FROM metric_points'))[0]?.n);
    const dataSizes = { series: size.series, days: size.days, intervalS: size.intervalMs / 1000, points };
    report({ engine, case: 'load (COPY)', perSecond: points / loaded.seconds, unit: 'points', peakRssMb: loaded.peakRssMb, notes: dataSizes });
    // From 91 days before the data: the rollups then know the (empty) buckets
    // before it too, as they would after running for months, so the 90-day range can be routed.
    const refresh = await measureRun(() =>
      refreshAllRollups(storage.engine, { sourceTable: 'metric_points', start: new Date(START - 91 * DAY), end: new Date(START + (size.days + 1) * DAY) }),
    );
    await storage.engine.exec('ANALYZE');
    report({ engine, case: 'refresh metrics_hourly + metrics_daily', notes: { seconds: Math.round(refresh.seconds * 10) / 10 } });

    const iterations = options.quick ? 30 : 100;
    const dataEnd = START + size.days * DAY;
    /** Like a dashboard's "now": not on any bucket boundary. */
    const now = dataEnd - 17 * 60_000 - 3_000;
    const pick = (i: number) => series[hash32(99, i) % series.length] as BenchSeriesRow;
    const ofName = (name: string) => series.filter((s) => s.name === name);
    const count = async (sql: string, params: unknown[]) => Number((await storage.query<{ n: string }>(sql, params))[0]?.n);
    const pointsIn = (ids: number[], start: number, end: number) =>
      count('SELECT count(*) AS n FROM metric_points WHERE series_id = ANY($1::int[]) AND time >= $2 AND time < $3', [ids, new Date(start), new Date(end)]);

    /** `slow`: a baseline over millions of raw points, sampled fewer times. */
    const timed = async (name: string, fn: (i: number) => Promise<number>, notes: Record<string, number | string>, slow = false) => {
      let rows = 0;
      const n = slow ? Math.min(iterations, 30) : iterations;
      const summary = await measureLatency(async (i) => {
        rows += await fn(i);
      }, n);
      const row: BenchRow = { engine, case: name, p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, notes: { ...notes, rowsReturned: Math.round((rows / (n + 5)) * 10) / 10, samples: n, ...dataSizes } };
      report(row);
      return summary;
    };
    const ratio = (library: { p95Ms: number }, sql: { p95Ms: number }) => Math.round((library.p95Ms / sql.p95Ms) * 100) / 100;

    // 1-hour range of one series.
    const hourStart = (i: number) => START + (hash32(5, i) % Math.max(1, (size.days - 1) * 24)) * HOUR + 123_000;
    {
      const s = pick(0);
      const lib = await metrics.queryMetrics({ name: s.name, labels: { market: s.market }, start: hourStart(0), end: hourStart(0) + HOUR });
      const sql = await storage.query<Row>('SELECT time, value FROM metric_points WHERE series_id = $1 AND time >= $2 AND time < $3 ORDER BY time', [s.id, new Date(hourStart(0)), new Date(hourStart(0) + HOUR)]);
      expectSame('1-hour range', lib.map((p) => [p.timestamp.getTime(), p.value]), sql.map((r) => [(r.time as Date).getTime(), Number(r.value)]));
      const scanned = lib.length;
      const sqlT = await timed('1-hour range of one series, hand-written SQL', async (i) => {
        const p = pick(i);
        return (await storage.query('SELECT time, value FROM metric_points WHERE series_id = $1 AND time >= $2 AND time < $3 ORDER BY time', [p.id, new Date(hourStart(i)), new Date(hourStart(i) + HOUR)])).length;
      }, { rowsScanned: scanned });
      // The SQL is given each series' id; the library learns the ids of a filter on its first read
      // (a lookup, then the read) and re-checks them inside each later read. Timed here: later reads, as a running bot makes them.
      for (const p of series) await metrics.queryMetrics({ name: p.name, labels: { market: p.market }, start: hourStart(0), end: hourStart(0) + HOUR });
      const libT = await timed('1-hour range of one series (queryMetrics)', async (i) => {
        const p = pick(i);
        return (await metrics.queryMetrics({ name: p.name, labels: { market: p.market }, start: hourStart(i), end: hourStart(i) + HOUR })).length;
      }, { rowsScanned: scanned, target: '<= 1.2x SQL' });
      report({ engine, case: '1-hour range: library / SQL (p95)', notes: { ratio: ratio(libT, sqlT), target: 1.2 } });
    }

    // Latest point of one name (S/10 series) and of every series.
    const LATEST_SQL = `SELECT s.id, l.time, l.value FROM unnest($1::int[]) AS s(id)
      CROSS JOIN LATERAL (SELECT time, value FROM metric_points WHERE series_id = s.id ORDER BY time DESC LIMIT 1) l ORDER BY s.id`;
    for (const [label, members, query] of [
      [`latest of one name (${ofName('bench.q0').length} series)`, ofName('bench.q0'), { name: 'bench.q0' }],
      [`latest of all ${series.length} series`, series, {}],
    ] as const) {
      const ids = members.map((m) => m.id).sort((a, b) => a - b);
      const byKey = new Map(series.map((s) => [`${s.name}|${s.market}`, s.id]));
      const lib = await metrics.queryLatest(query);
      const sql = await storage.query<Row>(LATEST_SQL, [ids]);
      expectSame(label, lib.map((p) => [byKey.get(`${p.name}|${p.labels.market}`), p.timestamp.getTime(), p.value]).sort((a, b) => (a[0] as number) - (b[0] as number)), sql.map((r) => [r.id, (r.time as Date).getTime(), Number(r.value)]));
      const plainT = await timed(`${label}, hand-written SQL (lateral LIMIT 1)`, async () => (await storage.query(LATEST_SQL, [ids])).length, { rowsScanned: ids.length });
      // The same SQL sent as a named prepared statement (planned once per connection), as the library sends its own.
      const preparedT = await timed(`${label}, hand-written SQL prepared`, async () => (await storage.engine.query(LATEST_SQL, [ids], { prepared: true })).rows.length, { rowsScanned: ids.length });
      const libT = await timed(`${label} (queryLatest)`, async () => (await metrics.queryLatest(query)).length, { rowsScanned: ids.length, target: '<= 1.1x SQL' });
      const bestSql = plainT.p95Ms <= preparedT.p95Ms ? plainT : preparedT;
      report({ engine, case: `${label}: library / best SQL (p95)`, notes: { ratio: ratio(libT, bestSql), vsPlainSql: ratio(libT, plainT), vsPreparedSql: ratio(libT, preparedT), target: 1.1 } });
    }

    // Aggregates: library vs hand-written SQL over raw points vs the rollup read directly.
    const aggregateCase = async (label: string, q: { names: string[]; start: number; end: number; bucket: string; bucketMs: number; aggregations: Aggregation[]; groupBy: boolean }, target?: string) => {
      const members = series.filter((s) => q.names.includes(s.name));
      const ids = members.map((m) => m.id);
      const markets = members.map((m) => m.market);
      const cols = (expr: Record<Aggregation, string>) => q.aggregations.map((a) => `${expr[a]} AS ${a}`).join(', ');
      const rawExpr = { count: 'count(*)', sum: 'sum(p.value)', avg: 'avg(p.value)', min: 'min(p.value)', max: 'max(p.value)', p99: 'percentile_cont(0.99) WITHIN GROUP (ORDER BY p.value)' } as Record<Aggregation, string>;
      const rollupExpr = { count: 'sum(r.count)', sum: 'sum(r.sum)', avg: 'sum(r.sum) / sum(r.count)', min: 'min(r.min)', max: 'max(r.max)' } as Record<Aggregation, string>;
      const group = q.groupBy ? 'g.market' : 'NULL::text';
      const bin = (col: string) => `date_bin(INTERVAL '${q.bucketMs / 1000} seconds', ${col}, TIMESTAMPTZ '2000-01-03 00:00:00+00')`;
      const rawSql = `SELECT ${group} AS market, ${bin('p.time')} AS bucket, ${cols(rawExpr)}
        FROM metric_points p JOIN unnest($1::int[], $2::text[]) AS g(id, market) ON g.id = p.series_id
       WHERE p.series_id = ANY($1::int[]) AND p.time >= $3 AND p.time < $4 GROUP BY 1, 2 ORDER BY 1, 2`;
      const query = { name: q.names, start: q.start, end: q.end, bucket: q.bucket, aggregations: q.aggregations, ...(q.groupBy ? { groupBy: 'market' } : {}) };
      const lib = await metrics.queryAggregated(query);
      const params = [ids, markets, new Date(q.start), new Date(q.end)];
      const sql = await storage.query<Row>(rawSql, params);
      expectSame(label, aggregatedRows(lib, q.aggregations), sqlAggregatedRows(sql, q.aggregations));
      let libScanned = 0;
      for (const s of lib.segments) {
        libScanned += s.source === 'raw'
          ? await pointsIn(ids, s.start.getTime(), s.end.getTime())
          : await count(`SELECT count(*) AS n FROM ${s.source} WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3`, [ids, s.start, s.end]);
      }
      const plan = lib.segments.map((s) => `${s.source}${s.asStored ? ' (as stored)' : ''}`).join('+');
      const sqlT = await timed(`${label}, hand-written SQL over raw points`, async () => (await storage.query(rawSql, params)).length, { rowsScanned: await pointsIn(ids, q.start, q.end) }, true);
      const libT = await timed(`${label} (queryAggregated)`, async () => (await metrics.queryAggregated(query)).length, { rowsScanned: libScanned, plan, ...(target ? { target } : {}) });
      if (q.aggregations.every((a) => rollupExpr[a])) {
        const level = q.bucketMs % DAY === 0 ? 'metrics_daily' : 'metrics_hourly';
        const width = level === 'metrics_daily' ? DAY : HOUR;
        const alignedStart = Math.ceil(q.start / width) * width;
        const alignedEnd = Math.floor(q.end / width) * width;
        const rollupSql = `SELECT ${group} AS market, ${bin('r.bucket')} AS bucket, ${cols(rollupExpr)}
          FROM ${level} r JOIN unnest($1::int[], $2::text[]) AS g(id, market) ON g.id = r.series_id
         WHERE r.series_id = ANY($1::int[]) AND r.bucket >= $3 AND r.bucket < $4 GROUP BY 1, 2 ORDER BY 1, 2`;
        const rollupParams = [ids, markets, new Date(alignedStart), new Date(alignedEnd)];
        await timed(`${label}, ${level} read directly (whole buckets only)`, async () => (await storage.query(rollupSql, rollupParams)).length, {
          rowsScanned: await count(`SELECT count(*) AS n FROM ${level} WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3`, [ids, new Date(alignedStart), new Date(alignedEnd)]),
        });
      }
      report({ engine, case: `${label}: library / SQL (p95)`, notes: { ratio: ratio(libT, sqlT), libraryP95Ms: libT.p95Ms, ...(target ? { target } : {}) } });
    };

    const s0 = pick(3);
    const dayStart = START + Math.max(0, size.days - 2) * DAY + 7 * 60_000;
    await aggregateCase('1-day 5-min buckets, avg/max/p99 (one series)', { names: [s0.name], start: dayStart, end: dayStart + DAY, bucket: '5m', bucketMs: 300_000, aggregations: ['avg', 'max', 'p99'], groupBy: true });
    // The library answers `name = X` for one series' market via labels; here by name grouped by market (S/10 series).
    for (const days of [7, 30]) {
      await aggregateCase(`${days}-day hourly avg/max/count by market (one name, ${ofName('bench.q1').length} series, ending now)`, {
        names: ['bench.q1'], start: now - days * DAY, end: now, bucket: '1h', bucketMs: HOUR, aggregations: ['avg', 'max', 'count'], groupBy: true,
      }, days === 30 ? 'p95 <= 20 ms' : undefined);
    }
    await aggregateCase(`90-day daily avg/min/max/count (one name, all markets together, ending now)`, {
      names: ['bench.q2'], start: now - 90 * DAY, end: now, bucket: '1d', bucketMs: DAY, aggregations: ['avg', 'min', 'max', 'count'], groupBy: false,
    }, 'p95 <= 20 ms');
    await metrics.close();
  } finally {
    await db.dispose();
  }
}
