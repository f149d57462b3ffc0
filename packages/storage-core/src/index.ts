// @ag/storage-core: configuration, the embedded and server engines, the
// shared Prisma client, the migrator, typed errors, logging and health.

export { createStorage, type CreateStorageOptions, type Storage } from './storage.js';
export { primaryWalPosition, readerFor, readerHasReplayed, type ReadRouting } from './read-routing.js';
export { loadConfig, validateConfig, resolveEnvReferences, type LoadConfigOptions } from './config/load-config.js';
export { storageConfigSchema, type StorageConfig, type DeepPartial } from './config/config-schema.js';
export type { Engine, EngineKind, EngineTraits, Queryable, QueryResult, PoolStats, StatementOptions } from './engines/engine.js';
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, resolveDatabaseUrl } from './engines/open-engine.js';
export { copyTextValue } from './engines/copy-text.js';
export { detectCapabilities, type Capabilities, type TimescaleLicense } from './capabilities.js';
export {
  StorageError,
  ValidationError,
  ConfigurationError,
  ConnectionError,
  PoolTimeoutError,
  ConstraintError,
  QueryTimeoutError,
  MigrationError,
  BackpressureError,
  PermissionError,
  ClosedError,
  describeValue,
  type StorageErrorCode,
  type StorageErrorOptions,
} from './errors/storage-error.js';
export { mapDatabaseError, sqlStateOf } from './errors/map-database-error.js';
export { createLogger, type Logger, type LogLevel, type CreateLoggerOptions } from './logging/logger.js';
export { redactSecrets, redactUrl, redactObject } from './logging/redact.js';
export { checkHealth, type HealthReport, type ReplicaHealth } from './health.js';
export {
  Migrator,
  PRISMA_MIGRATE_ADVISORY_LOCK,
  type MigrationReport,
  type MigrationState,
  type MigrationStatus,
  type RollbackReport,
} from './migrations/migrator.js';
export { checksumOf, readMigrationFiles, defaultMigrationsDirectory, type MigrationFile } from './migrations/migration-files.js';
export { splitSqlStatements } from './migrations/split-sql-statements.js';
export * from './prisma-client.js';
export {
  listRollups,
  refreshRollup,
  refreshAllRollups,
  type RollupInfo,
  type RollupKind,
  type RefreshRange,
  type RefreshResult,
} from './rollups.js';
export { backoffDelayMs, retryWithBackoff, shouldRetry, sleep, type RetryHooks, type RetryPolicy } from './retry/retry-policy.js';
export {
  TABLE_REGISTRY,
  RETENTION_KEYS,
  registeredTables,
  registerTable,
  tablesWhere,
  tableEntry,
  restoreOrder,
  type RetentionKey,
  type TableEntry,
  type RegisteredTable,
  type RegisteredTableName,
} from './tables/table-registry.js';
export { countRows } from './tables/count-rows.js';
export { parseInput, fieldPath } from './validation/parse-input.js';
export { checkedResultLimit, resultLimitSchema } from './validation/result-limit.js';
export { quoteIdentifier, checkedTableName } from './sql-identifier.js';
export { IngestPipeline, type IngestPipelineOptions } from './ingest/ingest-pipeline.js';
export { pipelineSettings, type PipelineSettings } from './ingest/pipeline-settings.js';
export { ItemBatcher, type BatcherOptions, type SealedBatch } from './ingest/item-batcher.js';
export { BatchWriter, type BatchWriterOptions, type BatchSink, type BatchOutcome, type FlushEvent } from './ingest/batch-writer.js';
export { IngestSpool, segmentFileName, type IngestSpoolOptions, type PendingSegment } from './ingest/ingest-spool.js';
export { replaySpoolSegments, type SpoolReplayOptions } from './ingest/spool-replay.js';
export { acquireSpoolLock, LOCK_FILE_NAME, type SpoolLock } from './ingest/spool-lock.js';
export { decodeSegment, SEGMENT_MAGIC, SpoolRecordBuffer, type DecodedSegment, type SpoolItemCodec } from './ingest/spool-record-codec.js';
export { emptyIngestStageStats, type IngestStageStats } from './ingest/ingest-stage-stats.js';
