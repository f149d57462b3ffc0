// @ag/storage-retention: the data lifecycle. RetentionManager removes what is
// past each policy (drop_chunks on TimescaleDB, bounded batched DELETE on
// plain PostgreSQL), compresses, archives and restores, and keeps the
// TimescaleDB policies in step with the configuration; RetentionScheduler
// runs it all on an interval, once per fleet.

export {
  RetentionManager,
  type RetentionReport,
  type TableRetentionResult,
  type MetricOverrideResult,
  type RunOptions,
} from './retention-manager.js';
export {
  RetentionScheduler,
  SCHEDULER_LOCK_CLASS,
  type RetentionSchedulerOptions,
  type TaskRun,
  type SchedulerStatus,
} from './scheduler/retention-scheduler.js';
export type { LifecycleTask } from './scheduler/lifecycle-tasks.js';
export type { LifecycleRun, RunStatus } from './scheduler/run-log.js';
export {
  resolveRetentionPolicies,
  RETENTION_DEFAULTS,
  type RetentionPolicies,
  type RetentionPolicyInput,
  type MetricOverride,
  type ArchivePolicy,
  type SchedulerPolicy,
} from './retention-policies.js';
export type { CompressionReport, CompressionStatus, TableCompressionResult } from './compression.js';
export type { TableStorageStats } from './storage-stats.js';
export type { RollupRefreshResult, RollupRetentionResult } from './rollup-maintenance.js';
export type { PolicyChange } from './timescale/policy-alignment.js';
export { judgeJob, type JobHealth, type TimescaleJob } from './timescale/timescale-jobs.js';
export type { RetentionStrategy, RemovalResult } from './removal/retention-strategy.js';
export { restoreArchive, type RestoreOptions, type RestoreReport, type RestoredTable } from './archive/restore-archive.js';
export { readManifest, type ArchiveManifest, type ArchiveFile } from './archive/archive-manifest.js';
export { MANAGED_TABLES, managedTables, type ManagedTable } from './managed-tables.js';
export { exportParquet, EXPORTABLE_TABLES, METRIC_DESCRIBING_COLUMNS, type ExportParquetOptions, type ExportReport } from './archive/export-parquet.js';
export { compressionFigures, formatCompression, type CompressionFigures } from './compression-ratio.js';
