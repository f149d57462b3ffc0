// Capability detection and what the migrations built on each engine.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireCapability, requireNoCapability, type TestStorage } from '@ag/storage-testing';

// The rollups core's migrations create; other packages' migrations register more.
const CORE_ROLLUPS = ['fills_daily_stats', 'metrics_daily', 'metrics_hourly', 'orders_daily_stats'];

describeEachEngine('capabilities', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  /** What the catalog says, independently of detectCapabilities(). */
  const catalog = async () =>
    (
      await storage.query<{ version: string | null; license: string | null }>(
        `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS version,
                current_setting('timescaledb.license', true) AS license`,
      )
    )[0]!;
  const hypertables = async () =>
    storage.capabilities.timescale
      ? storage.query<{ hypertable_name: string; compression_enabled: boolean }>(
          `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables ORDER BY 1`,
        )
      : [];

  it('reports the TimescaleDB version and license the catalog holds, and the features that license gives', async () => {
    const { version, license } = await catalog();
    const caps = storage.capabilities;
    if (version === null) {
      expect(caps.timescale).toBeNull();
    } else {
      expect(caps.timescale).toEqual({ version, license: license === 'apache' ? 'apache' : 'timescale' });
    }
    const tsl = version !== null && license !== 'apache';
    expect(caps.compression).toBe(tsl);
    expect(caps.continuousAggregates).toBe(tsl);
    expect(caps.jobs).toBe(tsl);
    if (!caps.jobs) expect(caps.backgroundWorkers).toBe(false);
    expect(caps.timescaleNeedsPreload).toBe(false);
    expect(caps.serverVersionNum).toBeGreaterThanOrEqual(140000);
  });

  it('made the time-series tables hypertables wherever TimescaleDB is installed, compressed where the license allows', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'timescale');
    expect(await hypertables()).toEqual(
      ['book_snapshots', 'candles', 'events', 'fills', 'funding_payments', 'metric_points', 'positions', 'quotes', 'trades'].map((name) => ({
        hypertable_name: name,
        compression_enabled: storage.capabilities.compression,
      })),
    );
  });

  it('keeps the time-series tables plain tables without TimescaleDB', async (ctx) => {
    requireNoCapability(ctx, storage.capabilities, 'timescale');
    const rows = await storage.query<{ relname: string; relkind: string }>(
      `SELECT relname, relkind::text AS relkind FROM pg_class WHERE relname = ANY($1) AND relnamespace = 'public'::regnamespace ORDER BY 1`,
      [['book_snapshots', 'candles', 'events', 'fills', 'funding_payments', 'metric_points', 'positions', 'quotes', 'trades']],
    );
    expect(rows.map((r) => [r.relname, r.relkind])).toEqual(
      ['book_snapshots', 'candles', 'events', 'fills', 'funding_payments', 'metric_points', 'positions', 'quotes', 'trades'].map((name) => [name, 'r']),
    );
  });

  it('registered compression, retention and refresh policies as TimescaleDB jobs', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'jobs');
    const jobs = await storage.query<{ proc_name: string; hypertable_name: string }>(
      `SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE job_id >= 1000`,
    );
    const has = (proc: string, table: string) => jobs.some((j) => j.proc_name === proc && j.hypertable_name === table);
    expect(has('policy_compression', 'metric_points')).toBe(true);
    expect(has('policy_retention', 'metric_points')).toBe(true);
    expect(has('policy_refresh_continuous_aggregate', 'metrics_hourly')).toBe(true);
    expect(has('policy_refresh_continuous_aggregate', 'fills_daily_stats')).toBe(true);
  });

  it('built the metric and fill rollups as continuous aggregates where the engine has them, else as rollup tables', async () => {
    const rows = await storage.query<{ view_name: string; kind: string }>(
      `SELECT view_name, kind FROM ag_storage.rollups WHERE view_name = ANY($1) ORDER BY view_name`,
      [CORE_ROLLUPS],
    );
    const aggregate = storage.capabilities.continuousAggregates ? 'continuous_aggregate' : 'table';
    expect(rows).toEqual([
      { view_name: 'fills_daily_stats', kind: aggregate },
      { view_name: 'metrics_daily', kind: aggregate },
      { view_name: 'metrics_hourly', kind: aggregate },
      // orders are mutable rows in a regular table: a rollup table everywhere.
      { view_name: 'orders_daily_stats', kind: 'table' },
    ]);
  });

  it('answers health with engine, versions, pool and no pending migrations', async () => {
    const health = await storage.health();
    expect(health.status).toBe('ok');
    expect(health.engine).toBe(storage.url.startsWith('pglite://') ? 'pglite' : 'postgres');
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
