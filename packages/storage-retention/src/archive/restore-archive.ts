// Loads an archive back (cold tier -> database). Every file is checked
// against its manifest (SHA-256) before anything is written; each table is
// restored in one transaction through a temporary staging table and
// `INSERT ... ON CONFLICT DO NOTHING`, so restoring twice adds nothing the
// second time. Rows go back into their own table unless `into` names
// another one (created LIKE the original when missing). Parquet files are
// read back through DuckDB as the text PostgreSQL takes; all the files of
// one table (one per day and append) go in that table's one transaction.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { copyTextValue, StorageError, ValidationError, type Queryable, type Storage } from '@ag/storage-core';
import { parse } from 'csv-parse';
import { RESTORE_ORDER } from '../managed-tables.js';
import { checkedTableName, quoteIdentifier } from '../sql-identifier.js';
import { tableColumns } from './archive-columns.js';
import { readManifest, type ArchiveFile } from './archive-manifest.js';
import { openDuckSession, type DuckSession } from './duckdb-session.js';
import { duckString, parquetColumns, parquetTextExpression } from './parquet-columns.js';

export interface RestoreOptions {
  /** Only these tables of the archive (default: all). */
  tables?: string[];
  /** Restore a table into another one, e.g. { metric_points: 'metric_points_restored' }. */
  into?: Record<string, string>;
  /** Rows per COPY into the staging table (default 5000). */
  batchSize?: number;
}

export interface RestoredTable {
  table: string;
  target: string;
  /** Rows in the archive file. */
  rows: number;
  /** Rows that were not already there. */
  inserted: number;
}

export interface RestoreReport {
  directory: string;
  manifestStatus: 'partial' | 'complete';
  tables: RestoredTable[];
}

const SERIAL_COLUMNS: Record<string, string> = { metric_series: 'id', events: 'id' };

export async function restoreArchive(storage: Storage, archivePath: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  if (typeof archivePath !== 'string' || archivePath.length === 0) {
    throw new ValidationError('archivePath', archivePath, 'must be the archive directory or its manifest.json');
  }
  const { directory, manifest } = await readManifest(archivePath);
  const wanted = options.tables ?? manifest.files.map((f) => f.table);
  for (const [i, table] of wanted.entries()) {
    if (!manifest.files.some((f) => f.table === table)) {
      throw new ValidationError(`tables[${i}]`, table, `not in this archive (it holds ${manifest.files.map((f) => f.table).join(', ')})`);
    }
  }
  const targets = new Map<string, string>();
  for (const table of wanted) targets.set(table, table);
  for (const [table, target] of Object.entries(options.into ?? {})) {
    if (!targets.has(table)) throw new ValidationError(`into.${table}`, target, 'names a table this restore does not include');
    targets.set(table, checkedTableName(`into.${table}`, target));
  }
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
    throw new ValidationError('batchSize', batchSize, 'must be an integer from 1 to 1000000');
  }

  const files = manifest.files
    .filter((f) => targets.has(f.table))
    .sort((a, b) => rank(a.table) - rank(b.table));
  for (const file of files) await verifyChecksum(directory, file);

  const byTable = new Map<string, ArchiveFile[]>();
  for (const file of files) byTable.set(file.table, [...(byTable.get(file.table) ?? []), file]);
  const restored: RestoredTable[] = [];
  let duck: DuckSession | undefined;
  try {
    for (const [table, tableFiles] of byTable) {
      const target = targets.get(table) as string;
      if (target !== table) await createTargetLike(storage, target, table);
      if (!duck && tableFiles.some((f) => f.format === 'parquet')) duck = await openDuckSession();
      const inserted = await restoreTable(storage, directory, tableFiles, target, batchSize, duck);
      restored.push({ table, target, rows: tableFiles.reduce((n, f) => n + f.rowCount, 0), inserted });
    }
  } finally {
    duck?.close();
  }
  return { directory, manifestStatus: manifest.status, tables: restored };
}

function rank(table: string): number {
  const index = RESTORE_ORDER.indexOf(table);
  return index === -1 ? RESTORE_ORDER.length : index;
}

async function verifyChecksum(directory: string, file: ArchiveFile): Promise<void> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(archiveFilePath(directory, file)), hash);
  } catch (error) {
    throw new StorageError(`cannot read archive file ${file.file}: ${(error as Error).message}`, { cause: error });
  }
  const actual = hash.digest('hex');
  if (actual !== file.sha256) {
    throw new StorageError(`archive file ${file.file} does not match its manifest checksum (expected ${file.sha256}, got ${actual}); nothing restored`);
  }
}

async function createTargetLike(storage: Storage, target: string, source: string): Promise<void> {
  await storage.execute(`CREATE TABLE IF NOT EXISTS ${quoteIdentifier(target)} (LIKE ${quoteIdentifier(source)} INCLUDING ALL)`);
}

function archiveFilePath(directory: string, file: ArchiveFile): string {
  return path.join(directory, file.file);
}

