// The warm tier: compressOldData compresses chunks past compression_after_days
// (idempotently) where the engine can, compressed rows read back identical
// (also after the on-disk database is reopened), and checkCompressionStatus
// reports bytes before and after. Engines without compression do nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, requireCapability, requireNoCapability, type TestStorage } from '@ag/storage-testing';
import { RetentionManager, type CompressionReport } from '../src/index.js';
import { buildLifecycleData, DAY_MS, insertLifecycleData, snapshotTable, testNow, type LifecycleData } from './fixtures/lifecycle-data.js';

const SNAPSHOTS: Array<[string, string]> = [
  ['metric_points', 'series_id, time'],
  ['events', 'id, time'],
  ['fills', 'id, time'],
  ['positions', 'time'],
  ['candles', 'time'],
];

describeEachEngine('compression', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let manager: RetentionManager;
  let data: LifecycleData;
  let before: string[][];
  let first: CompressionReport;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    data = buildLifecycleData(testNow());
    await insertLifecycleData(storage, data);
    manager = new RetentionManager(storage, { compression_after_days: 10 });
    before = await Promise.all(SNAPSHOTS.map(([t, o]) => snapshotTable(storage, t, o)));
    first = await manager.compressOldData({ now: data.now });
  });
  afterAll(async () => storage?.close());

  it('reads every row back identical after compression', async () => {
    expect(await Promise.all(SNAPSHOTS.map(([t, o]) => snapshotTable(storage, t, o)))).toEqual(before);
  });

  it('compresses exactly the chunks that end before compression_after_days', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'compression');
    const olderThan = new Date(data.now.getTime() - 10 * DAY_MS);
    const chunks = await storage.query<{ hypertable_name: string; is_compressed: boolean; range_end: Date }>(
      `SELECT hypertable_name, is_compressed, range_end FROM timescaledb_information.chunks WHERE hypertable_schema = 'public'`,
    );
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) expect([c.hypertable_name, c.range_end.toISOString(), c.is_compressed]).toEqual([c.hypertable_name, c.range_end.toISOString(), c.range_end <= olderThan]);
    const reported = first.tables.reduce((n, t) => n + t.chunksCompressed, 0);
    expect(reported).toBe(chunks.filter((c) => c.is_compressed).length);
  });

  it('is idempotent: a second call compresses nothing', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'compression');
    const second = await manager.compressOldData({ now: data.now });
    expect(second.tables.map((t) => t.chunksCompressed)).toEqual(second.tables.map(() => 0));
  });

  it('reports bytes before and after compression per hypertable, matching TimescaleDB', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'compression');
    const status = await manager.checkCompressionStatus();
    const metrics = status.find((s) => s.table === 'metric_points')!;
    const stats = (await storage.query<{ before: number; after: number; n: number }>(
      `SELECT before_compression_total_bytes AS before, after_compression_total_bytes AS after, number_compressed_chunks AS n
         FROM hypertable_compression_stats('metric_points')`,
    ))[0]!;
    expect(metrics).toMatchObject({ bytesBeforeCompression: Number(stats.before), bytesAfterCompression: Number(stats.after), compressedChunks: Number(stats.n) });
    expect(metrics.ratio).toBeCloseTo(Number(stats.before) / Number(stats.after), 10);
    expect(metrics.savedPercent).toBeCloseTo(100 * (1 - Number(stats.after) / Number(stats.before)), 1);
    expect(status.map((s) => s.table).sort()).toEqual(['book_snapshots', 'candles', 'events', 'fills', 'funding_payments', 'metric_points', 'positions', 'quotes', 'trades']);
  });

  it('reports that the engine cannot compress and changes nothing', async (ctx) => {
    requireNoCapability(ctx, storage.capabilities, 'compression');
    expect(first).toMatchObject({ supported: false, tables: [] });
    expect(await manager.checkCompressionStatus()).toEqual([]);
  });
});

describe('compressed data after reopening the embedded database', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads compressed rows back identical from a reopened on-disk database', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ag-compress-reopen-'));
    const url = `pglite://${dir}`;
    const first = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } }, migrate: true });
    const data = buildLifecycleData(testNow());
    await insertLifecycleData(first, data);
    const before = await snapshotTable(first, 'metric_points', 'series_id, time');
    const report = await new RetentionManager(first).compressOldData({ now: data.now });
    expect(report.tables.find((t) => t.table === 'metric_points')!.chunksCompressed).toBeGreaterThan(0);
    await first.close();
    const reopened = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    try {
      expect(await snapshotTable(reopened, 'metric_points', 'series_id, time')).toEqual(before);
    } finally {
      await reopened.close();
    }
  });
});
