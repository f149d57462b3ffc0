// Retention on TimescaleDB: a hypertable loses the chunks that lie wholly
// before the cutoff (drop_chunks: no row-by-row work, space freed at once).
// With an archive, the chunks are locked against writes, their rows are
// streamed to the archive through a cursor and made durable, and only then
// dropped, all in one transaction. Tables that are not hypertables (orders)
// and row-level removals go through bounded batched deletes.

import type { Queryable, Storage } from '@ag/storage-core';
import { archiveSelectList, archiveTimes } from '../archive/archive-columns.js';
import type { ArchiveRow, ArchiveTableWriter } from '../archive/archive-writer.js';
import { quoteIdentifier } from '../sql-identifier.js';
import { isHypertable, listChunks, type ChunkInfo } from '../timescale/chunks.js';
import { deleteInCtidBatches, deleteInTimeWindows } from './batched-delete.js';
import { NOTHING_REMOVED, type RemovalResult, type RemoveRowsRequest, type RetentionStrategy } from './retention-strategy.js';

const ARCHIVE_FETCH_ROWS = 10_000;

export class ChunkDropStrategy implements RetentionStrategy {
  readonly name = 'drop_chunks' as const;

  constructor(private readonly storage: Storage) {}

  async removeOlderThan(request: Omit<RemoveRowsRequest, 'where'>): Promise<RemovalResult> {
    if (!(await isHypertable(this.storage.engine, request.table))) {
      const rowsDeleted = await deleteInCtidBatches(this.storage, request);
      return { chunksDropped: 0, rowsDeleted, removedBefore: rowsDeleted > 0 ? request.olderThan : null };
    }
    return this.storage.transaction(async (tx) => {
      const chunks = await listChunks(tx, request.table, { endingBy: request.olderThan });
      if (chunks.length === 0) return NOTHING_REMOVED;
      const boundary = new Date(Math.max(...chunks.map((c) => c.rangeEnd.getTime())));
      const rowsDeleted = request.archive
        ? await archiveChunks(tx, request.table, request.timeColumn, chunks, boundary, request.archive)
        : await countRowsBefore(tx, request.table, request.timeColumn, boundary);
      const { rows: dropped } = await tx.query(`SELECT drop_chunks($1::regclass, older_than => $2::timestamptz)`, [
        quoteIdentifier(request.table),
        boundary,
      ]);
      return { chunksDropped: dropped.length, rowsDeleted, removedBefore: boundary };
    });
  }

  async removeRows(request: RemoveRowsRequest): Promise<RemovalResult> {
    if (!(await isHypertable(this.storage.engine, request.table))) {
      const rowsDeleted = await deleteInCtidBatches(this.storage, request);
      return { chunksDropped: 0, rowsDeleted, removedBefore: rowsDeleted > 0 ? request.olderThan : null };
    }
    const chunks = await listChunks(this.storage.engine, request.table, { startingBefore: request.olderThan });
    const windows = chunks.map((c) => ({ start: c.rangeStart, end: c.rangeEnd }));
    const rowsDeleted = await deleteInTimeWindows(this.storage, request, windows);
    return { chunksDropped: 0, rowsDeleted, removedBefore: rowsDeleted > 0 ? request.olderThan : null };
  }
}

async function countRowsBefore(tx: Queryable, table: string, timeColumn: string, boundary: Date): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(timeColumn)} < $1`,
    [boundary],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Locks the chunks against writes and streams their rows into the archive; returns the rows archived. */
async function archiveChunks(
  tx: Queryable,
  table: string,
  timeColumn: string,
  chunks: ChunkInfo[],
  boundary: Date,
  archive: ArchiveTableWriter,
): Promise<number> {
  const names = chunks.map((c) => `${quoteIdentifier(c.schema)}.${quoteIdentifier(c.name)}`).join(', ');
  await tx.query(`LOCK TABLE ${names} IN SHARE MODE`);
  await tx.query(
    `DECLARE ag_archive_rows NO SCROLL CURSOR FOR
     SELECT ${archiveSelectList(archive.columns, timeColumn)} FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(timeColumn)} < $1`,
    [boundary],
  );
  let total = 0;
  for (;;) {
    const { rows } = await tx.query<ArchiveRow>(`FETCH ${ARCHIVE_FETCH_ROWS} FROM ag_archive_rows`);
    if (rows.length === 0) break;
    await archive.append(rows, archiveTimes(rows));
    total += rows.length;
  }
  await tx.query(`CLOSE ag_archive_rows`);
  return total;
}
