// DELETE in bounded batches, so no statement or transaction grows with the
// table: batches of N rows chosen by ctid on a plain table, or one time
// window (a chunk) at a time on a hypertable, where ctids are per chunk.
// With an archive, each batch's rows are returned by the DELETE and made
// durable in the archive inside the batch's transaction, before it commits.

import type { Storage } from '@ag/storage-core';
import { archiveSelectList, archiveTimes } from '../archive/archive-columns.js';
import type { ArchiveRow } from '../archive/archive-writer.js';
import { quoteIdentifier } from '../sql-identifier.js';
import type { RemoveRowsRequest } from './retention-strategy.js';
import { SqlParams } from './sql-params.js';

/** Deletes the matching rows with time < olderThan, batchSize rows (by ctid) per statement. */
export async function deleteInCtidBatches(storage: Storage, request: RemoveRowsRequest): Promise<number> {
  const table = quoteIdentifier(request.table);
  let total = 0;
  for (;;) {
    const params = new SqlParams();
    const condition = rowCondition(request, params);
    const limit = params.p(request.batchSize);
    const sql = `DELETE FROM ${table}
                  WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${condition} LIMIT ${limit}))
                    AND ${condition}${returning(request)}`;
    const deleted = await runDelete(storage, request, sql, params.values);
    total += deleted;
    if (deleted < request.batchSize) return total;
  }
}

/** Deletes the matching rows window by window ([start, end) each, e.g. one chunk's range). */
export async function deleteInTimeWindows(
  storage: Storage,
  request: RemoveRowsRequest,
  windows: Array<{ start: Date; end: Date }>,
): Promise<number> {
  const table = quoteIdentifier(request.table);
  const time = quoteIdentifier(request.timeColumn);
  let total = 0;
  for (const window of windows) {
    const end = window.end < request.olderThan ? window.end : request.olderThan;
    if (window.start >= end) continue;
    const params = new SqlParams();
    const condition = `${time} >= ${params.p(window.start)} AND ${time} < ${params.p(end)}${
      request.where ? ` AND (${request.where(params.p)})` : ''
    }`;
    total += await runDelete(storage, request, `DELETE FROM ${table} WHERE ${condition}${returning(request)}`, params.values);
  }
  return total;
}

function rowCondition(request: RemoveRowsRequest, params: SqlParams): string {
  const time = `${quoteIdentifier(request.timeColumn)} < ${params.p(request.olderThan)}`;
  return request.where ? `${time} AND (${request.where(params.p)})` : time;
}

function returning(request: RemoveRowsRequest): string {
  return request.archive ? ` RETURNING ${archiveSelectList(request.archive.columns, request.timeColumn)}` : '';
}

async function runDelete(storage: Storage, request: RemoveRowsRequest, sql: string, params: unknown[]): Promise<number> {
  const archive = request.archive;
  if (!archive) return storage.execute(sql, params);
  return storage.transaction(async (tx) => {
    const { rows, rowCount } = await tx.query<ArchiveRow>(sql, params);
    await archive.append(rows, archiveTimes(rows));
    return rowCount;
  });
}
