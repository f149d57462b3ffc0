// The shape of ag-storage configuration (the YAML file, environment overrides
// and programmatic options all end up here), with defaults, validated by zod.

import { z } from 'zod';
import { RETENTION_KEYS } from '../tables/table-registry.js';

const positiveInt = () => z.number().int().positive();

/** A file or directory path: any characters a file system allows, but no NUL or other control characters. */
const filePath = () =>
  z
    .string()
    .min(1)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must not contain control characters (NUL, newline, ...)');

export const databaseConfigSchema = z
  .object({
    /** postgres://..., pglite://<dir> or pglite://memory. Wins over host/port/... when set. */
    url: z.string().min(1).optional(),
    /**
     * A streaming replica (postgres://...) that reads go to: the stores'
     * queries, the API and the dashboard. Writes, migrations, schedulers,
     * advisory locks and rollup refreshes stay on `url`. Unset: reads go to `url`.
     */
    read_url: z.string().min(1).optional(),
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
        ca_file: filePath().optional(),
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
    /** Crash-safe spool: a directory for the buffered pipeline's write-ahead segments; unset = off. */
    spool_directory: z.string().min(1).optional(),
    /** Group commit: acknowledgements wait at most this long for the fsync that covers them (0 = at once). */
    spool_fsync_interval_ms: z.number().int().min(0).max(10_000).default(20),
    /** A spool segment file is closed (and deleted once written) at about this size. */
    spool_segment_bytes: positiveInt().min(4096).max(1_073_741_824).default(8_388_608),
  })
  .strict()
  .refine((c) => c.max_buffer_size >= c.batch_size, {
    message: 'must be at least ingestion.batch_size',
    path: ['max_buffer_size'],
  });

/** A retention in whole days, or 'forever' (never removed). */
const retentionDays = () => z.union([positiveInt().max(36_500), z.literal('forever')]);

/** A metric name as stored in metric_series.metric_name. */
const metricName = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((name) => name.trim() === name, 'must not start or end with spaces');

/**
 * A map keyed by metric name, validated as a Map: zod's record drops a
 * `__proto__` key without a word and takes an object with a `constructor` key
 * for a class instance, and both are metric names like any other. `__proto__`
 * is refused (a plain object cannot hold it as data), nothing else is lost.
 */
const metricNameMap = <T extends z.ZodType>(value: T) =>
  z
    .preprocess(
      (input, context) => {
        if (!input || typeof input !== 'object' || Array.isArray(input) || input instanceof Map) return input;
        if (Object.prototype.hasOwnProperty.call(input, '__proto__')) {
          context.addIssue({ code: 'custom', message: '"__proto__" is a reserved name', input });
        }
        return new Map(Object.entries(input));
      },
      z.map(metricName, value, { error: 'expected a mapping of metric name to value' }),
    )
    .transform((map) => Object.fromEntries(map) as Record<string, z.output<T>>);

type RetentionKeySpec = (typeof RETENTION_KEYS)[number];
type RetentionKeyShape = {
  [S in RetentionKeySpec as S['key']]: S['foreverAllowed'] extends true
    ? z.ZodOptional<ReturnType<typeof retentionDays>>
    : z.ZodDefault<z.ZodNumber>;
};

/**
 * The table retention keys, from the table registry's RETENTION_KEYS: the
 * original ones (a number) with their default here, the later ones optional
 * ('forever' allowed), their default applied by the retention package.
 */
function retentionKeyShape(): RetentionKeyShape {
  const shape: Record<string, z.ZodType> = {};
  for (const spec of RETENTION_KEYS as readonly { key: string; defaultDays: number | 'forever'; foreverAllowed: boolean }[]) {
    shape[spec.key] = spec.foreverAllowed ? retentionDays().optional() : positiveInt().default(spec.defaultDays as number);
  }
  return shape as unknown as RetentionKeyShape;
}

/**
 * Data lifecycle (@ag/storage-retention). The table retention keys come from
 * the table registry (see RETENTION_KEYS and the README for which table each
 * governs); the original keys have defaults here; the later keys are optional
 * and their defaults are applied by the retention package (shown in
 * brackets), so that a config dump shows what was set. Keys stay flat so that
 * every one can come from the environment (AG_STORAGE_RETENTION_<KEY>),
 * except metric_overrides (a map).
 */
export const retentionConfigSchema = z
  .object({
    ...retentionKeyShape(),
    /** Compress hypertable chunks older than this (TimescaleDB, timescale license). */
    compression_after_days: positiveInt().default(7),
    /** Per metric name, in days, instead of metrics_retention_days: { "polymarket.rtds.lag_ms": 7 } [none]. */
    metric_overrides: metricNameMap(positiveInt().max(36_500)).optional(),
    /** metrics_hourly [730]. */
    hourly_rollup_retention_days: retentionDays().optional(),
    /** metrics_daily, fills_daily_stats, orders_daily_stats [forever]. */
    daily_rollup_retention_days: retentionDays().optional(),
    /** Export rows to files before they are removed [false]. */
    archive_enabled: z.boolean().optional(),
    /** Where archives are written [./.data/archive]. */
    archive_directory: filePath().optional(),
    /** parquet: one Hive-partitioned Parquet dataset per table; csv.gz: gzip-compressed CSV [parquet]. */
    archive_format: z.enum(['parquet', 'csv.gz']).optional(),
    /** How often the scheduler wakes up to run what is due [300]. */
    scheduler_interval_sec: positiveInt().max(86_400).optional(),
    /** Random extra delay (0..jitter) before each wake-up [30]. */
    scheduler_jitter_sec: z.number().int().min(0).max(86_400).optional(),
    /** How often the retention pass runs [24]. */
    retention_interval_hours: z.number().positive().max(8_760).optional(),
    /** How often the library refreshes rollups where no TimescaleDB job does [30]. */
    rollup_refresh_interval_minutes: z.number().positive().max(10_080).optional(),
    /** Rows per DELETE batch where rows are deleted, not chunks dropped [10000]. */
    delete_batch_size: positiveInt().max(1_000_000).optional(),
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
