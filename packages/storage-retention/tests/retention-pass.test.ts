// A retention pass over 120 days of data in every table, on every engine:
// exactly what is past each policy is gone (per table and per overridden
// metric), everything else is untouched, rollups still answer for the
// removed period, and a second pass changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { managedTables, RetentionManager, type RetentionReport } from '../src/index.js';
import { buildLifecycleData, DAY_MS, HOUR_MS, insertLifecycleData, testNow, type LifecycleData } from './fixtures/lifecycle-data.js';

const POLICIES = {
  metrics_retention_days: 30,
  execution_retention_days: 60,
  events_retention_days: 45,
  candles_retention_days: 90,
  metric_overrides: { 'polymarket.rtds.lag_ms': 7, 'keep.long': 100 },
} as const;

/** Chunk intervals the hypertables migration chose (days). */
const CHUNK_DAYS = { metric_points: 1, events: 7, fills: 7, positions: 7, candles: 30 } as const;

describeEachEngine('runRetention over 120 days', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let manager: RetentionManager;
  let data: LifecycleData;
  let report: RetentionReport;
  let countsBefore: Record<string, number>;
  const cutoff = (days: number) => new Date(data.now.getTime() - days * DAY_MS);
  /**
   * Where a table's rows stop being removed: whole chunks wherever TimescaleDB
   * partitions the table (either license: drop_chunks), the exact cutoff on
   * plain tables (batched DELETE). See "Retention granularity" in the README.
   */
  const boundary = (table: keyof typeof CHUNK_DAYS, days: number) => {
    const at = cutoff(days).getTime();
    if (!storage.capabilities.timescale) return new Date(at);
    const width = CHUNK_DAYS[table] * DAY_MS;
    return new Date(Math.floor(at / width) * width);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await storage.query<{ n: number }>(sql, params))[0]?.n);
  const tableCount = (table: string) => count(`SELECT count(*)::int AS n FROM ${table}`);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    data = buildLifecycleData(testNow());
    await insertLifecycleData(storage, data);
    manager = new RetentionManager(storage, POLICIES);
    // Older chunks compressed first where the engine can: removal must reach inside them.
    await manager.compressOldData({ now: data.now });
    countsBefore = {};
    for (const t of managedTables()) countsBefore[t] = await tableCount(t);
    report = await manager.runRetention({ now: data.now });
  });
  afterAll(async () => storage?.close());

  describe('metric_points', () => {
    const remainingOf = async (seriesId: number) => count(`SELECT count(*)::int AS n FROM metric_points WHERE series_id = $1`, [seriesId]);
    const expectedOf = (seriesId: number, keepFrom: Date) =>
      data.points.filter((p) => p.seriesId === seriesId && p.time >= keepFrom).length;

    it('keeps exactly the points of ordinary series newer than metrics_retention_days', async () => {
      for (const id of [1, 2]) expect(await remainingOf(id)).toBe(expectedOf(id, cutoff(30)));
    });

    it('keeps exactly the points of a shorter override newer than its retention', async () => {
      expect(await remainingOf(3)).toBe(expectedOf(3, cutoff(7)));
    });

    it('keeps the points of a longer override past the table retention, up to its own', async () => {
      const kept = await remainingOf(4);
      expect(kept).toBe(expectedOf(4, boundary('metric_points', 100)));
      expect(kept).toBeGreaterThan(expectedOf(4, cutoff(30)));
    });

    it('reports per override the series matched and the rows deleted', () => {
      const lag = report.metricOverrides.find((o) => o.metricName === 'polymarket.rtds.lag_ms');
      expect(lag).toMatchObject({ retentionDays: 7, seriesCount: 1 });
      expect(lag?.rowsDeleted).toBe(data.points.filter((p) => p.seriesId === 3 && p.time < cutoff(7)).length);
    });
  });

  it.each([
    ['events', 45],
    ['candles', 90],
    ['positions', 60],
    ['fills', 60],
  ] as const)('keeps exactly the %s rows the policy keeps', async (table, days) => {
    const rows = table === 'events' ? data.events : table === 'candles' ? data.candles : table === 'positions' ? data.positions : data.fills;
    const keepFrom = boundary(table, days);
    expect(await tableCount(table)).toBe(rows.filter((r) => r.time >= keepFrom).length);
    const oldest = (await storage.query<{ t: Date | null }>(`SELECT min(time) AS t FROM ${table}`))[0]?.t;
    expect(oldest && oldest >= keepFrom).toBe(true);
  });

  it('removes finished orders past the retention once none of their fills remain, and keeps working ones', async () => {
    const fillsKeptFrom = boundary('fills', 60);
    const remainingFillOrders = new Set(data.fills.filter((f) => f.time >= fillsKeptFrom).map((f) => f.orderId));
    const expected = data.orders.filter(
      (o) => !(o.time < cutoff(60) && o.updatedAt < cutoff(60) && o.status !== 'open' && !remainingFillOrders.has(o.id)),
    );
    const ids = (await storage.query<{ id: string }>(`SELECT id::text AS id FROM orders ORDER BY id`)).map((r) => r.id);
    expect(ids).toEqual(expected.map((o) => o.id).sort());
    expect(ids).toContain(data.orders.find((o) => o.clientOrderId === 'c-skewed')?.id);
    expect(data.orders.some((o) => o.status === 'open' && o.time < cutoff(60))).toBe(true);
  });

  it('reports rows deleted per table equal to what left the table', async () => {
    for (const t of report.tables) {
      expect([t.table, t.rowsDeleted]).toEqual([t.table, countsBefore[t.table]! - (await tableCount(t.table))]);
    }
    const dropped = report.tables.reduce((n, t) => n + t.chunksDropped, 0);
    if (storage.capabilities.timescale) expect(dropped).toBeGreaterThan(0);
    else expect(dropped).toBe(0);
    expect(report.strategy).toBe(storage.capabilities.timescale ? 'drop_chunks' : 'batched_delete');
  });

  describe('rollups', () => {
    const dayStart = (daysAgo: number) => new Date(Math.floor(data.now.getTime() / DAY_MS) * DAY_MS - daysAgo * DAY_MS);

    it('metrics_daily still answers for a day whose raw points are gone', async () => {
      const day = dayStart(40);
      const raw = data.points.filter((p) => p.seriesId === 1 && p.time >= day && p.time.getTime() < day.getTime() + DAY_MS);
      expect(await count(`SELECT count(*)::int AS n FROM metric_points WHERE series_id = 1 AND time >= $1 AND time < $2`, [day, new Date(day.getTime() + DAY_MS)])).toBe(0);
      const rows = await storage.query<{ count: number; sum: number; max: number }>(
        `SELECT count::int AS count, sum, max FROM metrics_daily WHERE series_id = 1 AND bucket = $1`,
        [day],
      );
      expect(rows).toEqual([{ count: raw.length, sum: raw.reduce((s, p) => s + p.value, 0), max: Math.max(...raw.map((p) => p.value)) }]);
    });

    it('metrics_hourly still answers for an overridden series after its points are gone', async () => {
      const point = data.points.find((p) => p.seriesId === 3 && p.time < cutoff(8))!;
      const hour = new Date(Math.floor(point.time.getTime() / HOUR_MS) * HOUR_MS);
      const rows = await storage.query<{ count: number; last: number }>(
        `SELECT count::int AS count, last FROM metrics_hourly WHERE series_id = 3 AND bucket = $1`,
        [hour],
      );
      expect(rows).toEqual([{ count: 1, last: point.value }]);
    });

    it('fills_daily_stats and orders_daily_stats still answer for removed fills and orders', async () => {
      const fill = data.fills.find((f) => f.time < cutoff(100))!;
      const day = new Date(Math.floor(fill.time.getTime() / DAY_MS) * DAY_MS);
      const fillStats = await storage.query<{ fill_count: number; volume: string }>(
        `SELECT fill_count::int AS fill_count, volume::text AS volume FROM fills_daily_stats WHERE day = $1`,
        [day],
      );
      expect(fillStats.map((r) => [r.fill_count, Number(r.volume)])).toEqual([[1, Number(fill.size)]]);
      // A day without orders has no row (rows are per day, account and strategy): compare the day's total.
      const orderStats = await storage.query<{ order_count: number }>(`SELECT coalesce(sum(order_count), 0)::int AS order_count FROM orders_daily_stats WHERE day = $1`, [day]);
      expect(orderStats).toEqual([{ order_count: data.orders.filter((o) => o.time >= day && o.time.getTime() < day.getTime() + DAY_MS).length }]);
    });
  });

  it('refreshes the metrics rollups of the next pass from the last refresh minus the lookback, not from the beginning', async () => {
    const next = await manager.runRetention({ now: data.now });
    const lookbackDays = { metrics_hourly: 3, metrics_daily: 7 } as const;
    for (const [view, days] of Object.entries(lookbackDays)) {
      const window = next.refreshed.find((r) => r.rollup === view);
      expect(window?.skipped, view).toBeNull();
      // A whole bucket of slack: the window starts on a bucket boundary.
      expect(window?.start?.getTime(), view).toBeGreaterThanOrEqual(data.now.getTime() - (days + 1) * DAY_MS);
    }
  });

  it('changes nothing on a second pass with the same clock, rollups included', async () => {
    // Buckets older than every refresh lookback (7 days): recent ones are legitimately recomputed
    // (floating-point sums may differ in the last digit with row order).
    const settled = new Date(data.now.getTime() - 8 * DAY_MS);
    const state = async () => [
      await storage.query(`SELECT (SELECT count(*) FROM metric_points) a, (SELECT count(*) FROM orders) b`),
      await storage.query(`SELECT t::text FROM metrics_daily t WHERE bucket < $1 ORDER BY series_id, bucket`, [settled]),
      await storage.query(`SELECT t::text FROM metrics_hourly t WHERE bucket < $1 ORDER BY series_id, bucket`, [settled]),
      await storage.query(`SELECT t::text FROM fills_daily_stats t WHERE day < $1 ORDER BY day`, [settled]),
      await storage.query(`SELECT t::text FROM orders_daily_stats t WHERE day < $1 ORDER BY day`, [settled]),
    ];
    const before = await state();
    const second = await manager.runRetention({ now: data.now });
    expect(second.tables.map((t) => t.rowsDeleted)).toEqual(second.tables.map(() => 0));
    expect(second.policyChanges).toEqual([]);
    await manager.refreshRollups({ now: data.now });
    expect(await state()).toEqual(before);
  });
});
