// Refreshing rollups on every engine: continuous aggregates where the server
// has them, materialized views elsewhere, both recorded in ag_storage.rollups.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { listRollups, refreshAllRollups, refreshRollup, ValidationError } from '../src/index.js';

describeEachEngine('rollups', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await storage.execute(`INSERT INTO metric_series (id, metric_name) VALUES (1, 'r.test')`);
    // 48 hours of one point a minute, 10 days ago: values 1..2880.
    await storage.execute(
      `INSERT INTO metric_points (time, series_id, value)
       SELECT timestamptz '2026-11-01 00:00:00+00' + (g - 1) * interval '1 minute', 1, g FROM generate_series(1, 2880) g`,
    );
  });
  afterAll(async () => storage?.close());

  it('lists the four rollups with their kind and bucket width', async () => {
    const rollups = await listRollups(storage.engine);
    expect(rollups.map((r) => [r.viewName, r.bucketSeconds])).toEqual([
      ['fills_daily_stats', 86400],
      ['metrics_daily', 86400],
      ['metrics_hourly', 3600],
      ['orders_daily_stats', 86400],
    ]);
    const expected = engine === 'embedded' ? 'continuous_aggregate' : 'materialized_view';
    expect(rollups.find((r) => r.viewName === 'metrics_hourly')?.kind).toBe(expected);
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
    const last = rows[47];
    expect([last?.min, last?.max, last?.count]).toEqual([2821, 2880, 60]);
    const info = (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_hourly');
    expect(info?.lastRefreshedAt?.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  it('refreshes again after more data arrives (materialized views concurrently)', async () => {
    await storage.execute(`INSERT INTO metric_points (time, series_id, value) VALUES ('2026-11-01 00:30:30+00', 1, 1000000)`);
    await refreshAllRollups(storage.engine, { sourceTable: 'metric_points' });
    const [row] = await storage.query<{ max: number; count: number }>(
      `SELECT max, count FROM metrics_hourly WHERE series_id = 1 AND bucket = '2026-11-01 00:00:00+00'`,
    );
    expect(row).toEqual({ max: 1000000, count: 61 });
    const daily = await storage.query<{ count: number }>(`SELECT count FROM metrics_daily WHERE series_id = 1 ORDER BY bucket`);
    expect(daily.map((d) => d.count)).toEqual([1441, 1440]);
  });

  it('refuses a name that is not a rollup', async () => {
    await expect(refreshRollup(storage.engine, 'metric_points; DROP TABLE orders')).rejects.toBeInstanceOf(ValidationError);
  });
});
