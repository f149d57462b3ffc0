// Archival (cold tier): rows are written to gzip CSV files with a manifest
// before they are removed, and restoreArchive loads them back exactly
// (decimals, microseconds, jsonb, NULL vs empty string), idempotently, after
// checking each file against its manifest.

import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageError, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { readManifest, RetentionManager, type RetentionReport } from '../src/index.js';
import { buildLifecycleData, insertLifecycleData, snapshotTable, testNow, type LifecycleData } from './fixtures/lifecycle-data.js';

const ORDER_BY: Record<string, string> = {
  metric_points: 'series_id, time',
  events: 'id, time',
  orders: 'id',
  fills: 'id, time',
  positions: 'time',
  candles: 'time',
  metric_series: 'id',
};
const TABLES = Object.keys(ORDER_BY);

describeEachEngine('archive and restore', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let manager: RetentionManager;
  let data: LifecycleData;
  let directory: string;
  let before: Record<string, string[]>;
  let after: Record<string, string[]>;
  let report: RetentionReport;
  const snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await snapshotTable(storage, t, ORDER_BY[t]!)] as const)));

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    data = buildLifecycleData(testNow());
    await insertLifecycleData(storage, data);
    // Values that trip up text formats: NULL beside the empty string, tabs, newlines, quotes, backslashes.
    await storage.execute(
      `INSERT INTO events (time, kind, severity, source, message, payload) VALUES
         (now() - interval '100 days', '', 'info', 'a\tb', E'line1\\nline2 "q" \\\\ back', '{"k": "\\u00e9\\"x", "n": null}')`,
    );
    await storage.execute(`UPDATE positions SET avg_entry_price = 0.000000000000000001 WHERE time = (SELECT min(time) FROM positions)`);
    directory = mkdtempSync(path.join(os.tmpdir(), 'ag-archive-test-'));
    manager = new RetentionManager(storage, {
      metrics_retention_days: 30,
      execution_retention_days: 60,
      events_retention_days: 45,
      candles_retention_days: 90,
      metric_overrides: { 'polymarket.rtds.lag_ms': 7 },
      archive_enabled: true,
      archive_directory: directory,
      archive_format: 'csv.gz',
    });
    await manager.compressOldData({ now: data.now });
    before = await snapshot();
    report = await manager.runRetention({ now: data.now });
    after = await snapshot();
  });
  afterAll(async () => {
    await storage?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes one archive whose manifest accounts for every removed row, with checksums of the files', async () => {
    expect(report.archive).not.toBeNull();
    const { manifest } = await readManifest(report.archive!.directory);
    expect(manifest.status).toBe('complete');
    for (const table of ['metric_points', 'events', 'orders', 'fills', 'positions', 'candles']) {
      const file = manifest.files.find((f) => f.table === table);
      expect([table, file?.rowCount]).toEqual([table, before[table]!.length - after[table]!.length]);
      const bytes = readFileSync(path.join(report.archive!.directory, file!.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file!.sha256);
      expect(new Date(file!.from!) <= new Date(file!.to!)).toBe(true);
    }
    const series = manifest.files.find((f) => f.table === 'metric_series');
    expect(series?.rowCount).toBe(4);
  });

  it('puts back exactly the removed rows, value for value', async () => {
    const restored = await manager.restoreArchive(report.archive!.directory);
    expect(restored.tables.find((t) => t.table === 'metric_points')?.inserted).toBe(before.metric_points!.length - after.metric_points!.length);
    expect(await snapshot()).toEqual(before);
  });

  it('adds nothing when the same archive is restored again', async () => {
    const again = await manager.restoreArchive(path.join(report.archive!.directory, 'manifest.json'));
    expect(again.tables.map((t) => t.inserted)).toEqual(again.tables.map(() => 0));
    expect(await snapshot()).toEqual(before);
  });

  it('restores into another table when asked, leaving the original alone', async () => {
    const restored = await manager.restoreArchive(report.archive!.directory, { tables: ['candles'], into: { candles: 'candles_from_archive' } });
    expect(restored.tables).toEqual([{ table: 'candles', target: 'candles_from_archive', rows: before.candles!.length - after.candles!.length, inserted: before.candles!.length - after.candles!.length }]);
    const copied = await snapshotTable(storage, 'candles_from_archive', 'time');
    expect(copied).toEqual(before.candles!.filter((row) => !after.candles!.includes(row)));
  });

  it('refuses a file that does not match its checksum, restoring nothing', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'ag-archive-tampered-'));
    try {
      for (const name of ['manifest.json', 'events.csv.gz', 'orders.csv.gz']) {
        writeFileSync(path.join(copy, name), readFileSync(path.join(report.archive!.directory, name)));
      }
      appendFileSync(path.join(copy, 'events.csv.gz'), Buffer.from([0x1f, 0x8b, 0, 0]));
      await storage.execute(`DELETE FROM orders WHERE client_order_id = 'c-59'`);
      const ordersBefore = await snapshotTable(storage, 'orders', 'id');
      await expect(manager.restoreArchive(copy, { tables: ['orders', 'events'] })).rejects.toThrow(/checksum/);
      expect(await snapshotTable(storage, 'orders', 'id')).toEqual(ordersBefore);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it.each([
    [{ tables: ['orders; DROP TABLE fills'] }, 'tables[0]'],
    [{ tables: ['metric_points'], into: { metric_points: 'x"; DROP TABLE fills; --' } }, 'into.metric_points'],
    [{ into: { not_archived: 'x' } }, 'into.not_archived'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchSize: Number.NaN }, 'batchSize'],
  ])('rejects bad restore options %j with a ValidationError naming %s, changing nothing', async (options, field) => {
    const fillsBefore = await snapshotTable(storage, 'fills', 'id, time');
    const error = await manager.restoreArchive(report.archive!.directory, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(await snapshotTable(storage, 'fills', 'id, time')).toEqual(fillsBefore);
  });

  it('fails with a StorageError for a path that holds no archive', async () => {
    await expect(manager.restoreArchive(os.tmpdir())).rejects.toBeInstanceOf(StorageError);
    await expect(manager.restoreArchive('' as string)).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists the archives under the configured directory', async () => {
    const archives = await manager.listArchives();
    expect(archives.map((a) => a.directory)).toEqual([report.archive!.directory]);
  });

  it('writes no archive when a pass removes nothing', async () => {
    // The restores above brought the removed rows back: the next pass archives them again, the one after has nothing to do.
    const again = await manager.runRetention({ now: data.now });
    expect(again.archive?.files.find((f) => f.table === 'metric_points')?.rowCount).toBe(before.metric_points!.length - after.metric_points!.length);
    const idle = await manager.runRetention({ now: data.now });
    expect(idle.archive).toBeNull();
    expect((await manager.listArchives()).length).toBe(2);
  });
});
