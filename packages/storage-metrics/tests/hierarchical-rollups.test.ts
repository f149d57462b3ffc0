// metrics_daily built on metrics_hourly (migration 20261203100000): where the
// engine has continuous aggregates, the daily rollup is a continuous aggregate
// on the hourly one, listed and refreshed after it; on every engine the daily
// rows equal the statistics of the raw points (count, sum, avg, min, max,
// first, last: values are multiples of 0.25, so sums are exact), daily
// answers of queryAggregated equal the raw ones, also after late points, and
// percentiles and stddev of a day never come from metrics_daily.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRollups, refreshAllRollups } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { expectSameResults } from './support/expect-same-results.js';
import { StorageEngine, rollupRoutingAvailable, type AggregatedMetric, type AggregateQuery, type Aggregation } from '../src/index.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 3);
const DAYS = 3;
const MERGEABLE: Aggregation[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'];
const NOT_MERGEABLE: Aggregation[] = ['stddev', 'p50', 'p90', 'p95', 'p99'];
const DAILY_COLUMNS = ['bucket', 'series_id', 'count', 'sum', 'avg', 'min', 'max', 'first', 'last'];

/** Three days of points every 53 s for four series (one sparser); values are multiples of 0.25. */
function points(): Array<{ name: string; value: number; timestamp: number; labels: Record<string, string> }> {
  const out = [];
  for (let t = T0, k = 0; t < T0 + DAYS * DAY; t += 53_000, k += 1) {
    for (const [i, bot] of ['a', 'b', 'c', 'd'].entries()) {
      if (bot === 'd' && k % 7 !== 0) continue;
      out.push({ name: 'hier.pnl', value: (((k + 1) * (7919 + i * 104)) % 4001) / 4 - 500, timestamp: t, labels: { bot } });
    }
  }
  return out;
}

/** The daily statistics computed from the raw points, in SQL, as rollup rows. */
const RAW_DAILY = `
SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, series_id,
       count(*)::int8 AS count, sum(value) AS sum, sum(value) / count(*) AS avg, min(value) AS min, max(value) AS max,
       (array_agg(value ORDER BY time ASC))[1] AS first, (array_agg(value ORDER BY time DESC))[1] AS last
  FROM metric_points WHERE series_id = ANY($1) GROUP BY 1, 2 ORDER BY 2, 1`;
const STORED_DAILY = `
SELECT bucket, series_id, count::int8 AS count, sum, avg, min, max, first, last
  FROM metrics_daily WHERE series_id = ANY($1) ORDER BY 2, 1`;


describeEachEngine('hierarchical daily rollup', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let metrics: StorageEngine;
  let raw: StorageEngine;
  let seriesIds: number[];
  const end = new Date(T0 + (DAYS + 1) * DAY);
  const daily = (aggregations: Aggregation[]): AggregateQuery => ({ name: 'hier.pnl', start: T0, end: T0 + DAYS * DAY, bucket: '1d', aggregations, groupBy: 'bot' });
  /** The routed answer equals the raw one; returns the source it was read from. */
  const compare = async (q: AggregateQuery) => {
    const routed = await metrics.queryAggregated(q);
    const direct = await raw.queryAggregated(q);
    expect(direct.source).toBe('raw');
    expectSameResults(routed, direct);
    return routed.source;
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    metrics = new StorageEngine(storage);
    raw = new StorageEngine(storage, { query: { route_to_rollups: false } });
    await metrics.insertMetricsBatch(points());
    seriesIds = (await metrics.listSeries()).filter((s) => s.name === 'hier.pnl').map((s) => s.id);
  });
  afterAll(async () => {
    await metrics?.close();
    await raw?.close();
    await storage?.close();
  });

  it('builds metrics_daily on metrics_hourly where the engine has continuous aggregates, holding only what hours combine into', async () => {
    const registered = (await listRollups(storage.engine)).find((r) => r.viewName === 'metrics_daily');
    const columns = (
      await storage.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'metrics_daily' ORDER BY ordinal_position`,
      )
    ).map((c) => c.column_name);
    if (storage.capabilities.continuousAggregates) {
      const built = await storage.query<{ parent: string }>(
        `SELECT h.user_view_name AS parent
           FROM _timescaledb_catalog.continuous_agg d
           JOIN _timescaledb_catalog.continuous_agg h ON h.mat_hypertable_id = d.raw_hypertable_id
          WHERE d.user_view_name = 'metrics_daily'`,
      );
      expect(built).toEqual([{ parent: 'metrics_hourly' }]);
      expect(registered).toMatchObject({ kind: 'continuous_aggregate', sourceTable: 'metric_points', builtOn: 'metrics_hourly' });
      expect(columns).toEqual(DAILY_COLUMNS);
    } else {
      // A rollup table computed from the raw points, with every statistic.
      expect(registered).toMatchObject({ kind: 'table', sourceTable: 'metric_points', builtOn: null });
      expect(columns).toEqual(expect.arrayContaining([...DAILY_COLUMNS, 'stddev', 'p50', 'p99']));
    }
  });

  it('lists and refreshes every rollup after the one it is built on; refreshing the rollups of metric_points refreshes both levels', async () => {
    const rollups = await listRollups(storage.engine);
    for (const rollup of rollups.filter((r) => r.builtOn)) {
      expect(rollups.findIndex((r) => r.viewName === rollup.builtOn)).toBeLessThan(rollups.indexOf(rollup));
    }
    const refreshed = (await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', end })).map((r) => r.viewName);
    expect([...refreshed].sort()).toEqual(['metrics_daily', 'metrics_hourly']);
    if (rollups.find((r) => r.viewName === 'metrics_daily')?.builtOn) expect(refreshed).toEqual(['metrics_hourly', 'metrics_daily']);
  });

  it('holds, per series and day, exactly the statistics of the raw points', async () => {
    const stored = await storage.query(STORED_DAILY, [seriesIds]);
    expect(stored).toHaveLength(seriesIds.length * DAYS);
    expect(stored).toEqual(await storage.query(RAW_DAILY, [seriesIds]));
  });

  it('answers daily count, sum, avg, min, max, first and last from metrics_daily, equal to the raw answer', async () => {
    expect(await compare(daily(MERGEABLE))).toBe(rollupRoutingAvailable(storage.capabilities) ? 'metrics_daily' : 'raw');
    // Across the series too (first and last only per series).
    expect(await compare({ name: 'hier.pnl', start: T0, end: T0 + DAYS * DAY, bucket: '1d', aggregations: ['count', 'sum', 'avg', 'min', 'max'] })).toBe(
      rollupRoutingAvailable(storage.capabilities) ? 'metrics_daily' : 'raw',
    );
  });

  it('answers percentiles and stddev of a day as the raw points do, never from metrics_daily', async () => {
    expect(await compare(daily(NOT_MERGEABLE))).not.toBe('metrics_daily');
    expect(await compare(daily([...MERGEABLE, ...NOT_MERGEABLE]))).not.toBe('metrics_daily');
  });

  it('after late points in a refreshed day answers as the raw points do, and from metrics_daily again once refreshed', async () => {
    const day = T0 + DAY;
    const late = Array.from({ length: 40 }, (_, i) => ({ name: 'hier.pnl', value: 10_000 + i / 4, timestamp: day + 5 * 3_600_000 + i * 1_000 + 7, labels: { bot: 'b' } }));
    expect(await metrics.insertMetricsBatch(late)).toEqual({ inserted: 40, duplicates: 0 });
    const stale = await metrics.queryAggregated(daily(MERGEABLE));
    expect(stale.find((r) => r.labels.bot === 'b' && r.bucket.getTime() === day)?.max).toBe(10_000 + 39 / 4);
    await compare(daily(MERGEABLE));

    await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', start: new Date(T0), end });
    expect(await storage.query(STORED_DAILY, [seriesIds])).toEqual(await storage.query(RAW_DAILY, [seriesIds]));
    expect(await compare(daily(MERGEABLE))).toBe(rollupRoutingAvailable(storage.capabilities) ? 'metrics_daily' : 'raw');
  });
});
