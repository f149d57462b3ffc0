// Capability detection and what the migrations built on each engine.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';

// The rollups core's migrations create; other packages' migrations register more.
const CORE_ROLLUPS = ['fills_daily_stats', 'metrics_daily', 'metrics_hourly', 'orders_daily_stats'];

describeEachEngine('capabilities', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  if (engine === 'embedded') {
    it('reports TimescaleDB with the timescale license, compression and continuous aggregates', () => {
      expect(storage.capabilities.timescale?.license).toBe('timescale');
      expect(storage.capabilities.timescale?.version).toMatch(/^2\.23\./);
      expect(storage.capabilities.compression).toBe(true);
      expect(storage.capabilities.continuousAggregates).toBe(true);
      expect(storage.capabilities.jobs).toBe(true);
      // PGlite runs no background workers: the library's scheduler runs due jobs.
      expect(storage.capabilities.backgroundWorkers).toBe(false);
    });

    it('made the time-series tables hypertables with compression', async () => {
      const rows = await storage.query<{ hypertable_name: string; compression_enabled: boolean }>(
        `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1`,
      );
      expect(rows).toEqual(
        ['candles', 'events', 'fills', 'funding_payments', 'metric_points', 'positions'].map((name) => ({
          hypertable_name: name,
          compression_enabled: true,
        })),
      );
    });

    it('registered compression, retention and refresh policies as TimescaleDB jobs', async () => {
      const jobs = await storage.query<{ proc_name: string; hypertable_name: string }>(
        `SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE job_id >= 1000`,
      );
      const has = (proc: string, table: string) => jobs.some((j) => j.proc_name === proc && j.hypertable_name === table);
      expect(has('policy_compression', 'metric_points')).toBe(true);
      expect(has('policy_retention', 'metric_points')).toBe(true);
      expect(has('policy_refresh_continuous_aggregate', 'metrics_hourly')).toBe(true);
      expect(has('policy_refresh_continuous_aggregate', 'fills_daily_stats')).toBe(true);
    });

    it('built the metric and fill rollups as continuous aggregates', async () => {
      const rows = await storage.query<{ view_name: string; kind: string }>(
        `SELECT view_name, kind FROM ag_storage.rollups WHERE view_name = ANY($1) ORDER BY view_name`,
        [CORE_ROLLUPS],
      );
      expect(rows).toEqual([
        { view_name: 'fills_daily_stats', kind: 'continuous_aggregate' },
        { view_name: 'metrics_daily', kind: 'continuous_aggregate' },
        { view_name: 'metrics_hourly', kind: 'continuous_aggregate' },
        { view_name: 'orders_daily_stats', kind: 'table' },
      ]);
    });
  } else {
    it('reports plain PostgreSQL: no TimescaleDB, no compression, no continuous aggregates', () => {
      expect(storage.capabilities.timescale).toBeNull();
      expect(storage.capabilities.compression).toBe(false);
      expect(storage.capabilities.continuousAggregates).toBe(false);
      expect(storage.capabilities.jobs).toBe(false);
      expect(storage.capabilities.serverVersionNum).toBeGreaterThanOrEqual(140000);
    });

    it('degraded the rollups to library-refreshed rollup tables', async () => {
      const rows = await storage.query<{ view_name: string; kind: string }>(
        `SELECT view_name, kind FROM ag_storage.rollups WHERE view_name = ANY($1) ORDER BY view_name`,
        [CORE_ROLLUPS],
      );
      expect(rows.every((r) => r.kind === 'table')).toBe(true);
      expect(rows).toHaveLength(4);
    });
  }

  it('answers health with engine, versions, pool and no pending migrations', async () => {
    const health = await storage.health();
    expect(health.status).toBe('ok');
    expect(health.engine).toBe(engine === 'embedded' ? 'pglite' : 'postgres');
    expect(health.serverVersion).toBeTruthy();
    expect(health.timescale).toEqual(storage.capabilities.timescale);
    expect(health.migrations.pending).toEqual([]);
    expect(health.migrations.applied).toBeGreaterThanOrEqual(4);
    expect(health.pool.max).toBeGreaterThanOrEqual(1);
    expect(health.pool.total).toBeGreaterThanOrEqual(1);
  });

  it('reports pending migrations in health as degraded', async () => {
    await storage.rollback(1);
    try {
      const health = await storage.health();
      expect(health.status).toBe('degraded');
      expect(health.migrations.pending).toHaveLength(1);
    } finally {
      await storage.migrate();
    }
  });
});
