// exportParquet: a time range of one table written as a Hive-partitioned
// Parquet dataset (`<directory>/<table>/date=YYYY-MM-DD/part-<n>.parquet`,
// same types and manifest as the cold tier) so that a backtester can pull a
// range into DuckDB, pandas or Polars. Rows stream from a cursor, a bounded
// number at a time. An empty range writes no file and reports rowCount 0.

import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { StorageError, ValidationError, type Storage } from '@ag/storage-core';
import { MANAGED_TABLES } from '../managed-tables.js';
import { quoteIdentifier } from '../sql-identifier.js';
import { archiveSelectList, tableColumns } from './archive-columns.js';
import { writeManifest, type ArchiveFile } from './archive-manifest.js';
import type { ArchiveRow } from './archive-writer.js';
import { openDuckSession, type DuckSession } from './duckdb-session.js';
import { ParquetTableWriter } from './parquet-table-writer.js';

export interface ExportParquetOptions {
  table: string;
  start: Date;
  end: Date;
  directory: string;
  /** Rows per cursor fetch and per file (default 131072, one row group). */
  batchRows?: number;
}

export interface ExportReport {
  directory: string;
  table: string;
  rowCount: number;
  files: ArchiveFile[];
}

const EXPORTABLE = [...MANAGED_TABLES, 'funding_payments'] as readonly string[];

export async function exportParquet(storage: Storage, options: ExportParquetOptions): Promise<ExportReport> {
  const { table, start, end } = options;
  if (!EXPORTABLE.includes(table)) throw new ValidationError('table', table, `must be one of ${EXPORTABLE.join(', ')}`);
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new ValidationError('start', start, 'must be a valid Date');
  if (!(end instanceof Date) || Number.isNaN(end.getTime()) || end <= start) throw new ValidationError('end', end, 'must be a valid Date after start');
  if (typeof options.directory !== 'string' || options.directory.length === 0) throw new ValidationError('directory', options.directory, 'must be a path');
  const batchRows = options.batchRows ?? 131_072;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) throw new ValidationError('batchRows', batchRows, 'must be an integer from 1 to 1000000');
  const directory = path.resolve(options.directory);
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new StorageError(`export directory ${directory} cannot be written: ${(error as Error).message}`, { cause: error });
  }
  const columns = await tableColumns(storage.engine, table);
  const timeColumn = columns.includes('time') ? 'time' : null;
  if (!timeColumn) throw new ValidationError('table', table, 'has no time column to take a range of');
  let duck: Promise<DuckSession> | undefined;
  const session = () => (duck ??= openDuckSession());
  const writer = new ParquetTableWriter(directory, table, columns, timeColumn, null, async () => {}, storage.engine, session);
  try {
    await storage.transaction(async (tx) => {
      await tx.query(
        `DECLARE ag_export_rows NO SCROLL CURSOR FOR
         SELECT ${archiveSelectList(columns, timeColumn)} FROM ${quoteIdentifier(table)}
          WHERE ${quoteIdentifier(timeColumn)} >= $1 AND ${quoteIdentifier(timeColumn)} < $2
          ORDER BY ${quoteIdentifier(timeColumn)}`,
        [start, end],
      );
      for (;;) {
        const { rows } = await tx.query<ArchiveRow>(`FETCH ${batchRows} FROM ag_export_rows`);
        if (rows.length === 0) break;
        await writer.append(rows);
      }
      await tx.query(`CLOSE ag_export_rows`);
    });
  } finally {
    if (duck) (await duck).close();
  }
  const files = writer.describe();
  if (files.length) await writeManifest(directory, { version: 1, createdAt: new Date().toISOString(), status: 'complete', files });
  return { directory, table, rowCount: writer.rowCount, files };
}
