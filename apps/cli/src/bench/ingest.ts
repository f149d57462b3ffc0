// The `bench ingest` suite: metric points per second, and peak RSS, for the
// buffered pipeline (also with and without the crash-safe spool),
// insertMetricsBatch and single-point insertMetric, next to their baselines
// in the same run on the same rows: raw COPY into a same-shaped table
// without conflict handling, a raw unnest INSERT, and Prisma createMany.
// One database per engine; metric_points is emptied between cases (the
// series stay, as they would in production).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeepPartial, Storage, StorageConfig } from '@ag/storage-core';
import { StorageEngine } from '@ag/storage-metrics';
import { measureRun, type BenchEngine, type BenchOptions, type BenchRow, type BenchSuite } from './bench-harness.js';
import { openBenchDatabase } from './bench-database.js';
import { callSitePoints, runCallSiteCase } from './ingest-call-site.js';
import { benchSeries, pointAt, pointsBetween, pointsCopyText, type PointSource } from './metrics-data.js';

const BATCH = 10_000;
/** Producers of the spool cases keep this many bufferMetric calls in flight. */
const SPOOL_WINDOW = 10_000;

/** The pipeline settings the buffered case runs with (reported with its figures). */
const INGEST_CONFIG: DeepPartial<StorageConfig> = {
  ingestion: { batch_size: BATCH, max_buffer_size: 50_000, flush_interval_ms: 200, writer_concurrency: 2 },
};

interface Sizes {
  points: number;
  createMany: number;
  single: number;
}

function sizes(engine: BenchEngine, quick: boolean): Sizes {
  if (engine !== 'embedded') return quick ? { points: 200_000, createMany: 20_000, single: 1_000 } : { points: 2_000_000, createMany: 100_000, single: 5_000 };
  return quick ? { points: 100_000, createMany: 10_000, single: 500 } : { points: 500_000, createMany: 50_000, single: 2_000 };
}

const CREATE_TARGET = (table: string) => `CREATE TABLE ${table} (LIKE metric_points INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`;

export const suite: BenchSuite = {
  name: 'ingest',
  description: 'metric points/s: buffered pipeline, insertMetricsBatch, insertMetric vs raw COPY, raw unnest, Prisma createMany',
  async run(options, report) {
    for (const engine of options.engines) await runEngine(engine, options, report);
  },
};

