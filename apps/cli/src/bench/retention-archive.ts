// The archive cases of `bench retention`: a retention pass that moves dense
// metric points out to the cold tier, once as Parquet and once as CSV.gz, on
// the same rows (the same seeded random walk loaded again before each pass),
// in one run: rows archived per second, bytes per row on disk, and the peak
// RSS of the process (with the RSS it started from, so the archive's own share
// shows even where the embedded engine lives in the same process).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RetentionManager } from '@ag/storage-retention';
import { openBenchDatabase } from './bench-database.js';
import { measureRun, type BenchEngine, type BenchOptions, type BenchRow } from './bench-harness.js';
import { DAY, insertRandomWalkPoints, insertSeries, MINUTE } from './retention-data.js';

export interface ArchiveSizes {
  /** Series, each with `archiveSteps` points one minute apart. */
  archiveSeries: number;
  archiveSteps: number;
}

const FORMATS = ['parquet', 'csv.gz'] as const;

export async function archiveCases(engine: BenchEngine, options: BenchOptions, sizes: ArchiveSizes, report: (row: BenchRow) => void): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ag-bench-archive-'));
  const db = await openBenchDatabase(engine, options);
  try {
    const { storage } = db;
    await insertSeries(storage, sizes.archiveSeries);
    const now = new Date(Math.floor(Date.now() / DAY) * DAY);
    const end = new Date(now.getTime() - 30 * DAY);
    const days = (sizes.archiveSteps * MINUTE) / DAY;
    const results: Record<string, { perSecond: number; bytesPerRow: number }> = {};
    for (const format of FORMATS) {
      const rows = await insertRandomWalkPoints(storage, { series: sizes.archiveSeries, days, stepMs: MINUTE, end });
      await storage.execute('ANALYZE metric_points');
      const manager = new RetentionManager(storage, {
        metrics_retention_days: 7,
        archive_enabled: true,
        archive_directory: path.join(root, format),
        archive_format: format,
      });
      const rssBefore = Math.round(process.memoryUsage.rss() / 1048576);
      const run = await measureRun(() => manager.runRetention({ now }));
      const files = run.result.archive?.files.filter((f) => f.table === 'metric_points') ?? [];
      const archived = files.reduce((n, f) => n + f.rowCount, 0);
      const bytes = files.reduce((n, f) => n + f.bytes, 0);
      const perSecond = archived / Math.max(run.seconds, 1e-9);
      results[format] = { perSecond, bytesPerRow: bytes / Math.max(archived, 1) };
      report({
        engine,
        case: `archive pass to ${format} (${sizes.archiveSeries} series x ${sizes.archiveSteps.toLocaleString('en-US')} points, 1/min: ${rows.toLocaleString('en-US')} rows)`,
        perSecond,
        unit: 'rows archived',
        peakRssMb: run.peakRssMb,
        notes: {
          rows: archived,
          seconds: Math.round(run.seconds * 1000) / 1000,
          'bytes/row': Math.round((bytes / Math.max(archived, 1)) * 100) / 100,
          'MB on disk': Math.round((bytes / 1048576) * 100) / 100,
          files: files.length,
          'RSS MB before': rssBefore,
          'RSS MB added': run.peakRssMb - rssBefore,
          ...(format === 'csv.gz' && results.parquet
            ? { 'parquet/csv.gz rows/s': ratio(results.parquet.perSecond, perSecond), 'parquet/csv.gz bytes/row': ratio(results.parquet.bytesPerRow, results[format].bytesPerRow) }
            : {}),
        },
      });
    }
  } finally {
    await db.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 1e-12)) * 1000) / 1000;
