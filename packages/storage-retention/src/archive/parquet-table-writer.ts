// Writes one table's rows of an archive as a Hive-partitioned Parquet
// dataset: `<archive>/<table>/date=YYYY-MM-DD/part-<n>.parquet` (tables
// without a time column: `<archive>/<table>/part-<n>.parquet`). Each append
// becomes one complete file per day it covers, written by DuckDB (zstd, row
// groups of 128k rows) and fsynced before append returns, so the caller may
// remove the rows it holds; only one append's rows are ever in memory.

import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { StorageError, type Queryable } from '@ag/storage-core';
import { ARCHIVE_TIME_ALIAS } from './archive-columns.js';
import type { ArchiveFile } from './archive-manifest.js';
import type { ArchiveRow, ArchiveTableWriter } from './archive-writer.js';
import type { DuckSession } from './duckdb-session.js';
import { duckIdentifier, duckString, parquetColumns, type ParquetColumn } from './parquet-columns.js';

export const PARQUET_ROW_GROUP_SIZE = 131_072;

export class ParquetTableWriter implements ArchiveTableWriter {
  rowCount = 0;
  readonly collected = new Set<string>();
  private readonly files: ArchiveFile[] = [];
  private readonly parts = new Map<string, number>();
  private types: ParquetColumn[] | undefined;
  /**
   * The column types, asked for when the writer is made: rows are appended
   * inside the removal's transaction, and on a single-connection engine a
   * query outside that transaction would wait for it forever.
   */
  private readonly typesReady: Promise<ParquetColumn[]>;

  constructor(
    private readonly directory: string,
    readonly tableName: string,
    readonly columns: string[],
    readonly timeColumn: string | null,
    public olderThan: Date | null,
    private readonly saveManifest: () => Promise<void>,
    db: Queryable,
    private readonly duck: () => Promise<DuckSession>,
    private readonly collect?: string,
  ) {
    this.typesReady = parquetColumns(db, tableName, columns);
    this.typesReady.catch(() => undefined);
  }

  async append(rows: ArchiveRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.types ??= await this.typesReady;
    if (this.collect) for (const row of rows) this.collected.add(String(row[this.collect]));
    for (const [day, dayRows] of groupByDay(rows, this.timeColumn)) await this.writePart(day, dayRows);
    this.rowCount += rows.length;
    await this.saveManifest();
  }

  describe(): ArchiveFile[] {
    return this.files.map((f) => ({ ...f, olderThan: this.olderThan?.toISOString() ?? null }));
  }

  async close(): Promise<void> {}

  private async writePart(day: string | null, rows: ArchiveRow[]): Promise<void> {
    const key = day ?? '';
    const part = this.parts.get(key) ?? 0;
    this.parts.set(key, part + 1);
    const relative = path.posix.join(this.tableName, ...(day ? [`date=${day}`] : []), `part-${part}.parquet`);
    const target = path.join(this.directory, relative);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.tmp`;
    const { connection } = await this.duck();
    const types = this.types as ParquetColumn[];
    await connection.run(`CREATE OR REPLACE TABLE ag_archive_stage (${types.map((c) => `${duckIdentifier(c.name)} VARCHAR`).join(', ')})`);
    const appender = await connection.createAppender('ag_archive_stage');
    let from: Date | null = null;
    let to: Date | null = null;
    for (const row of rows) {
      for (const column of types) {
        const value = row[column.name];
        if (value === null || value === undefined) appender.appendNull();
        else appender.appendVarchar(typeof value === 'string' ? value : String(value));
      }
      appender.endRow();
      const time = row[ARCHIVE_TIME_ALIAS];
      if (time instanceof Date) {
        if (!from || time < from) from = time;
        if (!to || time > to) to = time;
      }
    }
    appender.flushSync();
    appender.closeSync();
    const select = types.map((c) => `CAST(${duckIdentifier(c.name)} AS ${c.duckType}) AS ${duckIdentifier(c.name)}`).join(', ');
    try {
      await connection.run(
        `COPY (SELECT ${select} FROM ag_archive_stage) TO ${duckString(temporary)}
           (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_SIZE})`,
      );
    } catch (error) {
      throw new StorageError(`cannot write archive file ${relative}: ${(error as Error).message}`, { cause: error });
    }
    await connection.run(`DROP TABLE ag_archive_stage`);
    const handle = await open(temporary, 'r+');
    await handle.datasync();
    await handle.close();
    await rename(temporary, target);
    const bytes = await readFile(target);
    this.files.push({
      table: this.tableName,
      file: relative,
      format: 'parquet',
      columns: this.columns,
      timeColumn: this.timeColumn,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      olderThan: null,
      rowCount: rows.length,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
}

/** Rows by UTC day of their time (one group, day null, for a table without a time column). */
function groupByDay(rows: ArchiveRow[], timeColumn: string | null): Map<string | null, ArchiveRow[]> {
  const groups = new Map<string | null, ArchiveRow[]>();
  for (const row of rows) {
    const time = row[ARCHIVE_TIME_ALIAS];
    const day = timeColumn && time instanceof Date ? time.toISOString().slice(0, 10) : null;
    const group = groups.get(day);
    if (group) group.push(row);
    else groups.set(day, [row]);
  }
  return groups;
}
