// RetentionManager: the data lifecycle of one database. Rows are hot
// (uncompressed), then warm (compressed chunks, TimescaleDB), then cold
// (archive files, when archiving is on) or gone, by the policies of the
// `retention` configuration. Every operation works on each engine kind; what
// differs (drop_chunks or batched DELETE, compression or not, TimescaleDB
// policies or not) is decided from storage.capabilities.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError, type Storage } from '@ag/storage-core';
import { archiveSelectList, tableColumns } from './archive/archive-columns.js';
import { readManifest, type ArchiveFile, type ArchiveManifest } from './archive/archive-manifest.js';
import { ArchiveWriter, type ArchiveRow } from './archive/archive-writer.js';
import { restoreArchive, type RestoreOptions, type RestoreReport } from './archive/restore-archive.js';
import { checkCompressionStatus, compressOldData, type CompressionReport, type CompressionStatus } from './compression.js';
import { ACTIVE_ORDER_STATUSES, removalOrder, TIME_COLUMN, type ManagedTable } from './managed-tables.js';
import { NOTHING_REMOVED, retentionStrategyFor, type RemovalResult, type RetentionStrategy } from './removal/retention-strategy.js';
import { daysBefore, resolveRetentionPolicies, type RetentionPolicies, type RetentionPolicyInput } from './retention-policies.js';
import { advanceWatermark } from './retention-watermarks.js';
import { refreshRollupsSafely, removeOldRollupRows, type RollupRefreshResult, type RollupRetentionResult } from './rollup-maintenance.js';
import { listRuns, pruneRuns, type LifecycleRun } from './scheduler/run-log.js';
import { quoteIdentifier } from './sql-identifier.js';
import { getStorageStats, tableTotalBytes, type TableStorageStats } from './storage-stats.js';
import { alignPolicies, type PolicyChange } from './timescale/policy-alignment.js';
import { isHypertable } from './timescale/chunks.js';
import { judgeJob, listTimescaleJobs, type JobHealth } from './timescale/timescale-jobs.js';

export interface TableRetentionResult {
  table: ManagedTable;
  /** null: kept forever. */
  retentionDays: number | null;
  cutoff: Date | null;
  strategy: RetentionStrategy['name'] | 'kept';
  chunksDropped: number;
  rowsDeleted: number;
  /** Rows written to the archive before removal. */
  archivedRows: number;
  bytesBefore: number;
  bytesAfter: number;
  /** bytesBefore - bytesAfter. A plain-PostgreSQL DELETE frees space for reuse (VACUUM), rarely on disk. */
  bytesFreed: number;
  durationMs: number;
}

export interface MetricOverrideResult {
  metricName: string;
  retentionDays: number;
  cutoff: Date;
  seriesCount: number;
  rowsDeleted: number;
}

export interface RetentionReport {
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  /** The time retention was measured from. */
  now: Date;
  strategy: RetentionStrategy['name'];
  policyChanges: PolicyChange[];
  /** Rollups brought up to date before raw rows were removed. */
  refreshed: RollupRefreshResult[];
  tables: TableRetentionResult[];
  metricOverrides: MetricOverrideResult[];
  rollups: RollupRetentionResult[];
  archive: { directory: string; files: ArchiveFile[] } | null;
}

export interface RunOptions {
  /** Measure ages from this time instead of the clock (tests, replays). */
  now?: Date;
}

const KEEP_RUN_LOG_DAYS = 90;

export class RetentionManager {
  readonly policies: RetentionPolicies;
  private readonly strategy: RetentionStrategy;

  /** `policies` overrides keys of the configuration's `retention` section (validated the same way). */
  constructor(
    readonly storage: Storage,
    policies: RetentionPolicyInput = {},
  ) {
    this.policies = resolveRetentionPolicies(storage.config.retention, policies);
    this.strategy = retentionStrategyFor(storage);
  }

