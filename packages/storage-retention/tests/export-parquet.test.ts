// exportParquet: a range of a table as a Parquet dataset that DuckDB reads
// with hive partitions, sums of money equal to the database's exactly; an
// empty range writes nothing and says so; bad input is a ValidationError.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StorageError, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { exportParquet } from '../src/index.js';
import { buildLifecycleData, insertLifecycleData, testNow } from './fixtures/lifecycle-data.js';

describeEachEngine('exportParquet', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let directory: string;
  const start = new Date('2000-01-01T00:00:00Z');
  const end = new Date('2100-01-01T00:00:00Z');

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await insertLifecycleData(storage, buildLifecycleData(testNow()));
    directory = mkdtempSync(path.join(os.tmpdir(), 'ag-export-test-'));
  });
  afterAll(async () => {
    await storage?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes every row of the range, read by DuckDB with hive partitions, money summed exactly', async () => {
    const report = await exportParquet(storage, { table: 'fills', start, end, directory });
    const [db] = await storage.query<{ n: string; size: string; price: string }>(
      `SELECT count(*)::text AS n, sum(size)::numeric(38,18)::text AS size, sum(price)::numeric(38,18)::text AS price FROM fills`,
    );
    expect(report.rowCount).toBe(Number(db!.n));
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    const glob = path.join(directory, 'fills', '**', '*.parquet');
    const rows = (
      await duck.runAndReadAll(
        `SELECT count(*)::VARCHAR, CAST(sum(size) AS DECIMAL(38,18))::VARCHAR, CAST(sum(price) AS DECIMAL(38,18))::VARCHAR, count(DISTINCT date)::VARCHAR FROM read_parquet('${glob}', hive_partitioning = true)`,
      )
    ).getRows()[0]!;
    duck.closeSync();
    expect(rows.slice(0, 3)).toEqual([db!.n, db!.size, db!.price]);
    expect(Number(rows[3])).toBe(new Set(report.files.map((f) => /date=([\d-]+)/.exec(f.file)![1])).size);
  });

  it('writes metric points with their metric_name and labels beside them, listed in the manifest as describing columns', async () => {
    const dir = path.join(directory, 'metrics');
    const report = await exportParquet(storage, { table: 'metric_points', start, end, directory: dir });
    expect(report.files.every((f) => f.columns.join() === 'time,series_id,value' && f.describingColumns?.join() === 'metric_name,labels')).toBe(true);
    const db = await storage.query<{ k: string }>(
      `SELECT p.series_id::text || '|' || s.metric_name || '|' || s.labels::text || '|' || p.value::text AS k
         FROM metric_points p JOIN metric_series s ON s.id = p.series_id ORDER BY k`,
    );
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    const glob = path.join(dir, 'metric_points', '**', '*.parquet');
    const rows = (
      await duck.runAndReadAll(`SELECT series_id::VARCHAR || '|' || metric_name || '|' || labels || '|' || value::VARCHAR AS k FROM read_parquet('${glob}') ORDER BY k`)
    ).getRows();
    duck.closeSync();
    expect(rows.map((r) => r[0])).toEqual(db.map((r) => r.k));
  });

  it('refuses to overwrite a directory already holding the dataset, with a ValidationError naming directory, and leaves it as it was', async () => {
    const dir = path.join(directory, 'twice');
    const first = await exportParquet(storage, { table: 'fills', start, end, directory: dir });
    const before = readdirSync(dir, { recursive: true }).sort();
    const error = await exportParquet(storage, { table: 'fills', start, end, directory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/directory/);
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
    expect(first.rowCount).toBeGreaterThan(0);
  });

  it('takes only the rows a where filter names, and refuses a filter on a column the table lacks, writing nothing', async () => {
    const [one] = await storage.query<{ market: string; n: string }>(`SELECT market, count(*)::text AS n FROM fills GROUP BY market ORDER BY market LIMIT 1`);
    const report = await exportParquet(storage, { table: 'fills', start, end, directory: path.join(directory, 'one-market'), where: { market: one!.market } });
    expect(report.rowCount).toBe(Number(one!.n));
    const bad = path.join(directory, 'bad-filter');
    await expect(exportParquet(storage, { table: 'fills', start, end, directory: bad, where: { nope: 'x' } })).rejects.toThrow(/where\.nope/);
    await expect(exportParquet(storage, { table: 'fills', start, end, directory: bad, labels: { a: 'b' } })).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(bad)).toBe(false);
  });

  it('fails with a StorageError naming the directory when it cannot be written, and writes nothing', async () => {
    const blocked = path.join(directory, 'a-file');
    writeFileSync(blocked, 'x');
    const error = await exportParquet(storage, { table: 'fills', start, end, directory: path.join(blocked, 'below') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/export directory .*a-file.* cannot be written/);
    expect(readFileSync(blocked, 'utf8')).toBe('x');
  });

  it('writes no file for an empty range and reports zero rows', async () => {
    const empty = path.join(directory, 'empty');
    const report = await exportParquet(storage, { table: 'candles', start: new Date('1990-01-01Z'), end: new Date('1990-01-02Z'), directory: empty });
    expect([report.rowCount, report.files]).toEqual([0, []]);
  });

  it('refuses an unknown table and a reversed range with a ValidationError', async () => {
    await expect(exportParquet(storage, { table: 'pg_class', start, end, directory })).rejects.toBeInstanceOf(ValidationError);
    await expect(exportParquet(storage, { table: 'fills', start: end, end: start, directory })).rejects.toThrow(/end/);
  });
});
