// Migration 20261203100000_hierarchical_daily_rollup on databases that already
// hold rollups: migrated up to just before it, with daily rows for days whose
// raw points are gone. Where continuous aggregates exist, metrics_daily is
// rebuilt on metrics_hourly only when its hours hold every such day (its rows,
// history included, grants and refresh policy come through unchanged), and
// stays built on metric_points when they do not; down.sql reverts only what
// the raw points can rebuild. Elsewhere the migration changes no rollup.

import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { defaultMigrationsDirectory, detectCapabilities, listRollups, Migrator, refreshRollup, type Capabilities } from '../src/index.js';

const MIGRATION = '20261203100000_hierarchical_daily_rollup';
/** The migration and every later one: the database starts just before it. */
const FROM_HERE = readdirSync(defaultMigrationsDirectory(), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name >= MIGRATION)
  .map((entry) => entry.name)
  .sort();
const rollBackFromHere = async (storage: TestStorage) => (await storage.rollback(FROM_HERE.length)).rolledBack.sort();
/** Raw points of early September are removed (retention) before the migration. */
const REMOVED_BEFORE = '2026-10-01T00:00:00Z';

const DAILY = `SELECT bucket, series_id, count::int8 AS count, sum, avg, min, max, first, last FROM metrics_daily ORDER BY series_id, bucket`;
const DAILY_GRANTS = `
SELECT coalesce(r.rolname, 'PUBLIC') AS grantee, a.privilege_type
  FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
 WHERE c.oid = 'public.metrics_daily'::regclass AND a.grantee <> c.relowner ORDER BY 1, 2`;
const DAILY_POLICY = `
SELECT config->>'start_offset' AS start_offset, config->>'end_offset' AS end_offset, schedule_interval::text AS schedule
  FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate' AND hypertable_name = 'metrics_daily'`;
/** The grants on metrics_daily's materialized hypertable (rollup routing reads it directly). */
const MATERIALIZED_GRANTS = `
SELECT coalesce(r.rolname, 'PUBLIC') AS grantee, a.privilege_type
  FROM _timescaledb_catalog.continuous_agg d
  JOIN _timescaledb_catalog.hypertable h ON h.id = d.mat_hypertable_id
  JOIN pg_class c ON c.oid = format('%I.%I', h.schema_name, h.table_name)::regclass
 CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
 WHERE d.user_view_name = 'metrics_daily' AND a.grantee <> c.relowner ORDER BY 1, 2`;
/** The continuous aggregate metrics_daily reads from, or null. */
const DAILY_PARENT = `
SELECT coalesce(p.user_view_name, h.table_name) AS parent
  FROM _timescaledb_catalog.continuous_agg d
  LEFT JOIN _timescaledb_catalog.continuous_agg p ON p.mat_hypertable_id = d.raw_hypertable_id
  LEFT JOIN _timescaledb_catalog.hypertable h ON h.id = d.raw_hypertable_id
 WHERE d.user_view_name = 'metrics_daily'`;