  /**
   * One retention pass: aligns the TimescaleDB policies, brings the rollups
   * up to date, archives (when on) and removes what is past each policy,
   * removes rollup rows past theirs, and reports per table.
   */
  async runRetention(options: RunOptions = {}): Promise<RetentionReport> {
    const now = checkedNow(options.now);
    const startedAt = new Date();
    const t0 = performance.now();
    const policyChanges = await this.alignPolicies();
    const refreshed = await refreshRollupsSafely(this.storage, { now });
    const archive = this.policies.archive.enabled ? await ArchiveWriter.create(this.policies.archive.directory, now, this.policies.archive.format, this.storage.engine) : null;

    const tables: TableRetentionResult[] = [];
    const metricOverrides: MetricOverrideResult[] = [];
    // Every managed table of the registry, referencing tables first (fills before orders).
    for (const table of removalOrder()) {
      const days = this.policies.tables[table] ?? null;
      const remove =
        table === 'metric_points'
          ? () => this.removeMetricPoints(now, archive, metricOverrides)
          : table === 'orders'
            ? () => this.removeOrders(now, archive)
            : () => this.removeTable(table, days, now, archive);
      tables.push(await this.measure(table, days, now, remove));
    }
    if (archive) await this.archiveReferencedSeries(archive);
    const finished = archive ? await archive.finish() : null;

    const rollups = await removeOldRollupRows(this.storage, this.policies, now);
    await this.vacuumAfterDeletes(tables);
    await pruneRuns(this.storage.engine, KEEP_RUN_LOG_DAYS);

    for (const t of tables) t.archivedRows = finished?.manifest.files.find((f) => f.table === t.table)?.rowCount ?? 0;
    const report: RetentionReport = {
      startedAt,
      finishedAt: new Date(),
      durationMs: Math.round(performance.now() - t0),
      now,
      strategy: this.strategy.name,
      policyChanges,
      refreshed,
      tables,
      metricOverrides,
      rollups,
      archive: finished ? { directory: finished.directory, files: finished.manifest.files } : null,
    };
    this.storage.logger.info(
      {
        durationMs: report.durationMs,
        rowsDeleted: tables.reduce((n, t) => n + t.rowsDeleted, 0),
        chunksDropped: tables.reduce((n, t) => n + t.chunksDropped, 0),
        archive: report.archive?.directory,
      },
      'retention pass done',
    );
    return report;
  }

  /** Compresses hypertable chunks older than compression_after_days (idempotent; nothing on engines without compression). */
  compressOldData(options: RunOptions = {}): Promise<CompressionReport> {
    return compressOldData(this.storage, this.policies, checkedNow(options.now));
  }

  getStorageStats(): Promise<TableStorageStats[]> {
    return getStorageStats(this.storage);
  }

  checkCompressionStatus(): Promise<CompressionStatus[]> {
    return checkCompressionStatus(this.storage);
  }

  /** Makes the TimescaleDB policies and rollup lookbacks match the configuration; returns the changes. */
  alignPolicies(): Promise<PolicyChange[]> {
    return alignPolicies(this.storage, this.policies);
  }

  /** Brings rollups up to date without ever recomputing below removed raw rows. */
  refreshRollups(options: RunOptions & { kind?: 'continuous_aggregate' | 'table' } = {}): Promise<RollupRefreshResult[]> {
    return refreshRollupsSafely(this.storage, { now: checkedNow(options.now), ...(options.kind ? { kind: options.kind } : {}) });
  }

  /** Loads an archive back (idempotent). `archivePath`: an archive directory or its manifest.json. */
  restoreArchive(archivePath: string, options: RestoreOptions = {}): Promise<RestoreReport> {
    return restoreArchive(this.storage, archivePath, options);
  }

  /** The archives under the configured directory, oldest first. */
  async listArchives(): Promise<Array<{ directory: string; manifest: ArchiveManifest }>> {
    const root = path.resolve(this.policies.archive.directory);
    let entries: string[];
    try {
      entries = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      return [];
    }
    const archives: Array<{ directory: string; manifest: ArchiveManifest }> = [];
    for (const entry of entries) {
      try {
        archives.push(await readManifest(path.join(root, entry)));
      } catch {
        // Not an archive (or a pass that died before its first file): skipped.
      }
    }
    return archives;
  }