async function restoreTable(
  storage: Storage,
  directory: string,
  files: ArchiveFile[],
  target: string,
  batchSize: number,
  duck: DuckSession | undefined,
): Promise<number> {
  const file = files[0] as ArchiveFile;
  const known = await tableColumns(storage.engine, target);
  if (known.length === 0) throw new ValidationError('into', target, 'no such table');
  const missing = file.columns.filter((c) => !known.includes(c));
  if (missing.length) {
    throw new StorageError(`table ${target} has no column(s) ${missing.join(', ')} that archive file ${file.file} holds`);
  }
  const columns = file.columns.map(quoteIdentifier).join(', ');
  const stage = quoteIdentifier(`ag_restore_${file.table}`);

  return storage.transaction(async (tx) => {
    await tx.query(`CREATE TEMP TABLE ${stage} (LIKE ${quoteIdentifier(target)}) ON COMMIT DROP`);
    for (const each of files) {
      const copy = `COPY ${stage} (${each.columns.map(quoteIdentifier).join(', ')}) FROM STDIN`;
      if (each.format === 'parquet') await copyParquetInto(tx, directory, each, copy, batchSize, duck as DuckSession, target);
      else await copyFileInto(tx, directory, each, copy, batchSize);
    }
    if (file.table === 'metric_series') await checkSeriesMatch(tx, stage, target);
    const { rowCount } = await tx.query(
      `INSERT INTO ${quoteIdentifier(target)} (${columns}) SELECT ${columns} FROM ${stage} ON CONFLICT DO NOTHING`,
    );
    const serial = SERIAL_COLUMNS[file.table];
    if (serial && file.columns.includes(serial)) await advanceSequence(tx, target, serial);
    return rowCount;
  });
}

/** Streams the gzip CSV into the staging table, `batchSize` rows per COPY. */
async function copyFileInto(tx: Queryable, directory: string, file: ArchiveFile, copy: string, batchSize: number): Promise<void> {
  const parser = createReadStream(archiveFilePath(directory, file))
    .pipe(createGunzip())
    .pipe(parse({ cast: (value, context) => (context.quoting ? value : value === '' ? null : value) }));
  let header: string[] | undefined;
  let lines: string[] = [];
  let count = 0;
  for await (const record of parser as AsyncIterable<(string | null)[]>) {
    if (!header) {
      header = record.map(String);
      if (header.join('\u0000') !== file.columns.join('\u0000')) {
        throw new StorageError(`archive file ${file.file} has columns ${header.join(', ')}, its manifest says ${file.columns.join(', ')}`);
      }
      continue;
    }
    lines.push(`${record.map((v) => copyTextValue(v)).join('\t')}\n`);
    count += 1;
    if (lines.length >= batchSize) {
      await tx.copyFrom(copy, lines);
      lines = [];
    }
  }
  if (lines.length) await tx.copyFrom(copy, lines);
  if (count !== file.rowCount) {
    throw new StorageError(`archive file ${file.file} holds ${count} rows, its manifest says ${file.rowCount}; nothing restored`);
  }
}

/** Reads one Parquet file through DuckDB, each column as PostgreSQL text, `batchSize` rows per COPY. */
async function copyParquetInto(tx: Queryable, directory: string, file: ArchiveFile, copy: string, batchSize: number, duck: DuckSession, target: string): Promise<void> {
  const types = await parquetColumns(tx, target, file.columns);
  const select = types.map(parquetTextExpression).join(', ');
  let count = 0;
  let lines: string[] = [];
  try {
    const result = await duck.connection.stream(`SELECT ${select} FROM read_parquet(${duckString(archiveFilePath(directory, file))})`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRows()) {
        lines.push(`${row.map((v) => copyTextValue(v === null ? null : String(v))).join('\t')}\n`);
        count += 1;
        if (lines.length >= batchSize) {
          await tx.copyFrom(copy, lines);
          lines = [];
        }
      }
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(`cannot read archive file ${file.file}: ${(error as Error).message}; nothing restored`, { cause: error });
  }
  if (lines.length) await tx.copyFrom(copy, lines);
  if (count !== file.rowCount) {
    throw new StorageError(`archive file ${file.file} holds ${count} rows, its manifest says ${file.rowCount}; nothing restored`);
  }
}

/** Series ids are what metric_points refer to: an id that names another series here cannot be restored. */
async function checkSeriesMatch(tx: Queryable, stage: string, target: string): Promise<void> {
  const { rows } = await tx.query<{ id: number }>(
    `SELECT s.id FROM ${stage} s JOIN ${quoteIdentifier(target)} t ON t.id = s.id
      WHERE t.metric_name <> s.metric_name OR t.labels <> s.labels LIMIT 1`,
  );
  if (rows[0]) {
    throw new StorageError(`series id ${rows[0].id} in the archive names another series in this database; nothing restored`);
  }
}

/** Moves a serial column's sequence past the restored ids (never backwards). */
async function advanceSequence(tx: Queryable, table: string, column: string): Promise<void> {
  await tx.query(
    `SELECT setval(seq, top)
       FROM (SELECT seq,
                    (SELECT max(${quoteIdentifier(column)}) FROM ${quoteIdentifier(table)}) AS top,
                    (SELECT last_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = seq) AS last
               FROM pg_get_serial_sequence($1, $2) AS seq) s
      WHERE seq IS NOT NULL AND top IS NOT NULL AND top > coalesce(last, 0)`,
    [quoteIdentifier(table), column],
  );
}
