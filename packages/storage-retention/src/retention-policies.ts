// The lifecycle policies in force: the `retention` section of the
// configuration (optionally overridden in code), validated by core's schema,
// with this package's defaults filled in, in the shape the manager works with.

import { validateConfig, type DeepPartial, type StorageConfig } from '@ag/storage-core';
import { managedTables, retentionKeyOf, type ManagedTable } from './managed-tables.js';

export type RetentionConfig = StorageConfig['retention'];
/** What `new RetentionManager(storage, policies)` accepts: keys of the `retention` section. */
export type RetentionPolicyInput = DeepPartial<RetentionConfig>;

export interface MetricOverride {
  metricName: string;
  days: number;
}

/** parquet (the default for new archives) or gzip-compressed CSV; both restore. */
export type ArchiveFormat = 'parquet' | 'csv.gz';

export interface ArchivePolicy {
  enabled: boolean;
  directory: string;
  format: ArchiveFormat;
}

export interface SchedulerPolicy {
  intervalMs: number;
  jitterMs: number;
  retentionIntervalMs: number;
  rollupRefreshIntervalMs: number;
}

export interface RetentionPolicies {
  /** Days per managed table (every table with a retention key in the table registry); null = kept forever. */
  tables: Record<ManagedTable, number | null>;
  /** Per metric name, replacing the metric_points retention for that metric's series. */
  metricOverrides: MetricOverride[];
  compressionAfterDays: number;
  /** Days per rollup bucket width; null = kept forever. */
  rollups: { hourly: number | null; daily: number | null };
  archive: ArchivePolicy;
  scheduler: SchedulerPolicy;
  deleteBatchSize: number;
}

/**
 * Defaults of the keys the configuration leaves optional (see the README);
 * the table retention keys' defaults are in core's table registry (RETENTION_KEYS).
 */
export const RETENTION_DEFAULTS = {
  hourly_rollup_retention_days: 730,
  daily_rollup_retention_days: 'forever',
  archive_enabled: false,
  archive_directory: './.data/archive',
  archive_format: 'parquet' as ArchiveFormat,
  scheduler_interval_sec: 300,
  scheduler_jitter_sec: 30,
  retention_interval_hours: 24,
  rollup_refresh_interval_minutes: 30,
  delete_batch_size: 10_000,
} as const;

const DAY_MS = 86_400_000;

/**
 * Merges `overrides` over the configured section and validates the result with
 * the configuration schema: a bad value is a ConfigurationError (a
 * ValidationError) naming `retention.<key>` and the value.
 */
export function resolveRetentionPolicies(configured: RetentionConfig, overrides: RetentionPolicyInput = {}): RetentionPolicies {
  const merged = {
    ...configured,
    ...overrides,
    metric_overrides: { ...(configured.metric_overrides ?? {}), ...(overrides.metric_overrides ?? {}) },
  };
  const r = validateConfig({ retention: merged }).retention;
  const days = (value: number | 'forever' | undefined, fallback: number | 'forever'): number | null => {
    const v = value ?? fallback;
    return v === 'forever' ? null : v;
  };
  return {
    tables: Object.fromEntries(
      managedTables().map((table) => {
        const spec = retentionKeyOf(table);
        return [table, spec ? days(r[spec.key], spec.defaultDays) : null];
      }),
    ),
    metricOverrides: Object.entries(r.metric_overrides ?? {})
      .map(([metricName, d]) => ({ metricName, days: d }))
      .sort((a, b) => a.metricName.localeCompare(b.metricName)),
    compressionAfterDays: r.compression_after_days,
    rollups: {
      hourly: days(r.hourly_rollup_retention_days, RETENTION_DEFAULTS.hourly_rollup_retention_days),
      daily: days(r.daily_rollup_retention_days, RETENTION_DEFAULTS.daily_rollup_retention_days),
    },
    archive: {
      enabled: r.archive_enabled ?? RETENTION_DEFAULTS.archive_enabled,
      directory: r.archive_directory ?? RETENTION_DEFAULTS.archive_directory,
      format: r.archive_format ?? RETENTION_DEFAULTS.archive_format,
    },
    scheduler: {
      intervalMs: (r.scheduler_interval_sec ?? RETENTION_DEFAULTS.scheduler_interval_sec) * 1000,
      jitterMs: (r.scheduler_jitter_sec ?? RETENTION_DEFAULTS.scheduler_jitter_sec) * 1000,
      retentionIntervalMs: (r.retention_interval_hours ?? RETENTION_DEFAULTS.retention_interval_hours) * 3_600_000,
      rollupRefreshIntervalMs: (r.rollup_refresh_interval_minutes ?? RETENTION_DEFAULTS.rollup_refresh_interval_minutes) * 60_000,
    },
    deleteBatchSize: r.delete_batch_size ?? RETENTION_DEFAULTS.delete_batch_size,
  };
}

/** The rollup retention for a bucket width: hourly buckets, or daily (and wider). */
export function rollupRetentionDays(policies: RetentionPolicies, bucketSeconds: number): number | null {
  return bucketSeconds < 86_400 ? policies.rollups.hourly : policies.rollups.daily;
}

/**
 * The shortest retention of anything read from a rollup source: raw rows may
 * be missing from (now - this) back, so rollups are never recomputed there.
 * null when nothing of the source is ever removed.
 */
export function shortestSourceRetentionDays(policies: RetentionPolicies, sourceTable: string): number | null {
  if (sourceTable === 'metric_points') {
    const shortest = Math.min(policies.tables.metric_points ?? Infinity, ...policies.metricOverrides.map((o) => o.days));
    return Number.isFinite(shortest) ? shortest : null;
  }
  const table = policies.tables[sourceTable as ManagedTable];
  return table === undefined ? null : table;
}

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
