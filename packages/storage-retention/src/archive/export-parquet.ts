// exportParquet: a time range of one table written as a Hive-partitioned
// Parquet dataset (`<directory>/<table>/date=YYYY-MM-DD/part-<n>.parquet`,
// same types and manifest as the cold tier) so that a backtester can pull a
// range into DuckDB, pandas or Polars. Rows stream from a cursor, a bounded
// number at a time. An empty range writes no file and reports rowCount 0.
// Metric points carry their series' metric_name and labels (JSON text) beside
// them, so a file is self-describing without the database (the manifest lists
// them as describingColumns). A directory already holding the table's dataset
// is refused, never overwritten.

import path from 'node:path';
import { access, mkdir } from 'node:fs/promises';
import { StorageError, TABLE_REGISTRY, ValidationError, type Storage } from '@ag/storage-core';
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
  /** Only rows whose column equals the text given (metric_points: metric_name too), e.g. { venue: 'binance' }. */
  where?: Record<string, string>;
  /** metric_points only: series whose labels contain these. */
  labels?: Record<string, string>;
  /** Rows per cursor fetch and per file (default 131072, one row group). */
  batchRows?: number;
}

export interface ExportReport {
  directory: string;
  table: string;
  rowCount: number;
  files: ArchiveFile[];
}

/** Every registered table with a time to take a range of. */
export const EXPORTABLE_TABLES: readonly string[] = TABLE_REGISTRY.filter((t) => t.timeColumn !== null).map((t) => t.name);
const EXPORTABLE = EXPORTABLE_TABLES;

/** Columns joined from metric_series onto each metric point: its name and its labels as JSON text. */
export const METRIC_DESCRIBING_COLUMNS = ['metric_name', 'labels'] as const;

export async function exportParquet(storage: Storage, options: ExportParquetOptions): Promise<ExportReport> {
  const { table, start, end } = options;
  if (!EXPORTABLE.includes(table)) throw new ValidationError('table', table, `must be one of ${EXPORTABLE.join(', ')}`);
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new ValidationError('start', start, 'must be a valid Date');
  if (!(end instanceof Date) || Number.isNaN(end.getTime()) || end <= start) throw new ValidationError('end', end, 'must be a valid Date after start');
  if (typeof options.directory !== 'string' || options.directory.length === 0) throw new ValidationError('directory', options.directory, 'must be a path');
  const batchRows = options.batchRows ?? 131_072;
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) throw new ValidationError('batchRows', batchRows, 'must be an integer from 1 to 1000000');
  const directory = path.resolve(options.directory);
  if (await exists(path.join(directory, table))) {
    throw new ValidationError('directory', options.directory, `already holds a ${table} dataset; export to another directory (an export never overwrites)`);
  }
  const columns = await tableColumns(storage.engine, table);
  const timeColumn = columns.includes('time') ? 'time' : null;
  if (!timeColumn) throw new ValidationError('table', table, 'has no time column to take a range of');
  const { conditions, parameters } = filterConditions(options, columns, table);
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw new StorageError(`export directory ${directory} cannot be written: ${(error as Error).message}`, { cause: error });
  }
  let duck: Promise<DuckSession> | undefined;
  const session = () => (duck ??= openDuckSession());
  const describing: readonly string[] = table === 'metric_points' ? METRIC_DESCRIBING_COLUMNS : [];
  const writer = new ParquetTableWriter(directory, table, [...columns, ...describing], timeColumn, null, async () => {}, storage.engine, session);
  const select =
    describing.length === 0
      ? `SELECT ${archiveSelectList(columns, timeColumn)} FROM ${quoteIdentifier(table)} p`
      : `SELECT ${archiveSelectList(columns, timeColumn, 'p')}, s.metric_name, s.labels::text AS labels
           FROM metric_points p JOIN metric_series s ON s.id = p.series_id`;
  try {
    await storage.transaction(async (tx) => {
      await tx.query(
        `DECLARE ag_export_rows NO SCROLL CURSOR FOR
         ${select}
          WHERE p.${quoteIdentifier(timeColumn)} >= $1 AND p.${quoteIdentifier(timeColumn)} < $2${conditions.map((c) => ` AND ${c}`).join('')}
          ORDER BY p.${quoteIdentifier(timeColumn)}`,
        [start, end, ...parameters],
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
  const files = writer.describe().map((f) => (describing.length ? { ...f, columns, describingColumns: [...describing] } : f));
  if (files.length) await writeManifest(directory, { version: 1, createdAt: new Date().toISOString(), status: 'complete', files });
  return { directory, table, rowCount: writer.rowCount, files };
}

/** The where and labels filters as SQL conditions on `p` (the table) and `s` (metric_series), parameters from $3. */
function filterConditions(options: ExportParquetOptions, columns: string[], table: string): { conditions: string[]; parameters: string[] } {
  const conditions: string[] = [];
  const parameters: string[] = [];
  for (const [key, value] of Object.entries(options.where ?? {})) {
    const own = columns.includes(key);
    if (!own && !(table === 'metric_points' && key === 'metric_name')) throw new ValidationError(`where.${key}`, value, `is not a column of ${table}`);
    if (typeof value !== 'string') throw new ValidationError(`where.${key}`, value, 'must be text');
    parameters.push(value);
    conditions.push(`${own ? 'p' : 's'}.${quoteIdentifier(key)}::text = $${parameters.length + 2}`);
  }
  if (options.labels !== undefined) {
    if (table !== 'metric_points') throw new ValidationError('labels', options.labels, 'applies to metric_points only');
    parameters.push(JSON.stringify(options.labels));
    conditions.push(`s.labels @> $${parameters.length + 2}::jsonb`);
  }
  return { conditions, parameters };
}

async function exists(target: string): Promise<boolean> {
  try {
    await access(target);
    return true;
  } catch {
    return false;
  }
}