describeEachEngine('hierarchical daily migration', ({ engine, adminUrl }) => {
  const storages: TestStorage[] = [];
  let before: string;

  beforeAll(() => {
    before = mkdtempSync(path.join(os.tmpdir(), 'ag-before-hierarchical-'));
    cpSync(defaultMigrationsDirectory(), before, { recursive: true });
    for (const name of FROM_HERE) rmSync(path.join(before, name), { recursive: true });
  });
  afterAll(async () => {
    for (const s of storages) await s.close();
    rmSync(before, { recursive: true, force: true });
  });

  /**
   * A database migrated up to just before the migration, with points on
   * 1-4 September and 1-4 November in two series (multiples of 0.25), both
   * rollups refreshed over all of it, and (unless told) the September points removed.
   */
  async function populated(removeSeptember = true): Promise<{ storage: TestStorage; capabilities: Capabilities }> {
    const storage = await createTestStorage({ engine, migrate: false, ...(adminUrl ? { adminUrl } : {}) });
    storages.push(storage);
    await new Migrator(storage.engine, before, storage.logger).migrate();
    const capabilities = await detectCapabilities(storage.engine, storage.engine.traits);
    await storage.execute(`INSERT INTO metric_series (id, metric_name) VALUES (1, 'm.a'), (2, 'm.b')`);
    for (const from of ['2026-09-01', '2026-11-01']) {
      await storage.execute(
        `INSERT INTO metric_points (time, series_id, value)
         SELECT timestamptz '${from} 00:00:00+00' + g * interval '7 minutes', s, ((g * 31 + s * 17) % 401) / 4.0 - 20
           FROM generate_series(0, 4 * 24 * 60 / 7 - 1) g, generate_series(1, 2) s`,
      );
    }
    const window = { start: new Date('2026-08-01T00:00:00Z'), end: new Date('2026-11-10T00:00:00Z') };
    await refreshRollup(storage.engine, 'metrics_hourly', window);
    await refreshRollup(storage.engine, 'metrics_daily', window);
    if (removeSeptember) await storage.execute(`DELETE FROM metric_points WHERE time < $1`, [new Date(REMOVED_BEFORE)]);
    return { storage, capabilities };
  }

  const daily = (storage: TestStorage) => storage.query(DAILY);
  const builtOn = async (storage: TestStorage) => (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_daily')?.builtOn;
  const parent = async (storage: TestStorage) => (await storage.query<{ parent: string }>(DAILY_PARENT))[0]?.parent;

  it('keeps the flat metrics_daily, every row, when days older than the raw points lost their hours', async () => {
    const { storage, capabilities } = await populated();
    if (capabilities.continuousAggregates) {
      await storage.query(`SELECT drop_chunks('metrics_hourly', older_than => $1::timestamptz)`, [REMOVED_BEFORE]);
    } else {
      await storage.execute(`DELETE FROM metrics_hourly WHERE bucket < $1`, [new Date(REMOVED_BEFORE)]);
    }
    const rows = await daily(storage);
    expect(rows).toHaveLength(2 * 8);

    expect((await storage.migrate()).applied).toEqual(FROM_HERE);
    expect(await daily(storage)).toEqual(rows);
    expect(await builtOn(storage)).toBeNull();
    if (capabilities.continuousAggregates) expect(await parent(storage)).toBe('metric_points');
  });

  it('rebuilds metrics_daily on metrics_hourly when the hours hold every day: rows, history, grants and policy unchanged', async () => {
    const { storage, capabilities } = await populated();
    const rows = await daily(storage);
    const grants = await storage.query(DAILY_GRANTS);
    const policy = capabilities.jobs ? await storage.query(DAILY_POLICY) : [];

    expect((await storage.migrate()).applied).toEqual(FROM_HERE);
    expect(await daily(storage)).toEqual(rows);
    expect(await storage.query(DAILY_GRANTS)).toEqual(grants);
    if (capabilities.jobs) expect(await storage.query(DAILY_POLICY)).toEqual(policy);
    if (!capabilities.continuousAggregates) {
      expect(await builtOn(storage)).toBeNull();
      return;
    }
    expect(await parent(storage)).toBe('metrics_hourly');
    expect(await builtOn(storage)).toBe('metrics_hourly');
    expect(await storage.query(MATERIALIZED_GRANTS)).toEqual(grants);
    // The September days are materialized, not only computed in real time.
    const materialized = await storage.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM metrics_daily WHERE bucket < $1
          AND bucket < (SELECT _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(mat_hypertable_id))
                          FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'metrics_daily')`,
      [new Date(REMOVED_BEFORE)],
    );
    expect(materialized[0]?.n).toBe(2 * 4);

    // The raw points cannot rebuild September: rolling back keeps metrics_daily on the hours.
    expect(await rollBackFromHere(storage)).toEqual(FROM_HERE);
    expect(await parent(storage)).toBe('metrics_hourly');
    expect(await daily(storage)).toEqual(rows);
    expect((await storage.migrate()).applied).toEqual(FROM_HERE);
    expect(await builtOn(storage)).toBe('metrics_hourly');
  });

  it('reverts to metrics_daily on metric_points, rows, history and grants unchanged, when the raw points cover every day', async () => {
    const { storage, capabilities } = await populated(false);
    expect((await storage.migrate()).applied).toEqual(FROM_HERE);
    const rows = await daily(storage);
    expect(rows).toHaveLength(2 * 8);
    const grants = await storage.query(DAILY_GRANTS);

    expect(await rollBackFromHere(storage)).toEqual(FROM_HERE);
    expect(await builtOn(storage)).toBeNull();
    expect(await daily(storage)).toEqual(rows);
    expect(await storage.query(DAILY_GRANTS)).toEqual(grants);
    if (!capabilities.continuousAggregates) return;
    expect(await parent(storage)).toBe('metric_points');
    const columns = await storage.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'metrics_daily' AND column_name IN ('stddev', 'p50', 'p99')`,
    );
    expect(columns).toHaveLength(3);
  });
});
