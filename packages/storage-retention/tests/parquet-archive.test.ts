// The Parquet cold tier: a retention pass writes one Hive-partitioned
// dataset per table that DuckDB reads in place (read_parquet with
// hive_partitioning), every value equal to what the database held, decimals
// included; restore puts the rows back value for value, idempotently, and a
// corrupted file is refused by name with nothing restored.

import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { readManifest, RetentionManager, type RetentionReport } from '../src/index.js';
import { buildLifecycleData, insertLifecycleData, snapshotTable, testNow } from './fixtures/lifecycle-data.js';

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

describeEachEngine('parquet archive', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let manager: RetentionManager;
  let directory: string;
  let before: Record<string, string[]>;
  let after: Record<string, string[]>;
  let report: RetentionReport;
  let duck: DuckDBConnection;
  const snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await snapshotTable(storage, t, ORDER_BY[t]!)] as const)));

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    const data = buildLifecycleData(testNow());
    await insertLifecycleData(storage, data);
    await storage.execute(
      `INSERT INTO events (time, kind, severity, source, message, payload) VALUES
         (now() - interval '100 days', '', 'info', 'a\tb', E'line1\\nline2 "q" \\\\ back', '{"k": "\\u00e9\\"x", "n": null}')`,
    );
    await storage.execute(`UPDATE positions SET avg_entry_price = 0.000000000000000001 WHERE time = (SELECT min(time) FROM positions)`);
    directory = mkdtempSync(path.join(os.tmpdir(), 'ag-parquet-test-'));
    manager = new RetentionManager(storage, {
      metrics_retention_days: 30,
      execution_retention_days: 60,
      events_retention_days: 45,
      candles_retention_days: 90,
      metric_overrides: { 'polymarket.rtds.lag_ms': 7 },
      archive_enabled: true,
      archive_directory: directory,
    });
    await manager.compressOldData({ now: data.now });
    before = await snapshot();
    report = await manager.runRetention({ now: data.now });
    after = await snapshot();
    const instance = await DuckDBInstance.create(':memory:');
    duck = await instance.connect();
    await duck.run(`SET TimeZone = 'UTC'`);
  });
  afterAll(async () => {
    duck?.closeSync();
    await storage?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('is the default format: one dataset per table, partitioned by day, every file checksummed in the manifest', async () => {
    const { manifest } = await readManifest(report.archive!.directory);
    expect(manifest.status).toBe('complete');
    for (const table of ['metric_points', 'events', 'orders', 'fills', 'positions', 'candles']) {
      const files = manifest.files.filter((f) => f.table === table);
      expect([table, files.reduce((n, f) => n + f.rowCount, 0)]).toEqual([table, before[table]!.length - after[table]!.length]);
      for (const file of files) {
        expect(file.format).toBe('parquet');
        expect(file.file).toMatch(new RegExp(`^${table}/date=\\d{4}-\\d{2}-\\d{2}/part-\\d+\\.parquet$`));
        const day = /date=([\d-]+)/.exec(file.file)![1];
        expect([file.from!.slice(0, 10), file.to!.slice(0, 10)]).toEqual([day, day]);
        const bytes = readFileSync(path.join(report.archive!.directory, file.file));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
      }
    }
    expect(manifest.files.filter((f) => f.table === 'metric_series').reduce((n, f) => n + f.rowCount, 0)).toBe(4);
  });

  it('reads in place in DuckDB with hive partitions, with the column types of the data', async () => {
    const glob = path.join(report.archive!.directory, 'positions', '**', '*.parquet');
    const types = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
    const byName = Object.fromEntries(types.getRows().map((r) => [String(r[0]), String(r[1])]));
    expect(byName).toMatchObject({ time: 'TIMESTAMP WITH TIME ZONE', size: 'DECIMAL(38,18)', avg_entry_price: 'DECIMAL(38,18)', date: 'DATE' });
    const tiny = await duck.runAndReadAll(`SELECT CAST(min(avg_entry_price) AS VARCHAR) FROM read_parquet('${glob}', hive_partitioning = true)`);
    expect(tiny.getRows()[0]![0]).toBe('0.000000000000000001');
    const mismatched = await duck.runAndReadAll(
      `SELECT count(*) FROM read_parquet('${glob}', hive_partitioning = true) WHERE CAST(time AS DATE) <> date`,
    );
    expect(Number(mismatched.getRows()[0]![0])).toBe(0);
  });

  it('restores value for value, and adds nothing the second time', async () => {
    await manager.restoreArchive(report.archive!.directory);
    expect(await snapshot()).toEqual(before);
    const again = await manager.restoreArchive(report.archive!.directory);
    expect(again.tables.map((t) => t.inserted)).toEqual(again.tables.map(() => 0));
    expect(await snapshot()).toEqual(before);
  });

  it('holds in DuckDB every value the database held, decimals and microseconds included', async () => {
    for (const table of ['positions', 'fills', 'orders', 'candles', 'events', 'metric_points', 'metric_series']) {
      const columns = await storage.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      const pg = columns.map((c) => pgText(c.column_name, c.data_type)).join(` || '|' || `);
      const dk = columns.map((c) => duckText(c.column_name, c.data_type)).join(` || '|' || `);
      const archivedRows = before[table]!.filter((row) => !after[table]!.includes(row));
      const { manifest } = await readManifest(report.archive!.directory);
      // A table this engine's pass removed nothing of (chunk drops keep a chunk that is not wholly past the cutoff) has no dataset.
      expect([table, manifest.files.some((f) => f.table === table)]).toEqual([table, table === 'metric_series' || archivedRows.length > 0]);
      if (archivedRows.length === 0 && table !== 'metric_series') continue;
      const glob = path.join(report.archive!.directory, table, '**', '*.parquet');
      const fromDuck = (await duck.runAndReadAll(`SELECT ${dk} FROM read_parquet('${glob}', hive_partitioning = true)`)).getRows().map((r) => String(r[0]));
      const fromPg = (
        await storage.query<{ row: string }>(
          `SELECT ${pg} AS row FROM ${table} t WHERE t::text = ANY($1::text[])`,
          [table === 'metric_series' ? before[table] : archivedRows],
        )
      ).map((r) => r.row);
      expect([table, [...fromDuck].sort()]).toEqual([table, [...fromPg].sort()]);
    }
  });

  it('refuses a corrupted file, naming it, and restores nothing', async () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'ag-parquet-tampered-'));
    try {
      cpSync(report.archive!.directory, copy, { recursive: true });
      const { manifest } = await readManifest(copy);
      const victim = manifest.files.find((f) => f.table === 'fills')!;
      appendFileSync(path.join(copy, victim.file), Buffer.from([0, 1, 2]));
      await storage.execute(`DELETE FROM fills`);
      await expect(manager.restoreArchive(copy, { tables: ['fills', 'events'] })).rejects.toThrow(victim.file);
      expect(await snapshotTable(storage, 'fills', 'id, time')).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('fails with a clear error and removes nothing when the archive directory cannot be written', async () => {
    const blocked = path.join(directory, 'not-a-directory');
    appendFileSync(blocked, 'x');
    const blockedManager = new RetentionManager(storage, { metrics_retention_days: 1, archive_enabled: true, archive_directory: blocked });
    const points = await snapshotTable(storage, 'metric_points', 'series_id, time');
    await expect(blockedManager.runRetention({ now: new Date(Date.now() + 400 * 86_400_000) })).rejects.toThrow(/archive directory .* cannot be written/);
    expect(await snapshotTable(storage, 'metric_points', 'series_id, time')).toEqual(points);
  });
});

/** A column as comparable text on the PostgreSQL side. */
function pgText(column: string, type: string): string {
  const id = `t."${column}"`;
  if (type === 'numeric') return `coalesce(${id}::numeric(38,18)::text, 'NULL')`;
  if (type === 'timestamp with time zone') return `coalesce(to_char(${id} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), 'NULL')`;
  if (type === 'double precision') return `coalesce(${id}::text, 'NULL')`;
  if (type === 'jsonb') return `coalesce(md5(${id}::text), 'NULL')`;
  return `coalesce(${id}::text, 'NULL')`;
}

/** The same column as comparable text from the Parquet file, by DuckDB. */
function duckText(column: string, type: string): string {
  const id = `"${column}"`;
  if (type === 'timestamp with time zone') return `coalesce(strftime(${id}, '%Y-%m-%d %H:%M:%S.%f'), 'NULL')`;
  if (type === 'jsonb') return `coalesce(md5(CAST(CAST(${id} AS JSON) AS VARCHAR)), 'NULL')`;
  return `coalesce(CAST(${id} AS VARCHAR), 'NULL')`;
}
