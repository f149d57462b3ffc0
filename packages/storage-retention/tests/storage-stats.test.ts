// getStorageStats: per table, sizes, chunks and the time range, consistent
// with what was inserted.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRollups, registeredTables } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, requireCapability, requireNoCapability, type TestStorage } from '@ag/storage-testing';
import { RetentionManager, type TableStorageStats } from '../src/index.js';
import { buildLifecycleData, DAY_MS, insertLifecycleData, testNow, type LifecycleData } from './fixtures/lifecycle-data.js';

describeEachEngine('getStorageStats', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let data: LifecycleData;
  let stats: TableStorageStats[];
  const of = (table: string) => stats.find((s) => s.table === table)!;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    data = buildLifecycleData(testNow());
    await insertLifecycleData(storage, data);
    const manager = new RetentionManager(storage);
    await manager.compressOldData({ now: data.now });
    await manager.refreshRollups({ now: data.now });
    stats = await manager.getStorageStats();
  });
  afterAll(async () => storage?.close());

  it('covers every table of the table registry and every rollup', async () => {
    const rollups = (await listRollups(storage.engine)).map((r) => r.viewName);
    expect(rollups).toEqual(expect.arrayContaining(['fills_daily_stats', 'metrics_daily', 'metrics_hourly', 'orders_daily_stats']));
    expect(stats.map((s) => s.table).sort()).toEqual(
      [...registeredTables().map((t) => t.name), ...rollups].sort(),
    );
  });

  it('gives the oldest and newest time of each table', () => {
    const times = (rows: Array<{ time: Date }>) => rows.map((r) => r.time.getTime());
    for (const [table, rows] of [['metric_points', data.points], ['events', data.events], ['orders', data.orders], ['candles', data.candles]] as const) {
      expect([table, of(table).oldest?.getTime(), of(table).newest?.getTime()]).toEqual([table, Math.min(...times(rows)), Math.max(...times(rows))]);
    }
  });

  it('adds the parts of each table up to its total bytes', () => {
    for (const s of stats) {
      expect(s.totalBytes).toBeGreaterThan(0);
      expect([s.table, s.tableBytes + s.indexBytes + s.toastBytes]).toEqual([s.table, s.totalBytes]);
    }
  });

  it('counts no chunks on plain PostgreSQL, where every table is a table', (ctx) => {
    requireNoCapability(ctx, storage.capabilities, 'timescale');
    expect(stats.every((s) => s.chunks === 0 && s.compressedChunks === 0 && s.kind === 'table')).toBe(true);
  });

  it('counts chunks, and compressed chunks where the license compresses, where TimescaleDB partitions the table', (ctx) => {
    requireCapability(ctx, storage.capabilities, 'timescale');
    const days = new Set(data.points.map((p) => Math.floor(p.time.getTime() / DAY_MS)));
    expect(of('metric_points')).toMatchObject({ kind: 'hypertable', chunks: days.size });
    const olderThan = data.now.getTime() - 7 * DAY_MS;
    const compressible = [...days].filter((d) => (d + 1) * DAY_MS <= olderThan).length;
    expect(of('metric_points').compressedChunks).toBe(storage.capabilities.compression ? compressible : 0);
    expect(of('metrics_hourly').kind).toBe(storage.capabilities.continuousAggregates ? 'continuous_aggregate' : 'table');
    expect(of('orders').kind).toBe('table');
  });
});
