// The shape of ag-storage configuration (the YAML file, environment overrides
// and programmatic options all end up here), with defaults, validated by zod.

import { z } from 'zod';

const positiveInt = () => z.number().int().positive();

export const databaseConfigSchema = z
  .object({
    /** postgres://..., pglite://<dir> or pglite://memory. Wins over host/port/... when set. */
    url: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1).default('postgres'),
    user: z.string().min(1).default('postgres'),
    password: z.string().optional(),
    max_connections: positiveInt().max(1000).default(10),
    connection_timeout_sec: z.number().positive().max(3600).default(10),
    /** 0 disables the server-side statement timeout. */
    statement_timeout_ms: z.number().int().min(0).default(0),
    ssl: z
      .object({
        mode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('disable'),
        ca_file: z.string().min(1).optional(),
      })
      .strict()
      .default({ mode: 'disable' }),
  })
  .strict();

export const ingestionConfigSchema = z
  .object({
    batch_size: positiveInt().max(1_000_000).default(1000),
    flush_interval_ms: positiveInt().max(3_600_000).default(100),
    max_buffer_size: positiveInt().max(100_000_000).default(10000),
    /** How long bufferMetric waits under backpressure before BackpressureError. */
    backpressure_timeout_ms: z.number().int().min(0).default(5000),
    retry_initial_delay_ms: positiveInt().default(50),
    retry_max_delay_ms: positiveInt().default(10_000),
    /** Batches the buffered pipeline writes at once (the embedded engine always uses 1). */
    writer_concurrency: positiveInt().max(64).default(2),
    /** Largest batch insertMetricsBatch accepts; more is a ValidationError. */
    max_batch_points: positiveInt().max(100_000_000).default(1_000_000),
    /** Series ids kept in the in-process cache (LRU). */
    series_cache_size: positiveInt().max(100_000_000).default(100_000),
    max_metric_name_length: positiveInt().max(1024).default(200),
    max_label_count: z.number().int().min(0).max(256).default(32),
    max_label_name_length: positiveInt().max(1024).default(128),
    max_label_value_length: positiveInt().max(2048).default(1024),
    /** A series' labels as JSON, in bytes; bounded by PostgreSQL's btree row limit (2704 bytes with the name). */
    max_labels_size_bytes: positiveInt().max(2400).default(2048),
  })
  .strict()
  .refine((c) => c.max_buffer_size >= c.batch_size, {
    message: 'must be at least ingestion.batch_size',
    path: ['max_buffer_size'],
  });

export const retentionConfigSchema = z
  .object({
    metrics_retention_days: positiveInt().default(90),
    execution_retention_days: positiveInt().default(365),
    compression_after_days: positiveInt().default(7),
  })
  .strict();

export const queryConfigSchema = z
  .object({
    max_results: positiveInt().max(10_000_000).default(10000),
    cache_ttl_sec: z.number().min(0).default(60),
    enable_cache: z.boolean().default(false),
    /** Result sets kept by the query cache (LRU, each for cache_ttl_sec). */
    cache_max_entries: positiveInt().max(1_000_000).default(1000),
    /** Rows per round trip of streamMetrics. */
    stream_page_size: positiveInt().max(1_000_000).default(5000),
    /** Let queryAggregated read metrics_hourly / metrics_daily where they are provably complete. */
    route_to_rollups: z.boolean().default(true),
  })
  .strict();

export const loggingConfigSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

export const storageConfigSchema = z
  .object({
    database: databaseConfigSchema.default(() => databaseConfigSchema.parse({})),
    ingestion: ingestionConfigSchema.default(() => ingestionConfigSchema.parse({})),
    retention: retentionConfigSchema.default(() => retentionConfigSchema.parse({})),
    query: queryConfigSchema.default(() => queryConfigSchema.parse({})),
    logging: loggingConfigSchema.default(() => loggingConfigSchema.parse({})),
  })
  .strict();

export type StorageConfig = z.infer<typeof storageConfigSchema>;

/** Every key optional, at any depth: what callers pass to override config. */
export type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
