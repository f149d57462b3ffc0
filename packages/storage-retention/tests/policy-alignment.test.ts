// The configuration is the single source of truth: TimescaleDB's policies
// (registered by the migrations with default intervals, and run by a server
// whether the library is there or not) are re-aligned with it, so that no
// policy removes what the configuration keeps, and no refresh window reaches
// below removed raw rows.

import { afterEach, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireCapability, requireNoCapability, type TestStorage } from '@ag/storage-testing';
import { RetentionManager } from '../src/index.js';
import { buildLifecycleData, DAY_MS, insertLifecycleData, testNow } from './fixtures/lifecycle-data.js';

interface PolicyRow {
  proc_name: string;
  target: string;
  interval: string | null;
}

describeEachEngine('policy alignment', ({ engine, adminUrl }) => {
  let storage: TestStorage | undefined;
  const open = async () => (storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) }));
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  const policies = async (s: TestStorage) =>
    s.query<PolicyRow>(
      `SELECT j.proc_name, coalesce(ca.view_name, j.hypertable_name) AS target,
              coalesce(j.config->>'drop_after', j.config->>'compress_after', j.config->>'start_offset') AS interval
         FROM timescaledb_information.jobs j
         LEFT JOIN timescaledb_information.continuous_aggregates ca ON ca.materialization_hypertable_name = j.hypertable_name
        WHERE j.job_id >= 1000 ORDER BY 1, 2`,
    );
  const policy = async (s: TestStorage, proc: string, target: string) =>
    (await policies(s)).find((p) => p.proc_name === `policy_${proc}` && p.target === target)?.interval ?? null;
  const seconds = async (s: TestStorage, interval: string | null) =>
    interval === null ? null : Number((await s.query<{ s: number }>(`SELECT extract(epoch FROM $1::interval)::float8 AS s`, [interval]))[0]?.s);
  const lookbacks = async (s: TestStorage) =>
    Object.fromEntries(
      (await s.query<{ view_name: string; s: number }>(`SELECT view_name, extract(epoch FROM refresh_lookback)::float8 AS s FROM ag_storage.rollups`)).map((r) => [r.view_name, r.s]),
    );

  it('narrows rollup refresh lookbacks to stay inside the shortest retention of their source, and only those', async () => {
    const s = await open();
    const before = await lookbacks(s);
    await new RetentionManager(s, { metric_overrides: { 'polymarket.rtds.lag_ms': 5 } }).alignPolicies();
    const after = await lookbacks(s);
    expect(after.metrics_daily).toBe(5 * 86_400 - 86_400);
    expect(after.metrics_hourly).toBe(Math.min(before.metrics_hourly!, 5 * 86_400 - 3600));
    expect(after.fills_daily_stats).toBe(before.fills_daily_stats);
    expect(after.orders_daily_stats).toBe(before.orders_daily_stats);
  });

  it('changes nothing when the policies already match', async () => {
    const s = await open();
    const manager = new RetentionManager(s, { metrics_retention_days: 120, metric_overrides: { 'polymarket.rtds.lag_ms': 5 } });
    expect((await manager.alignPolicies()).length).toBeGreaterThan(0);
    expect(await manager.alignPolicies()).toEqual([]);
  });

  it('has no TimescaleDB policies to align without the job API', async (ctx) => {
    const s = await open();
    requireNoCapability(ctx, s.capabilities, 'jobs');
    const changes = await new RetentionManager(s, { metrics_retention_days: 120 }).alignPolicies();
    expect(changes.filter((c) => c.policy !== 'refresh_lookback')).toEqual([]);
  });

  it('sets the server-run retention policies to the configured retention, longer than the migration default', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    expect(await seconds(s, await policy(s, 'retention', 'metric_points'))).toBe(90 * 86_400);
    await new RetentionManager(s, { metrics_retention_days: 120, execution_retention_days: 400, events_retention_days: 30 }).alignPolicies();
    expect(await seconds(s, await policy(s, 'retention', 'metric_points'))).toBe(120 * 86_400);
    expect(await seconds(s, await policy(s, 'retention', 'fills'))).toBe(400 * 86_400);
    expect(await seconds(s, await policy(s, 'retention', 'positions'))).toBe(400 * 86_400);
    expect(await seconds(s, await policy(s, 'retention', 'events'))).toBe(30 * 86_400);
    expect(await policy(s, 'retention', 'candles')).toBeNull();
    // The tick tables age out under their own keys' defaults.
    expect(await seconds(s, await policy(s, 'retention', 'trades'))).toBe(365 * 86_400);
    expect(await seconds(s, await policy(s, 'retention', 'quotes'))).toBe(90 * 86_400);
    expect(await seconds(s, await policy(s, 'retention', 'book_snapshots'))).toBe(30 * 86_400);
  });

  it('keeps data the configuration keeps when the server runs every policy job', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    const data = buildLifecycleData(testNow());
    await insertLifecycleData(s, data);
    await new RetentionManager(s, { metrics_retention_days: 100 }).alignPolicies();
    for (const { job_id } of await s.query<{ job_id: number }>(`SELECT job_id FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY job_id`)) {
      await s.query(`CALL run_job($1)`, [job_id]);
    }
    const kept = Number((await s.query<{ n: number }>(`SELECT count(*)::int AS n FROM metric_points WHERE series_id = 1`))[0]?.n);
    const boundary = Math.floor((data.now.getTime() - 100 * DAY_MS) / DAY_MS) * DAY_MS;
    expect(kept).toBe(data.points.filter((p) => p.seriesId === 1 && p.time.getTime() >= boundary).length);
    expect(kept).toBeGreaterThan(data.points.filter((p) => p.seriesId === 1 && p.time.getTime() >= data.now.getTime() - 90 * DAY_MS).length);
  }, 240_000); // the embedded engine runs every policy job in process (about 100 s since the tick tables got policies)

  it('lets a metric override longer than the table retention hold the metric_points policy back', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    await new RetentionManager(s, { metrics_retention_days: 30, metric_overrides: { 'keep.long': 200 } }).alignPolicies();
    expect(await seconds(s, await policy(s, 'retention', 'metric_points'))).toBe(200 * 86_400);
  });

  it('removes the server-run retention policies of raw tables when archiving is on, keeping rollup ones', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    await new RetentionManager(s, { archive_enabled: true, events_retention_days: 30 }).alignPolicies();
    for (const table of ['metric_points', 'events', 'fills', 'positions', 'candles']) expect([table, await policy(s, 'retention', table)]).toEqual([table, null]);
    expect(await seconds(s, await policy(s, 'retention', 'metrics_hourly'))).toBe(730 * 86_400);
    expect(await policy(s, 'retention', 'metrics_daily')).toBeNull();
  });

  it('sets compress_after to compression_after_days on every compressed hypertable', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    await new RetentionManager(s, { compression_after_days: 3 }).alignPolicies();
    for (const table of ['metric_points', 'events', 'fills', 'positions', 'candles', 'trades', 'quotes', 'book_snapshots']) {
      expect([table, await seconds(s, await policy(s, 'compression', table))]).toEqual([table, 3 * 86_400]);
    }
  });

  it('narrows the continuous aggregate refresh policies, and removes one left with under two buckets of window', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    await new RetentionManager(s, { metric_overrides: { 'polymarket.rtds.lag_ms': 5 } }).alignPolicies();
    expect(await seconds(s, await policy(s, 'refresh_continuous_aggregate', 'metrics_daily'))).toBe(4 * 86_400);
    expect(await seconds(s, await policy(s, 'refresh_continuous_aggregate', 'metrics_hourly'))).toBe(3 * 86_400);
    await new RetentionManager(s, { metric_overrides: { 'polymarket.rtds.lag_ms': 3 } }).alignPolicies();
    expect(await policy(s, 'refresh_continuous_aggregate', 'metrics_daily')).toBeNull();
    await new RetentionManager(s, {}).alignPolicies();
    expect(await seconds(s, await policy(s, 'refresh_continuous_aggregate', 'metrics_daily'))).toBe(7 * 86_400);
  });

  it('keeps the rollups of an overridden metric when every refresh job runs after a pass', async (ctx) => {
    const s = await open();
    requireCapability(ctx, s.capabilities, 'jobs');
    const data = buildLifecycleData(testNow());
    await insertLifecycleData(s, data);
    // 5 days: inside the migration's 7-day refresh window of metrics_daily, which alignment narrows.
    const manager = new RetentionManager(s, { metric_overrides: { 'polymarket.rtds.lag_ms': 5 } });
    await manager.runRetention({ now: data.now });
    const rollups = () => s.query(`SELECT bucket, count, sum FROM metrics_daily WHERE series_id = 3 ORDER BY bucket`);
    const before = await rollups();
    expect(before.length).toBeGreaterThan(100);
    for (const { job_id } of await s.query<{ job_id: number }>(
      `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate'`,
    )) {
      await s.query(`CALL run_job($1)`, [job_id]);
    }
    expect(await rollups()).toEqual(before);
  });
});
