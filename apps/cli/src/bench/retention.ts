// The `bench retention` suite: what the data lifecycle costs and saves.
//   compression ratio (embedded TimescaleDB): realistic metrics (random walks,
//     1,000 series with labels, one point a minute) and execution data
//     (fills, position snapshots), bytes before and after;
//   retention passes over 100+ daily chunks of metrics: the catch-up pass,
//     the daily pass (one chunk past the policy) and a backlog pass (100+
//     chunks), each next to the raw statement on an identical twin table in
//     the same run (drop_chunks on TimescaleDB, one unbatched DELETE on plain
//     PostgreSQL), plus a per-metric override that deletes rows inside
//     compressed chunks.
//   archive passes (retention-archive.ts): dense metric points moved to the
//     cold tier as Parquet and as CSV.gz, the same rows, rows/s, bytes per
//     row and peak RSS (10M points; --quick 20k).
// Plain PostgreSQL has no compression: there the figures are the batched
// DELETE passes (with their VACUUM) against one big DELETE.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from '@ag/storage-core';
import { RetentionManager, type RetentionReport } from '@ag/storage-retention';
import { openBenchDatabase } from './bench-database.js';
import { measureRun, type BenchEngine, type BenchOptions, type BenchRow, type BenchSuite } from './bench-harness.js';
import { archiveCases, type ArchiveSizes } from './retention-archive.js';
import { DAY, insertExecution, insertPositions, insertRandomWalkPoints, insertSeries, MINUTE } from './retention-data.js';

interface Sizes extends ArchiveSizes {
  compressionSeries: number;
  compressionDays: number;
  orders: number;
  fillsPerOrder: number;
  positionMarkets: number;
  executionDays: number;
  passSeries: number;
  passDays: number;
  passStepMs: number;
}

const FULL: Sizes = {
  compressionSeries: 1000,
  compressionDays: 2,
  orders: 100_000,
  fillsPerOrder: 2,
  positionMarkets: 20,
  executionDays: 28,
  passSeries: 1000,
  passDays: 130,
  passStepMs: 2 * 60 * MINUTE,
  archiveSeries: 1000,
  archiveSteps: 10_000,
};

const QUICK: Sizes = {
  compressionSeries: 200,
  compressionDays: 1,
  orders: 10_000,
  fillsPerOrder: 2,
  positionMarkets: 10,
  executionDays: 14,
  passSeries: 60,
  passDays: 110,
  passStepMs: 6 * 60 * MINUTE,
  archiveSeries: 20,
  archiveSteps: 1000,
};

export const suite: BenchSuite = {
  name: 'retention',
  description: 'archive passes to Parquet vs CSV.gz (rows/s, bytes/row, RSS); compression ratio on metrics and execution data; retention passes over 100+ daily chunks vs the raw statement',
  async run(options, report) {
    const sizes = options.quick ? QUICK : FULL;
    for (const engine of options.engines) {
      await archiveCases(engine, options, sizes, report);
      await compressionCases(engine, options, sizes, report);
      await retentionCases(engine, options, sizes, report);
    }
  },
};

async function compressionCases(engine: BenchEngine, options: BenchOptions, sizes: Sizes, report: (row: BenchRow) => void): Promise<void> {
  const db = await openBenchDatabase(engine, options);
  try {
    const { storage } = db;
    if (!storage.capabilities.compression) {
      report({ engine, case: 'compression', notes: { supported: 'no (no TimescaleDB compression on this server): rows stay hot until removed' } });
      return;
    }
    const end = new Date(Math.floor(Date.now() / DAY) * DAY - 8 * DAY);
    await insertSeries(storage, sizes.compressionSeries);
    const points = await insertRandomWalkPoints(storage, { series: sizes.compressionSeries, days: sizes.compressionDays, stepMs: MINUTE, end });
    const [orders, fills] = await insertExecution(storage, {
      orders: sizes.orders,
      fillsPerOrder: sizes.fillsPerOrder,
      markets: 20,
      days: sizes.executionDays,
      end,
    });
    const positions = await insertPositions(storage, { markets: sizes.positionMarkets, days: sizes.executionDays, stepMs: 5 * MINUTE, end });
    await storage.execute('ANALYZE');
    const manager = new RetentionManager(storage);
    const run = await measureRun(() => manager.compressOldData());
    const status = await manager.checkCompressionStatus();
    const rowsOf: Record<string, number> = { metric_points: points, fills, positions };
    const labels: Record<string, string> = {
      metric_points: `compress metrics (${sizes.compressionSeries} series x ${sizes.compressionDays} d, 1/min random walk)`,
      fills: `compress fills (${fills} fills of ${orders} orders, ${sizes.executionDays} d)`,
      positions: `compress positions (${sizes.positionMarkets} markets, 5-min snapshots, ${sizes.executionDays} d)`,
    };
    for (const table of ['metric_points', 'fills', 'positions']) {
      const s = status.find((x) => x.table === table);
      const t = run.result.tables.find((x) => x.table === table);
      if (!s || !t) continue;
      report({
        engine,
        case: labels[table]!,
        perSecond: rowsOf[table]! / Math.max(t.durationMs / 1000, 1e-9),
        unit: 'rows compressed',
        peakRssMb: run.peakRssMb,
        notes: {
          rows: rowsOf[table]!,
          chunks: s.compressedChunks,
          'MB before (uncompressed, baseline)': mb(s.bytesBeforeCompression),
          'MB after': mb(s.bytesAfterCompression),
          'reduction %': s.savedPercent ?? 0,
          seconds: t.durationMs / 1000,
        },
      });
    }
  } finally {
    await db.dispose();
  }
}