  /** TimescaleDB jobs and whether each is healthy (empty where there are no jobs). */
  async checkJobs(options: RunOptions = {}): Promise<JobHealth[]> {
    if (!this.storage.capabilities.jobs) return [];
    const now = checkedNow(options.now);
    return (await listTimescaleJobs(this.storage.engine)).map((job) => judgeJob(job, now));
  }

  /** The scheduler's recorded passes, newest first. */
  listRuns(task?: string, limit?: number): Promise<LifecycleRun[]> {
    return listRuns(this.storage.engine, task, limit);
  }

  private async measure(
    table: ManagedTable,
    days: number | null,
    now: Date,
    remove: () => Promise<RemovalResult>,
  ): Promise<TableRetentionResult> {
    const t0 = performance.now();
    const bytesBefore = await tableTotalBytes(this.storage, table);
    const result = days === null ? NOTHING_REMOVED : await remove();
    const bytesAfter = result.rowsDeleted > 0 ? await tableTotalBytes(this.storage, table) : bytesBefore;
    return {
      table,
      retentionDays: days,
      cutoff: days === null ? null : daysBefore(now, days),
      strategy: days === null ? 'kept' : this.strategy.name,
      chunksDropped: result.chunksDropped,
      rowsDeleted: result.rowsDeleted,
      archivedRows: 0,
      bytesBefore,
      bytesAfter,
      bytesFreed: Math.max(0, bytesBefore - bytesAfter),
      durationMs: Math.round(performance.now() - t0),
    };
  }

  private async columnsOf(table: string): Promise<string[]> {
    return tableColumns(this.storage.engine, table);
  }

  private async removeTable(table: ManagedTable, days: number | null, now: Date, archive: ArchiveWriter | null): Promise<RemovalResult> {
    if (days === null) return NOTHING_REMOVED;
    const cutoff = daysBefore(now, days);
    await advanceWatermark(this.storage.engine, table, cutoff);
    return this.strategy.removeOlderThan({
      table,
      timeColumn: TIME_COLUMN,
      olderThan: cutoff,
      batchSize: this.policies.deleteBatchSize,
      ...(archive ? { archive: archive.table(table, await this.columnsOf(table), TIME_COLUMN, cutoff) } : {}),
    });
  }

  /**
   * metric_points: each override's series lose their points past the
   * override; the other series past the table retention; whole chunks go
   * only past the longest of all (so an override longer than the table
   * retention keeps its series, and the rows of the other series between the
   * two ages are deleted row by row).
   */
  private async removeMetricPoints(now: Date, archive: ArchiveWriter | null, overrideResults: MetricOverrideResult[]): Promise<RemovalResult> {
    const table = 'metric_points';
    const tableDays = this.policies.tables.metric_points as number;
    const seriesByName = await this.seriesIdsByName(this.policies.metricOverrides.map((o) => o.metricName));
    const overrides = this.policies.metricOverrides.map((o) => ({ ...o, ids: seriesByName.get(o.metricName) ?? [] }));
    const longest = Math.max(tableDays, ...overrides.filter((o) => o.ids.length).map((o) => o.days));
    const shortest = Math.min(tableDays, ...overrides.filter((o) => o.ids.length).map((o) => o.days));
    await advanceWatermark(this.storage.engine, table, daysBefore(now, shortest));
    const writer = archive ? archive.table(table, await this.columnsOf(table), TIME_COLUMN, daysBefore(now, shortest), 'series_id') : undefined;
    const base = { table, timeColumn: TIME_COLUMN, batchSize: this.policies.deleteBatchSize, ...(writer ? { archive: writer } : {}) };

    let rowsDeleted = 0;
    for (const o of overrides) {
      const cutoff = daysBefore(now, o.days);
      let deleted = 0;
      if (o.ids.length && o.days < longest) {
        deleted = (await this.strategy.removeRows({ ...base, olderThan: cutoff, where: (p) => `series_id = ANY(${p(o.ids)}::int[])` })).rowsDeleted;
      }
      rowsDeleted += deleted;
      overrideResults.push({ metricName: o.metricName, retentionDays: o.days, cutoff, seriesCount: o.ids.length, rowsDeleted: deleted });
    }
    if (tableDays < longest) {
      const keptLonger = overrides.filter((o) => o.days > tableDays).flatMap((o) => o.ids);
      const cutoff = daysBefore(now, tableDays);
      rowsDeleted += (await this.strategy.removeRows({ ...base, olderThan: cutoff, where: (p) => `series_id <> ALL(${p(keptLonger)}::int[])` })).rowsDeleted;
    }
    const dropped = await this.strategy.removeOlderThan({ ...base, olderThan: daysBefore(now, longest) });
    return { chunksDropped: dropped.chunksDropped, rowsDeleted: rowsDeleted + dropped.rowsDeleted, removedBefore: dropped.removedBefore };
  }

