// loadConfig(): defaults, YAML, environment, ${VAR} references, and errors
// that name the key and the value.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig, ValidationError } from '../src/index.js';

function yamlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ag-config-')), 'ag-storage.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(ValidationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('gives the documented defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.ingestion).toMatchObject({ batch_size: 1000, flush_interval_ms: 100, max_buffer_size: 10000 });
    expect(config.retention).toEqual({ metrics_retention_days: 90, execution_retention_days: 365, compression_after_days: 7 });
    expect(config.query).toMatchObject({ max_results: 10000, cache_ttl_sec: 60, enable_cache: false });
    expect(config.database).toMatchObject({ port: 5432, max_connections: 10, connection_timeout_sec: 10 });
    expect(config.database.url).toBeUndefined();
  });

  it('reads the YAML shape of the original design', () => {
    const file = yamlFile(`
database:
  host: db.internal
  port: 6543
  database: trading
  user: bot
  password: \${DB_PASSWORD}
  max_connections: 20
  connection_timeout_sec: 5
ingestion:
  batch_size: 5000
  flush_interval_ms: 250
  max_buffer_size: 50000
retention:
  metrics_retention_days: 30
  execution_retention_days: 730
  compression_after_days: 2
query:
  max_results: 500
  cache_ttl_sec: 5
  enable_cache: true
`);
    const config = loadConfig({ file, env: { DB_PASSWORD: 'hunter2' } });
    expect(config.database).toMatchObject({ host: 'db.internal', port: 6543, database: 'trading', user: 'bot', password: 'hunter2', max_connections: 20 });
    expect(config.ingestion).toMatchObject({ batch_size: 5000, flush_interval_ms: 250, max_buffer_size: 50000 });
    expect(config.retention.metrics_retention_days).toBe(30);
    expect(config.query).toMatchObject({ max_results: 500, cache_ttl_sec: 5, enable_cache: true });
  });

  it('resolves ${VAR} and ${VAR:-default} references so no password sits in the file', () => {
    const file = yamlFile(`database:\n  password: \${DB_PASSWORD}\n  user: \${DB_USER:-reader}\n`);
    const config = loadConfig({ file, env: { DB_PASSWORD: 's3cret' } });
    expect(config.database.password).toBe('s3cret');
    expect(config.database.user).toBe('reader');
  });

  it('fails naming the key when a referenced variable is missing', () => {
    const file = yamlFile(`database:\n  password: \${MISSING_PASSWORD}\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.field).toBe('database.password');
    expect(error.message).toContain('MISSING_PASSWORD');
  });

  it('lets DATABASE_URL and AG_STORAGE_* override the file', () => {
    const file = yamlFile(`ingestion:\n  batch_size: 10\n  max_buffer_size: 100\n`);
    const config = loadConfig({
      file,
      env: {
        DATABASE_URL: 'postgres://u:p@h/db',
        AG_STORAGE_INGESTION_BATCH_SIZE: '50',
        AG_STORAGE_QUERY_ENABLE_CACHE: 'true',
        AG_STORAGE_DATABASE_SSL_MODE: 'require',
        AG_STORAGE_LOGGING_LEVEL: 'debug',
      },
    });
    expect(config.database.url).toBe('postgres://u:p@h/db');
    expect(config.ingestion.batch_size).toBe(50);
    expect(config.ingestion.max_buffer_size).toBe(100);
    expect(config.query.enable_cache).toBe(true);
    expect(config.database.ssl.mode).toBe('require');
    expect(config.logging.level).toBe('debug');
  });

  it('lets explicit overrides win over the environment', () => {
    const config = loadConfig({ env: { AG_STORAGE_INGESTION_BATCH_SIZE: '50' }, overrides: { ingestion: { batch_size: 7 } } });
    expect(config.ingestion.batch_size).toBe(7);
  });

  it.each([
    [{ AG_STORAGE_INGESTION_BATCH_SIZE: 'abc' }, 'ingestion.batch_size', 'abc'],
    [{ AG_STORAGE_INGESTION_BATCH_SIZE: '-5' }, 'ingestion.batch_size', -5],
    [{ AG_STORAGE_INGESTION_FLUSH_INTERVAL_MS: '0' }, 'ingestion.flush_interval_ms', 0],
    [{ AG_STORAGE_DATABASE_PORT: '70000' }, 'database.port', 70000],
    [{ AG_STORAGE_QUERY_ENABLE_CACHE: 'maybe' }, 'query.enable_cache', 'maybe'],
    [{ AG_STORAGE_LOGGING_LEVEL: 'loud' }, 'logging.level', 'loud'],
    [{ AG_STORAGE_DATABASE_SSL_MODE: 'sometimes' }, 'database.ssl.mode', 'sometimes'],
    [{ AG_STORAGE_INGESTION_BATCH_SIZE: '2.5' }, 'ingestion.batch_size', 2.5],
  ])('rejects %o naming %s', (env, key, value) => {
    const error = configError(() => loadConfig({ env }));
    expect(error.field).toBe(key);
    expect(error.value).toEqual(value);
    expect(error.message).toContain(key);
    expect(error.message).toContain(String(value));
    expect(error.message).toContain('environment');
  });

  it('rejects a buffer smaller than a batch', () => {
    const error = configError(() => loadConfig({ env: {}, overrides: { ingestion: { batch_size: 500, max_buffer_size: 100 } } }));
    expect(error.field).toBe('ingestion.max_buffer_size');
    expect(error.message).toContain('batch_size');
  });

  it('rejects unknown keys in the file, naming them and the file', () => {
    const file = yamlFile(`ingestion:\n  batch_sise: 10\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.field).toBe('ingestion.batch_sise');
    expect(error.message).toContain('unknown configuration key');
  });

  it('rejects wrong types in the file', () => {
    const file = yamlFile(`retention:\n  metrics_retention_days: "ninety"\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.field).toBe('retention.metrics_retention_days');
    expect(error.message).toContain('ninety');
    expect(error.message).toContain(file);
  });

  it('rejects a file that is not YAML or is missing', () => {
    expect(() => loadConfig({ file: yamlFile('database: [unclosed'), env: {} })).toThrow(ConfigurationError);
    expect(() => loadConfig({ file: '/nonexistent/ag-storage.yaml', env: {} })).toThrow(/file not found/);
  });

  it('rejects a file with tags it cannot resolve (such as !!js/function) instead of reading them as text', () => {
    const file = yamlFile('logging:\n  level: !!js/function "function () { return 1 }"\n');
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.message).toMatch(/not valid YAML: .*tag/i);
  });

  it('accepts every positive integer batch size up to 1,000,000 and rejects every other number', () => {
    // max_buffer_size is set high enough for every valid batch size, so that
    // only batch_size's own rule decides (the cross-field rule has its own test).
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1e9, max: 2e6 }), fc.double({ noNaN: false })), (n) => {
        const valid = Number.isInteger(n) && n >= 1 && n <= 1_000_000;
        try {
          const config = loadConfig({ env: {}, overrides: { ingestion: { batch_size: n, max_buffer_size: 1_000_000 } } });
          return valid && config.ingestion.batch_size === n;
        } catch (error) {
          return !valid && error instanceof ConfigurationError && error.field === 'ingestion.batch_size';
        }
      }),
    );
  });

  it('refuses a batch size above max_buffer_size on max_buffer_size, and accepts it once the buffer is as large', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (batch, buffer) => {
        try {
          const config = loadConfig({ env: {}, overrides: { ingestion: { batch_size: batch, max_buffer_size: buffer } } });
          return batch <= buffer && config.ingestion.batch_size === batch && config.ingestion.max_buffer_size === buffer;
        } catch (error) {
          return batch > buffer && error instanceof ConfigurationError && error.field === 'ingestion.max_buffer_size';
        }
      }),
    );
  });

  describe('retention section', () => {
    it('reads per-table retention, metric overrides, rollup retention, archive and scheduler keys from YAML', () => {
      const file = yamlFile(`
retention:
  metrics_retention_days: 30
  events_retention_days: 60
  candles_retention_days: forever
  metric_overrides:
    polymarket.rtds.lag_ms: 7
    "risk.exposure{usd}": 400
  hourly_rollup_retention_days: 365
  daily_rollup_retention_days: forever
  archive_enabled: true
  archive_directory: /var/lib/ag/archive
  archive_format: csv.gz
  scheduler_interval_sec: 60
  scheduler_jitter_sec: 0
  retention_interval_hours: 6
  rollup_refresh_interval_minutes: 15
  delete_batch_size: 5000
`);
      const { retention } = loadConfig({ file, env: {} });
      expect(retention).toMatchObject({
        metrics_retention_days: 30,
        events_retention_days: 60,
        candles_retention_days: 'forever',
        metric_overrides: { 'polymarket.rtds.lag_ms': 7, 'risk.exposure{usd}': 400 },
        hourly_rollup_retention_days: 365,
        daily_rollup_retention_days: 'forever',
        archive_enabled: true,
        archive_directory: '/var/lib/ag/archive',
        scheduler_jitter_sec: 0,
        retention_interval_hours: 6,
        delete_batch_size: 5000,
      });
    });

    it('leaves the newer retention keys unset when not configured, so their package defaults apply', () => {
      const { retention } = loadConfig({ env: {} });
      expect(Object.keys(retention).sort()).toEqual(['compression_after_days', 'execution_retention_days', 'metrics_retention_days']);
    });

    it('reads flat retention keys from the environment, including "forever"', () => {
      const { retention } = loadConfig({
        env: { AG_STORAGE_RETENTION_EVENTS_RETENTION_DAYS: 'forever', AG_STORAGE_RETENTION_ARCHIVE_ENABLED: 'true', AG_STORAGE_RETENTION_CANDLES_RETENTION_DAYS: '400' },
      });
      expect(retention).toMatchObject({ events_retention_days: 'forever', archive_enabled: true, candles_retention_days: 400 });
    });

    it.each([
      ['events_retention_days', 0],
      ['events_retention_days', -5],
      ['events_retention_days', 1.5],
      ['events_retention_days', 'never'],
      ['candles_retention_days', Number.NaN],
      ['hourly_rollup_retention_days', Number.POSITIVE_INFINITY],
      ['daily_rollup_retention_days', 36_501],
      ['archive_format', 'xlsx'],
      ['archive_enabled', 'yes'],
      ['scheduler_jitter_sec', -1],
      ['delete_batch_size', 0],
    ])('rejects retention.%s = %s naming the key', (key, value) => {
      const error = configError(() => loadConfig({ env: {}, overrides: { retention: { [key]: value } } as never }));
      expect(error.field).toBe(`retention.${key}`);
    });

    it('rejects a metric override with a bad number of days or an empty name', () => {
      const bad = configError(() => loadConfig({ env: {}, overrides: { retention: { metric_overrides: { 'a.b': 0 } } } }));
      expect(bad.field).toBe('retention.metric_overrides.a.b');
      const empty = configError(() => loadConfig({ env: {}, overrides: { retention: { metric_overrides: { '': 3 } } } }));
      expect(empty.field.startsWith('retention.metric_overrides')).toBe(true);
    });

    it('rejects unknown retention keys', () => {
      const error = configError(() => loadConfig({ env: { AG_STORAGE_RETENTION_ARCHIVE_ENABLD: 'true' } }));
      expect(error.field).toBe('retention.archive_enabld');
    });

    it('accepts exactly the positive integers up to 36500 and "forever" as a retention', () => {
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: -10, max: 40_000 }), fc.double(), fc.constantFrom('forever', 'Forever', '', '7')), (value) => {
          const valid = value === 'forever' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 36_500);
          try {
            const config = loadConfig({ env: {}, overrides: { retention: { events_retention_days: value as number } } });
            return valid && config.retention.events_retention_days === value;
          } catch (error) {
            return !valid && error instanceof ConfigurationError && error.field === 'retention.events_retention_days';
          }
        }),
      );
    });
  });
});

describe('config/ag-storage.example.yaml', () => {
  it('loads, and lists the defaults every section applies', () => {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../config/ag-storage.example.yaml');
    const fromExample = loadConfig({ file, env: {} });
    const defaults = loadConfig({ env: {} });
    expect(fromExample.ingestion).toEqual(defaults.ingestion);
    expect(fromExample.query).toEqual(defaults.query);
    expect(fromExample.database).toEqual(defaults.database);
    expect(fromExample.logging).toEqual(defaults.logging);
    // The retention package applies the defaults of its optional keys; the example spells them out.
    expect(fromExample.retention).toMatchObject(defaults.retention);
  });
});
