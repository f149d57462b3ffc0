// Refreshing rollups on every engine: continuous aggregates where the server
// has them, rollup tables elsewhere; windows, retention safety, and mutable
// sources.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { listRollups, refreshAllRollups, refreshRollup, ValidationError } from '../src/index.js';

const DAY0 = '2026-11-01 00:00:00+00';

describeEachEngine('rollups', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const hourly = (bucket: string) =>
    storage.query<{ count: number; max: number }>(
      `SELECT count, max FROM metrics_hourly WHERE series_id = 1 AND bucket = $1`,
      [bucket],
    );

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await storage.execute(`INSERT INTO metric_series (id, metric_name) VALUES (1, 'r.test')`);
    // 48 hours of one point a minute: values 1..2880.
    await storage.execute(
      `INSERT INTO metric_points (time, series_id, value)
       SELECT timestamptz '${DAY0}' + (g - 1) * interval '1 minute', 1, g FROM generate_series(1, 2880) g`,
    );
  });
  afterAll(async () => storage?.close());

  it('lists the four rollups with their kind, bucket and lookback', async () => {
    // Other packages' migrations register rollups of their own: look at core's four.
    const core = ['fills_daily_stats', 'metrics_daily', 'metrics_hourly', 'orders_daily_stats'];
    const listed = (await listRollups(storage.engine)).filter((r) => core.includes(r.viewName));
    const rollups = [...listed].sort((a, b) => a.viewName.localeCompare(b.viewName));
    expect(rollups.map((r) => [r.viewName, r.bucketSeconds, r.lookbackSeconds])).toEqual([
      ['fills_daily_stats', 86400, 7 * 86400],
      ['metrics_daily', 86400, 7 * 86400],
      ['metrics_hourly', 3600, 3 * 86400],
      ['orders_daily_stats', 86400, 86400],
    ]);
    const expected = storage.capabilities.continuousAggregates ? 'continuous_aggregate' : 'table';
    expect(rollups.find((r) => r.viewName === 'metrics_hourly')?.kind).toBe(expected);
    expect(rollups.find((r) => r.viewName === 'orders_daily_stats')?.kind).toBe('table');
    expect(rollups.every((r) => r.lastRefreshedAt === null)).toBe(true);
    // Where metrics_daily is built on metrics_hourly (hierarchical continuous aggregates) it is listed after it.
    const daily = rollups.find((r) => r.viewName === 'metrics_daily');
    expect(daily?.builtOn).toBe(storage.capabilities.continuousAggregates ? 'metrics_hourly' : null);
    if (daily?.builtOn) expect(listed.map((r) => r.viewName).indexOf('metrics_hourly')).toBeLessThan(listed.indexOf(daily));
  });

  it('refreshes metrics_hourly to the statistics of the raw points and records when', async () => {
    const before = new Date();
    await refreshRollup(storage.engine, 'metrics_hourly');
    const rows = await storage.query<{ bucket: Date; count: number; sum: number; min: number; max: number; first: number; last: number; p50: number }>(
      `SELECT bucket, count, sum, min, max, first, last, p50 FROM metrics_hourly WHERE series_id = 1 ORDER BY bucket`,
    );
    expect(rows).toHaveLength(48);
    expect(rows[0]).toEqual({
      bucket: new Date('2026-11-01T00:00:00Z'), count: 60, sum: (60 * 61) / 2, min: 1, max: 60, first: 1, last: 60, p50: 30.5,
    });
    expect([rows[47]?.min, rows[47]?.max, rows[47]?.count]).toEqual([2821, 2880, 60]);
    const info = (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_hourly');
    expect(info?.lastRefreshedAt?.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  it('picks up late rows in an explicit range, and only there', async () => {
    await storage.execute(`INSERT INTO metric_points (time, series_id, value) VALUES ('2026-11-01 00:30:30+00', 1, 1000000)`);
    await storage.execute(`INSERT INTO metric_points (time, series_id, value) VALUES ('2026-11-01 05:30:30+00', 1, 2000000)`);
    await refreshRollup(storage.engine, 'metrics_hourly', {
      start: new Date('2026-11-01T00:00:00Z'),
      end: new Date('2026-11-01T01:00:00Z'),
    });
    expect(await hourly('2026-11-01 00:00:00+00')).toEqual([{ count: 61, max: 1000000 }]);
    if (!storage.capabilities.continuousAggregates) {
      // A rollup table outside the window is untouched until refreshed.
      expect(await hourly('2026-11-01 05:00:00+00')).toEqual([{ count: 60, max: 360 }]);
    }
    await refreshRollup(storage.engine, 'metrics_hourly', {
      start: new Date('2026-11-01T05:00:00Z'),
      end: new Date('2026-11-01T06:00:00Z'),
    });
    expect(await hourly('2026-11-01 05:00:00+00')).toEqual([{ count: 61, max: 2000000 }]);
  });

  it('keeps rollup rows whose raw rows retention dropped, across default refreshes', async () => {
    await refreshAllRollups(storage.engine, { sourceTable: 'metric_points' });
    const dailyBefore = await storage.query(`SELECT bucket, count, sum FROM metrics_daily WHERE series_id = 1 ORDER BY bucket`);
    expect(dailyBefore).toHaveLength(2);
    await storage.execute(`DELETE FROM metric_points WHERE series_id = 1`);
    await refreshAllRollups(storage.engine, { sourceTable: 'metric_points' });
    expect(await storage.query(`SELECT bucket, count, sum FROM metrics_daily WHERE series_id = 1 ORDER BY bucket`)).toEqual(dailyBefore);
    expect(await hourly('2026-11-01 00:00:00+00')).toEqual([{ count: 61, max: 1000000 }]);
  });

  it('refreshes orders_daily_stats for orders changed since the last refresh, however old', async () => {
    const insertOrder = (id: string, day: string) =>
      storage.execute(
        `INSERT INTO orders (id, time, venue, market, side, order_type, price, size, client_order_id, updated_at)
         VALUES (gen_random_uuid(), $2, 'v', 'm', 'buy', 'limit', 2, 3, $1, now())`,
        [id, day],
      );
    await insertOrder('old-1', '2026-01-05 10:00:00+00');
    await insertOrder('new-1', '2026-11-20 10:00:00+00');
    await refreshRollup(storage.engine, 'orders_daily_stats');
    const stats = () =>
      storage.query<{ day: Date; order_count: number; cancelled_count: number; submitted_notional: string }>(
        `SELECT day, order_count, cancelled_count, submitted_notional FROM orders_daily_stats ORDER BY day`,
      );
    expect((await stats()).map((s) => [s.day.toISOString(), s.order_count, s.cancelled_count, Number(s.submitted_notional)])).toEqual([
      ['2026-01-05T00:00:00.000Z', 1, 0, 6],
      ['2026-11-20T00:00:00.000Z', 1, 0, 6],
    ]);
    // A months-old order is cancelled now: the default refresh must reach its day.
    await storage.execute(`UPDATE orders SET status = 'cancelled', updated_at = now() WHERE client_order_id = 'old-1'`);
    await refreshRollup(storage.engine, 'orders_daily_stats');
    expect((await stats())[0]?.cancelled_count).toBe(1);
  });

  it('moves the default-window anchor only on default refreshes', async () => {
    const anchor = async () => (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_daily')?.lastRefreshedAt;
    await refreshRollup(storage.engine, 'metrics_daily');
    const before = await anchor();
    await refreshRollup(storage.engine, 'metrics_daily', { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') });
    expect(await anchor()).toEqual(before);
  });

  it('refuses a name that is not a rollup', async () => {
    await expect(refreshRollup(storage.engine, 'metric_points; DROP TABLE orders')).rejects.toBeInstanceOf(ValidationError);
  });
});