async function retentionCases(engine: BenchEngine, options: BenchOptions, sizes: Sizes, report: (row: BenchRow) => void): Promise<void> {
  const archiveRoot = mkdtempSync(path.join(os.tmpdir(), 'ag-bench-archive-'));
  const db = await openBenchDatabase(engine, options);
  try {
    const { storage } = db;
    const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
    await insertSeries(storage, sizes.passSeries);
    const rows = await insertRandomWalkPoints(storage, { series: sizes.passSeries, days: sizes.passDays, stepMs: sizes.passStepMs, end: now });
    await createTwin(storage);
    const setup = new RetentionManager(storage);
    await setup.compressOldData({ now });
    await setup.refreshRollups({ now });
    await storage.execute('ANALYZE');
    const chunks = await chunkCount(storage, 'metric_points');
    const dataset = `${sizes.passSeries} series x ${sizes.passDays} d, ${rows.toLocaleString('en-US')} rows${chunks ? `, ${chunks} daily chunks, compressed past 7 d` : ''}`;
    const dropsChunks = storage.capabilities.timescale;
    const strategy = dropsChunks ? 'drop_chunks' : 'batched DELETE';

    const pass = async (label: string, days: number, at: Date, extra: Record<string, unknown> = {}) => {
      const manager = new RetentionManager(storage, { metrics_retention_days: days, ...extra });
      const run = await measureRun(() => manager.runRetention({ now: at }));
      const metrics = run.result.tables.find((t) => t.table === 'metric_points')!;
      report(passRow(engine, `${label} (${strategy}; ${dataset})`, run, metrics, run.result));
      return metrics;
    };
    const baseline = async (label: string, days: number, at: Date) => {
      const cutoff = new Date(at.getTime() - days * DAY);
      const before = await twinRows(storage);
      const run = await measureRun(() => rawRemoval(storage, cutoff));
      const removed = before - (await twinRows(storage));
      report({
        engine,
        case: `baseline: ${label}`,
        perSecond: removed / Math.max(run.seconds, 1e-9),
        unit: 'rows removed',
        peakRssMb: run.peakRssMb,
        notes: { seconds: round(run.seconds), rows: removed, chunks: run.result },
      });
    };

    const catchUpDays = sizes.passDays - 10;
    await pass(`catch-up pass, ${catchUpDays}-day retention`, catchUpDays, now);
    await baseline(dropsChunks ? 'raw drop_chunks, same cutoff, twin table' : 'one unbatched DELETE, same cutoff, twin table', catchUpDays, now);
    const tomorrow = new Date(now.getTime() + DAY);
    await pass(`daily pass, next day, ${catchUpDays}-day retention`, catchUpDays, tomorrow);
    await baseline(dropsChunks ? 'raw drop_chunks of the next day' : 'one DELETE of the next day', catchUpDays, tomorrow);
    const overrideDays = Math.floor(catchUpDays / 2);
    await pass(`override pass: metric rtds.lag_ms kept ${overrideDays} d (1 in 5 series, row deletes)`, catchUpDays, tomorrow, {
      metric_overrides: { 'rtds.lag_ms': overrideDays },
    });
    await pass('backlog pass, 10-day retention', 10, tomorrow);
    await baseline(dropsChunks ? 'raw drop_chunks, 10-day cutoff' : 'one unbatched DELETE, 10-day cutoff', 10, tomorrow);
  } finally {
    await db.dispose();
    rmSync(archiveRoot, { recursive: true, force: true });
  }
}

function passRow(engine: BenchEngine, label: string, run: { seconds: number; peakRssMb: number }, metrics: RetentionReport['tables'][number], result: RetentionReport): BenchRow {
  return {
    engine,
    case: label,
    perSecond: metrics.rowsDeleted / Math.max(run.seconds, 1e-9),
    unit: 'rows removed',
    peakRssMb: run.peakRssMb,
    notes: {
      seconds: round(run.seconds),
      'metric_points s': metrics.durationMs / 1000,
      rows: metrics.rowsDeleted,
      chunks: metrics.chunksDropped,
      'MB freed': mb(metrics.bytesFreed),
      'override rows': result.metricOverrides.reduce((n, o) => n + o.rowsDeleted, 0),
    },
  };
}

/** metric_points_twin: the same rows in a table the library does not manage, for the raw-statement baselines. */
async function createTwin(storage: Storage): Promise<void> {
  await storage.execute(`CREATE TABLE metric_points_twin (LIKE metric_points INCLUDING ALL)`);
  if (storage.capabilities.timescale) {
    await storage.query(`SELECT create_hypertable('metric_points_twin', by_range('time', INTERVAL '1 day'))`);
  }
  await storage.execute(`INSERT INTO metric_points_twin SELECT * FROM metric_points`);
}

/** The raw statement on the twin; returns the chunks dropped (0 for a DELETE). */
async function rawRemoval(storage: Storage, cutoff: Date): Promise<number> {
  if (storage.capabilities.timescale) {
    return (await storage.query(`SELECT drop_chunks('metric_points_twin', older_than => $1::timestamptz)`, [cutoff])).length;
  }
  await storage.execute(`DELETE FROM metric_points_twin WHERE time < $1`, [cutoff]);
  return 0;
}

async function twinRows(storage: Storage): Promise<number> {
  return Number((await storage.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM metric_points_twin`))[0]?.n ?? 0);
}

async function chunkCount(storage: Storage, table: string): Promise<number> {
  if (!storage.capabilities.timescale) return 0;
  return Number((await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = $1`, [table]))[0]?.n ?? 0);
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 100) / 100;
const round = (n: number) => Math.round(n * 1000) / 1000;