  /**
   * orders is a regular table of mutable rows: an order goes when it was
   * placed and last updated before the cutoff, is no longer working, and none
   * of its fills remain (fills are removed first, so nothing cascades).
   */
  private async removeOrders(now: Date, archive: ArchiveWriter | null): Promise<RemovalResult> {
    const days = this.policies.tables.orders ?? null;
    if (days === null) return NOTHING_REMOVED;
    const cutoff = daysBefore(now, days);
    await advanceWatermark(this.storage.engine, 'orders', cutoff);
    return this.strategy.removeRows({
      table: 'orders',
      timeColumn: TIME_COLUMN,
      olderThan: cutoff,
      batchSize: this.policies.deleteBatchSize,
      where: (p) =>
        `updated_at < ${p(cutoff)} AND status::text <> ALL(${p([...ACTIVE_ORDER_STATUSES])}::text[])
         AND NOT EXISTS (SELECT 1 FROM fills f WHERE f.order_id = orders.id)`,
      ...(archive ? { archive: archive.table('orders', await this.columnsOf('orders'), TIME_COLUMN, cutoff) } : {}),
    });
  }

  private async seriesIdsByName(names: string[]): Promise<Map<string, number[]>> {
    const map = new Map<string, number[]>();
    if (names.length === 0) return map;
    const rows = await this.storage.query<{ id: number; metric_name: string }>(
      `SELECT id, metric_name FROM metric_series WHERE metric_name = ANY($1::text[]) ORDER BY id`,
      [names],
    );
    for (const row of rows) map.set(row.metric_name, [...(map.get(row.metric_name) ?? []), Number(row.id)]);
    return map;
  }

  /** The archive of metric_points carries the series it refers to, so that it restores into an empty database. */
  private async archiveReferencedSeries(archive: ArchiveWriter): Promise<void> {
    if (!archive.rowCounts().metric_points) return;
    const columns = await this.columnsOf('metric_series');
    const points = archive.table('metric_points', [], TIME_COLUMN, null);
    const seriesIds = [...points.collected].map(Number).sort((a, b) => a - b);
    const writer = archive.table('metric_series', columns, null, null);
    for (let i = 0; i < seriesIds.length; i += 10_000) {
      const rows = await this.storage.query<ArchiveRow>(
        `SELECT ${archiveSelectList(columns, null)} FROM metric_series WHERE id = ANY($1::int[]) ORDER BY id`,
        [seriesIds.slice(i, i + 10_000)],
      );
      await writer.append(rows);
    }
  }

  private async vacuumAfterDeletes(tables: TableRetentionResult[]): Promise<void> {
    for (const t of tables) {
      if (t.rowsDeleted === 0) continue;
      if (this.storage.capabilities.timescale && (await isHypertable(this.storage.engine, t.table))) continue;
      await this.storage.execute(`VACUUM (ANALYZE) ${quoteIdentifier(t.table)}`);
    }
  }
}

function checkedNow(now: Date | undefined): Date {
  if (now === undefined) return new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new ValidationError('now', now, 'must be a valid Date');
  return now;
}