async function runEngine(engine: BenchEngine, options: BenchOptions, report: (row: BenchRow) => void): Promise<void> {
  const n = sizes(engine, options.quick);
  const db = await openBenchDatabase(engine, options, INGEST_CONFIG);
  const { storage } = db;
  try {
    const source: PointSource = { series: benchSeries(1000), start: Date.UTC(2026, 9, 1), stepMs: 1000, seed: 7 };
    const ids = await createSeries(storage, source);
    // The headline case first, against 1, 2 and 4 COPY streams (BENCH_INGEST_CALL_SITE_ONLY=1: only it).
    for (const row of await runCallSiteCase(engine, storage, source, ids, callSitePoints(options.quick))) report(row);
    if (process.env.BENCH_INGEST_CALL_SITE_ONLY === '1') return;
    for (const table of ['bench_copy_target', 'bench_unnest_target']) {
      await storage.engine.exec(CREATE_TARGET(table));
      if (storage.capabilities.timescale) await storage.query(`SELECT create_hypertable($1, by_range('time', INTERVAL '1 day'))`, [table]);
    }
    const rows: BenchRow[] = [];
    const run = async (name: string, points: number, fn: () => Promise<unknown>, notes: Record<string, number | string> = {}) => {
      await storage.execute('TRUNCATE metric_points');
      const rssBeforeMb = Math.round(process.memoryUsage.rss() / 1048576);
      const { seconds, peakRssMb } = await measureRun(fn);
      const row: BenchRow = { engine, case: name, perSecond: points / seconds, unit: 'points', peakRssMb, notes: { points, rssGrowthMb: peakRssMb - rssBeforeMb, ...notes } };
      rows.push(row);
      return row;
    };

    const copy = await run('raw COPY (same-shaped table, no conflict handling)', n.points, async () => {
      for (let from = 0; from < n.points; from += BATCH) {
        await storage.engine.copyFrom('COPY bench_copy_target (time, series_id, value) FROM STDIN', pointsCopyText(source, ids, from, Math.min(n.points, from + BATCH)));
      }
    });
    let parallelCopy: BenchRow | undefined;
    if (!storage.engine.traits.singleConnection) {
      // The pipeline writes with two connections; this is the same ceiling for raw COPY.
      await storage.execute('TRUNCATE bench_copy_target');
      parallelCopy = await run('raw COPY, 2 streams in parallel (same-shaped table)', n.points, async () => {
        let next = 0;
        const stream = async () => {
          for (let from = next; from < n.points; from = next) {
            next += BATCH;
            await storage.engine.copyFrom('COPY bench_copy_target (time, series_id, value) FROM STDIN', pointsCopyText(source, ids, from, Math.min(n.points, from + BATCH)));
          }
        };
        await Promise.all([stream(), stream()]);
      });
    }
    await run('raw COPY into metric_points itself (its triggers and indexes)', n.points, async () => {
      for (let from = 0; from < n.points; from += BATCH) {
        await storage.engine.copyFrom('COPY metric_points (time, series_id, value) FROM STDIN', pointsCopyText(source, ids, from, Math.min(n.points, from + BATCH)));
      }
    });
    await run('raw unnest INSERT (same-shaped table)', n.points, async () => {
      for (let from = 0; from < n.points; from += BATCH) {
        const batch = pointsBetween(source, from, Math.min(n.points, from + BATCH));
        await storage.query(
          `INSERT INTO bench_unnest_target (time, series_id, value) SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::float8[])`,
          [batch.map((p) => new Date(p.timestamp)), batch.map((_, k) => ids[(from + k) % ids.length] as number), batch.map((p) => p.value)],
        );
      }
    });
    const createMany = await run('Prisma createMany', n.createMany, async () => {
      for (let from = 0; from < n.createMany; from += BATCH) {
        const batch = pointsBetween(source, from, Math.min(n.createMany, from + BATCH));
        await storage.prisma.metricPoint.createMany({
          data: batch.map((p, k) => ({ time: new Date(p.timestamp), seriesId: ids[(from + k) % ids.length] as number, value: p.value })),
        });
      }
    });
    const ratios = (row: BenchRow) => ({
      vsRawCopy: (row.perSecond ?? 0) / (copy.perSecond ?? 1),
      vsCreateMany: (row.perSecond ?? 0) / (createMany.perSecond ?? 1),
      ...(parallelCopy ? { vsRawCopy2Streams: (row.perSecond ?? 0) / (parallelCopy.perSecond ?? 1) } : {}),
    });

    const batched = await run('insertMetricsBatch (10k batches)', n.points, async () => {
      const metrics = new StorageEngine(storage);
      for (let from = 0; from < n.points; from += BATCH) await metrics.insertMetricsBatch(pointsBetween(source, from, Math.min(n.points, from + BATCH)));
      await metrics.close();
    });
    batched.notes = { ...batched.notes, ...ratios(batched) };

    let stats: ReturnType<StorageEngine['stats']> | undefined;
    const buffered = await run('buffered pipeline (bufferMetric per point, then close)', n.points, async () => {
      const metrics = new StorageEngine(storage);
      for (let i = 0; i < n.points; i += 1) await metrics.bufferMetric(pointAt(source, i));
      await metrics.close();
      stats = metrics.stats();
    });
    buffered.notes = {
      ...buffered.notes,
      ...ratios(buffered),
      batch_size: BATCH,
      max_buffer_size: 50_000,
      writers: engine !== 'embedded' ? 2 : 1,
      maxFlushMs: Math.round(stats?.maxFlushLatencyMs ?? 0),
      written: stats?.written ?? 0,
    };

    // The crash-safe spool, side by side with the same producers without it:
    // SPOOL_WINDOW bufferMetric calls in flight, then wait for their
    // acknowledgements (with the spool: the fsync covering them).
    const windowed = (spoolDirectory: string | undefined) => async () => {
      const metrics = new StorageEngine(storage, { ingestion: spoolDirectory ? { spool_directory: spoolDirectory } : {} });
      let window: Promise<void>[] = [];
      for (let i = 0; i < n.points; i += 1) {
        window.push(metrics.bufferMetric(pointAt(source, i)));
        if (window.length === SPOOL_WINDOW) {
          await Promise.all(window);
          window = [];
        }
      }
      await Promise.all(window);
      await metrics.close();
      stats = metrics.stats();
    };
    const spoolOff = await run(`buffered, ${SPOOL_WINDOW} bufferMetric in flight, spool off`, n.points, windowed(undefined));
    const spoolDirectory = await mkdtemp(path.join(tmpdir(), 'ag-bench-spool-'));
    try {
      const spoolOn = await run(`buffered, ${SPOOL_WINDOW} bufferMetric in flight, spool on (fsync every 20 ms)`, n.points, windowed(spoolDirectory));
      spoolOn.notes = {
        ...spoolOn.notes,
        vsSpoolOff: (spoolOn.perSecond ?? 0) / (spoolOff.perSecond ?? 1),
        fsyncs: stats?.spoolFsyncs ?? 0,
        pointsPerFsync: Math.round((stats?.spooledPoints ?? 0) / Math.max(1, stats?.spoolFsyncs ?? 0)),
      };
    } finally {
      await rm(spoolDirectory, { recursive: true, force: true });
    }

    await run('insertMetric (one point per call)', n.single, async () => {
      const metrics = new StorageEngine(storage);
      for (let i = 0; i < n.single; i += 1) await metrics.insertMetric(pointAt(source, i));
      await metrics.close();
    });

    for (const row of rows) report(row);
    const stored = Number((await storage.query<{ n: number }>('SELECT count(*) AS n FROM metric_points'))[0]?.n);
    if (stored !== n.single) throw new Error(`ingest bench: expected ${n.single} points after the last case, found ${stored}`);
  } finally {
    await db.dispose();
  }
}

/** Creates the series (one early point each) and returns their ids, by index in source.series. */
async function createSeries(storage: Storage, source: PointSource): Promise<number[]> {
  const metrics = new StorageEngine(storage);
  await metrics.insertMetricsBatch(source.series.map((s) => ({ ...s, value: 0, timestamp: source.start - 86_400_000 })));
  const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(Object.entries(labels).sort())}`;
  const byKey = new Map((await metrics.listSeries()).map((s) => [key(s.name, s.labels), s.id]));
  await metrics.close();
  return source.series.map((s) => byKey.get(key(s.name, s.labels)) as number);
}

