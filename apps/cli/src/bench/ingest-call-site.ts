// The headline ingest case of `bench ingest` (issue 13): bufferMetric fed
// the way a bot's call site feeds it (a new point and a new labels object per
// call, `new Date(...)` timestamps, each call awaited), against the physical
// limit measured in the same run on the same rows: raw COPY into a table
// shaped like metric_points (same primary key and indexes, a hypertable where
// the engine has one) with 1, 2 and 4 streams (1 on a single-connection
// engine, whose COPY path is the engine's own). The best stream count is the
// limit; the same COPY into metric_points itself shows what its rollup
// triggers add. The library runs with 2 and 4 writers (1 on a single-connection
// engine) and each ratio is printed. Both answers are checked: row count and
// sum. Where the time goes: the sink's prepare and database time per point,
// and the producer's and acceptance's cost measured with no write running.

import type { Storage } from '@ag/storage-core';
import { StorageEngine } from '@ag/storage-metrics';
import { measureRun, type BenchEngine, type BenchRow } from './bench-harness.js';
import { pointAt, pointsCopyText, type PointSource } from './metrics-data.js';

/** Points of the call-site case: BENCH_INGEST_POINTS, or 1M (100k with --quick). */
export function callSitePoints(quick: boolean): number {
  const fromEnv = Number(process.env.BENCH_INGEST_POINTS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return quick ? 100_000 : 1_000_000;
}

const COPY_BATCH = 10_000;
const LIMIT_TABLE = 'bench_copy_limit';

export async function runCallSiteCase(engine: BenchEngine, storage: Storage, source: PointSource, ids: number[], points: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sizes = { points, series: source.series.length, serverVersion: storage.capabilities.serverVersion };
  await storage.engine.exec(`CREATE TABLE ${LIMIT_TABLE} (LIKE metric_points INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
  if (storage.capabilities.timescale) await storage.query(`SELECT create_hypertable($1, by_range('time', INTERVAL '1 day'))`, [LIMIT_TABLE]);
  const streamCounts = storage.engine.traits.singleConnection ? [1] : [1, 2, 4];
  let best: BenchRow | undefined;
  for (const streams of streamCounts) {
    await storage.execute(`TRUNCATE ${LIMIT_TABLE}`);
    const { seconds } = await measureRun(() => copyStreams(storage, source, ids, points, streams));
    const row: BenchRow = { engine, case: `raw COPY, ${streams} stream(s), metric_points' shape (the limit)`, perSecond: points / seconds, unit: 'rows', notes: { ...sizes, streams } };
    rows.push(row);
    if (!best || (row.perSecond ?? 0) > (best.perSecond ?? 0)) best = row;
  }
  const expected = await countAndSum(storage, LIMIT_TABLE);
  // The same COPY into metric_points itself, with what the library's rollups
  // add to every write there (change tracking, continuous aggregate
  // invalidation): what is left of the gap is the library's own.
  {
    const streams = Number(best?.notes?.streams ?? 1);
    await storage.execute('TRUNCATE metric_points');
    const { seconds } = await measureRun(() => copyStreams(storage, source, ids, points, streams, 'metric_points'));
    rows.push({ engine, case: `raw COPY, ${streams} stream(s), into metric_points itself (its rollup triggers)`, perSecond: points / seconds, unit: 'rows', notes: { ...sizes, streams, vsBestCopy: points / seconds / (best?.perSecond ?? 1) } });
  }

  const writerCounts = storage.engine.traits.singleConnection ? [1] : [2, 4];
  for (const writers of writerCounts) {
    await storage.execute('TRUNCATE metric_points');
    let stats: ReturnType<StorageEngine['stats']> | undefined;
    const { seconds, peakRssMb } = await measureRun(async () => {
      const metrics = new StorageEngine(storage, { ingestion: { writer_concurrency: writers } });
      for (let i = 0; i < points; i += 1) {
        const p = pointAt(source, i);
        // As a call site writes it: a new object, a new labels object, a Date.
        await metrics.bufferMetric({ name: p.name, value: p.value, timestamp: new Date(p.timestamp), labels: { ...p.labels } });
      }
      await metrics.close();
      stats = metrics.stats();
    });
    const stored = await countAndSum(storage, 'metric_points');
    if (stored.count !== expected.count || stored.sum !== expected.sum) {
      throw new Error(`ingest bench: bufferMetric stored ${stored.count} rows (sum ${stored.sum}), raw COPY ${expected.count} (sum ${expected.sum})`);
    }
    const perSecond = points / seconds;
    const perPoint = (ms: number) => Math.round(((ms * 1000) / points) * 100) / 100;
    rows.push({
      engine,
      case: `bufferMetric, bot call site (new labels object + Date per call, awaited), ${writers} writer(s)`,
      perSecond,
      unit: 'points',
      peakRssMb,
      notes: {
        ...sizes,
        writers,
        vsBestCopy: perSecond / (best?.perSecond ?? 1),
        bestCopyStreams: Number(best?.notes?.streams ?? 1),
        usPerPoint: (seconds * 1e6) / points,
        // Where the sink's time went (summed over writers, so database time can exceed the wall time).
        prepareUs: perPoint(stats?.sinkPrepareMs ?? 0),
        databaseUs: perPoint(stats?.sinkDatabaseMs ?? 0),
        labelValidations: stats?.labelValidations ?? 0,
        flushes: stats?.flushes ?? 0,
      },
    });
  }
  await storage.execute('TRUNCATE metric_points');
  const stages = await measureStages(storage, source, Math.min(points, STAGE_POINTS));
  rows.push({
    engine,
    case: 'bufferMetric on the producer\'s turn, no write running (us per point per stage)',
    notes: { producerUs: stages.producerUs, acceptUs: stages.acceptUs, stagePoints: stages.points },
  });
  await storage.execute('TRUNCATE metric_points');
  return rows;
}

/** Points of the stage measurement: held in the buffer at once. */
const STAGE_POINTS = 200_000;

/**
 * The producer's own cost (new objects and Dates, awaited calls to a no-op)
 * and what accepting adds (normalizing, batching), measured with no write
 * running: the buffer holds every point until close() writes them.
 */
async function measureStages(storage: Storage, source: PointSource, points: number): Promise<{ producerUs: number; acceptUs: number; points: number }> {
  const noop = async (_point: unknown) => undefined;
  const producer = await measureRun(async () => {
    for (let i = 0; i < points; i += 1) {
      const p = pointAt(source, i);
      await noop({ name: p.name, value: p.value, timestamp: new Date(p.timestamp), labels: { ...p.labels } });
    }
  });
  // One more than the points: no batch is sealed (and written) while accepting.
  const metrics = new StorageEngine(storage, { ingestion: { batch_size: points + 1, max_buffer_size: points + 1, flush_interval_ms: 3_600_000 } });
  const accepting = await measureRun(async () => {
    for (let i = 0; i < points; i += 1) {
      const p = pointAt(source, i);
      await metrics.bufferMetric({ name: p.name, value: p.value, timestamp: new Date(p.timestamp), labels: { ...p.labels } });
    }
  });
  await metrics.close();
  await storage.execute('TRUNCATE metric_points');
  const us = (s: number) => Math.round(((s * 1e6) / points) * 100) / 100;
  return { producerUs: us(producer.seconds), acceptUs: us(accepting.seconds - producer.seconds), points };
}

async function copyStreams(storage: Storage, source: PointSource, ids: number[], points: number, streams: number, table = LIMIT_TABLE): Promise<void> {
  let next = 0;
  const stream = async () => {
    for (let from = next; from < points; from = next) {
      next += COPY_BATCH;
      await storage.engine.copyFrom(`COPY ${table} (time, series_id, value) FROM STDIN`, pointsCopyText(source, ids, from, Math.min(points, from + COPY_BATCH)));
    }
  };
  await Promise.all(Array.from({ length: streams }, stream));
}


async function countAndSum(storage: Storage, table: string): Promise<{ count: number; sum: string }> {
  const [row] = await storage.query<{ n: string; s: string }>(`SELECT count(*)::text AS n, coalesce(sum(value::numeric), 0)::text AS s FROM ${table}`);
  return { count: Number(row?.n), sum: String(row?.s) };
}
