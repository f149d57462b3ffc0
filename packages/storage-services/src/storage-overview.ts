// What /api/stats and the dashboard show about the storage itself: table
// sizes and time ranges, compression per hypertable and overall, TimescaleDB
// jobs, the lifecycle scheduler, ingest counters and the connection pool.
// Computing it takes a few dozen catalog queries, so it is cached for a few
// seconds (the ingest counters and pool figures are read fresh every time).
// The row counts and the database size are read from storage.reader (the
// replica, with database.read_url); the tables' sizes, compression and jobs
// come from the retention manager, on the primary.

import type { IngestStats } from '@ag/storage-metrics';
import { compressionFigures, type CompressionStatus, type JobHealth, type SchedulerStatus, type TableStorageStats } from '@ag/storage-retention';
import { countRows, tablesWhere, type PoolStats } from '@ag/storage-core';
import type { StorageServices } from './storage-services.js';

export interface StorageOverview {
  engine: string;
  timescale: { version: string; license: string } | null;
  databaseBytes: number;
  /** Exact row counts of the tables the table registry marks `overview`. */
  rows: Record<string, number>;
  tables: TableStorageStats[];
  compression: {
    tables: CompressionStatus[];
    /** All compressed chunks together: bytes before and after, and the before/after ratio of compression-ratio.ts in @ag/storage-retention. */
    bytesBefore: number;
    bytesAfter: number;
    ratio: number | null;
    savedPercent: number | null;
  };
  jobs: JobHealth[];
  scheduler: Pick<SchedulerStatus, 'running' | 'nextRun'> & { failures: number; lastRun: { task: string; status: string; finishedAt: Date } | null } | null;
  ingest: IngestStats;
  pool: PoolStats;
  computedAt: Date;
}

type CachedPart = Omit<StorageOverview, 'ingest' | 'pool' | 'scheduler'>;

const DATABASE_SIZE = `SELECT pg_database_size(current_database())::int8 AS bytes`;

/** The tables counted in the overview, read at each computation: those the table registry marks `overview`. */
export function countedTables(): string[] {
  return tablesWhere('overview');
}

export class StorageOverviewCache {
  private cached: { at: number; value: Promise<CachedPart> } | undefined;

  constructor(
    private readonly services: StorageServices,
    private readonly ttlMs = 5_000,
  ) {}

  async get(): Promise<StorageOverview> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const value = this.compute();
      this.cached = { at: now, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = undefined;
      });
    }
    const part = await this.cached.value;
    const scheduler = this.services.scheduler?.status();
    return {
      ...part,
      scheduler: scheduler
        ? {
            running: scheduler.running,
            nextRun: scheduler.nextRun,
            failures: scheduler.failures.length,
            lastRun: scheduler.lastRun ? { task: scheduler.lastRun.task, status: scheduler.lastRun.status, finishedAt: scheduler.lastRun.finishedAt } : null,
          }
        : null,
      ingest: this.services.metrics.stats(),
      pool: this.services.storage.engine.poolStats(),
    };
  }

  private async compute(): Promise<CachedPart> {
    const { storage, retention } = this.services;
    const tables = await retention.getStorageStats();
    const compressionTables = await retention.checkCompressionStatus();
    const jobs = await retention.checkJobs();
    // The row counts scan whole tables: they run where reads go (storage.reader, the replica of database.read_url).
    const [size] = await storage.readQuery<{ bytes: number }>(DATABASE_SIZE);
    const rows = await countRows({ query: (sql, params) => storage.readQuery(sql, params) }, countedTables());
    const bytesBefore = compressionTables.reduce((n, t) => n + t.bytesBeforeCompression, 0);
    const bytesAfter = compressionTables.reduce((n, t) => n + t.bytesAfterCompression, 0);
    return {
      engine: storage.engineKind,
      timescale: storage.capabilities.timescale,
      databaseBytes: Number(size?.bytes ?? 0),
      rows,
      tables,
      compression: {
        tables: compressionTables,
        bytesBefore,
        bytesAfter,
        ...compressionFigures(bytesBefore, bytesAfter),
      },
      jobs,
      computedAt: new Date(),
    };
  }
}
