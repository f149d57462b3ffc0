// Resolving the lifecycle policies from configuration: defaults for the keys
// left unset, overrides from code merged over the configuration, and bad
// values rejected with a ValidationError naming the key and the value.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig, ValidationError, type Storage } from '@ag/storage-core';
import { RetentionManager, resolveRetentionPolicies } from '../src/index.js';

const configured = (retention: Record<string, unknown> = {}) => loadConfig({ env: {}, overrides: { retention } }).retention;

describe('resolveRetentionPolicies', () => {
  it('applies the documented defaults when only the original keys are set', () => {
    const policies = resolveRetentionPolicies(configured());
    expect(policies.tables).toEqual({ metric_points: 90, events: null, orders: 365, fills: 365, positions: 365, funding_payments: 365, candles: null, trades: 365, quotes: 90, book_snapshots: 30 });
    expect(policies.rollups).toEqual({ hourly: 730, daily: null });
    expect(policies.metricOverrides).toEqual([]);
    expect(policies.archive).toEqual({ enabled: false, directory: './.data/archive', format: 'parquet' });
    expect(policies.scheduler).toEqual({ intervalMs: 300_000, jitterMs: 30_000, retentionIntervalMs: 86_400_000, rollupRefreshIntervalMs: 1_800_000 });
    expect(policies.compressionAfterDays).toBe(7);
    expect(policies.deleteBatchSize).toBe(10_000);
  });

  it('reads the tick tables\' retention from their own keys of the table registry', () => {
    const policies = resolveRetentionPolicies(configured({ trades_retention_days: 'forever', quotes_retention_days: 7 }));
    expect([policies.tables.trades, policies.tables.quotes, policies.tables.book_snapshots]).toEqual([null, 7, 30]);
  });

  it('lets code override configured keys, merging metric overrides', () => {
    const policies = resolveRetentionPolicies(configured({ metrics_retention_days: 30, metric_overrides: { a: 5 } }), {
      metrics_retention_days: 14,
      candles_retention_days: 400,
      metric_overrides: { 'polymarket.rtds.lag_ms': 7 },
    });
    expect(policies.tables.metric_points).toBe(14);
    expect(policies.tables.candles).toBe(400);
    expect(policies.metricOverrides).toEqual([
      { metricName: 'a', days: 5 },
      { metricName: 'polymarket.rtds.lag_ms', days: 7 },
    ]);
  });

  it.each([
    [{ metrics_retention_days: Number.NaN }, 'retention.metrics_retention_days'],
    [{ metrics_retention_days: Number.POSITIVE_INFINITY }, 'retention.metrics_retention_days'],
    [{ execution_retention_days: '365' }, 'retention.execution_retention_days'],
    [{ events_retention_days: -1 }, 'retention.events_retention_days'],
    [{ candles_retention_days: 'always' }, 'retention.candles_retention_days'],
    [{ book_snapshots_retention_days: 0 }, 'retention.book_snapshots_retention_days'],
    [{ trades_retention_days: 1.5 }, 'retention.trades_retention_days'],
    [{ metric_overrides: { "x'; DROP TABLE metric_points; --": 0 } }, "retention.metric_overrides.x'; DROP TABLE metric_points; --"],
    [{ archive_format: 'orc' }, 'retention.archive_format'],
    [{ delete_batch_size: 2_000_000 }, 'retention.delete_batch_size'],
    [{ retention_days: 3 }, 'retention.retention_days'],
  ])('rejects %j naming %s', (input, field) => {
    let error: unknown;
    try {
      resolveRetentionPolicies(configured(), input as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ValidationError).field).toBe(field);
  });

  it('rejects bad policies when the manager is built, before touching the database', () => {
    const storage = { config: loadConfig({ env: {} }), capabilities: { timescale: null } } as unknown as Storage;
    expect(() => new RetentionManager(storage, { metrics_retention_days: 0 })).toThrow(ValidationError);
  });

  it('accepts metric names with quotes, dots and SQL and keeps them verbatim', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() === s && s.length > 0 && s !== '__proto__'), fc.integer({ min: 1, max: 36_500 }), (name, days) => {
        const policies = resolveRetentionPolicies(configured(), { metric_overrides: { [name]: days } });
        return policies.metricOverrides.some((o) => o.metricName === name && o.days === days);
      }),
    );
  });

  it('keeps metric names that look like object internals (constructor, toString)', () => {
    const policies = resolveRetentionPolicies(configured(), { metric_overrides: { constructor: 3, toString: 4 } as never });
    expect(policies.metricOverrides).toEqual([
      { metricName: 'constructor', days: 3 },
      { metricName: 'toString', days: 4 },
    ]);
  });

  it('rejects __proto__ as a metric name instead of dropping it silently', () => {
    const error = (() => {
      try {
        resolveRetentionPolicies(configured(), { metric_overrides: JSON.parse('{"__proto__": 7}') });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('reserved name');
  });

  it('maps every valid retention to days, and "forever" to null', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 36_500 }), fc.constant('forever' as const)), (value) => {
        const policies = resolveRetentionPolicies(configured(), { events_retention_days: value, daily_rollup_retention_days: value });
        const expected = value === 'forever' ? null : value;
        return policies.tables.events === expected && policies.rollups.daily === expected;
      }),
    );
  });
});

describe('config/ag-storage.example.yaml', () => {
  it('spells out exactly the retention defaults the package applies', async () => {
    const { fileURLToPath } = await import('node:url');
    const path = await import('node:path');
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../config/ag-storage.example.yaml');
    const fromExample = resolveRetentionPolicies(loadConfig({ file, env: {} }).retention);
    expect(fromExample).toEqual(resolveRetentionPolicies(configured()));
  });
});
