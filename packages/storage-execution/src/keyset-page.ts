// One page of a time-ordered read (queryOrders, queryFills): rows with time
// in [start, end) matching equality filters, ordered by (time, id) in either
// direction, at most `limit`, continued by the cursor of the previous page.
// Every value is a parameter; column names come from this package only.

import { ValidationError, type Queryable } from '@ag/storage-core';
import { decodePageCursor, encodePageCursor, type SortOrder } from './page-cursor.js';
import { TIME_MICROS_SQL, timestampFromMicros } from './time-keyset.js';

export interface KeysetPageRequest {
  table: 'orders' | 'fills';
  start: Date;
  end: Date;
  /** column -> value (with an SQL cast suffix for enums, e.g. '::order_side'); undefined values are skipped. */
  equal: Array<[column: string, value: unknown, cast?: string]>;
  /** column = ANY(value) (with the array cast), when given. */
  anyOf?: [column: string, values: unknown[], cast: string];
  limit: number;
  order: SortOrder;
  cursor: string | undefined;
  /** The cursor's field in errors. */
  cursorField: string;
}

export async function readKeysetPage<Row extends { id: string }>(db: Queryable, request: KeysetPageRequest): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const params: unknown[] = [request.start, request.end];
  const conditions = ['time >= $1', 'time < $2'];
  for (const [column, value, cast = ''] of request.equal) {
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column} = $${params.length}${cast}`);
  }
  if (request.anyOf) {
    const [column, values, cast] = request.anyOf;
    params.push(values);
    conditions.push(`${column} = ANY($${params.length}${cast})`);
  }
  if (request.cursor !== undefined) {
    const cursor = decodePageCursor(request.cursor, request.cursorField);
    if (cursor.order !== request.order) {
      throw new ValidationError(request.cursorField, request.cursor, `made for order "${cursor.order}", not "${request.order}"`);
    }
    params.push(cursor.micros, cursor.id);
    const comparison = request.order === 'asc' ? '>' : '<';
    conditions.push(`(time, id) ${comparison} (${timestampFromMicros(`$${params.length - 1}`)}, $${params.length}::uuid)`);
  }
  params.push(request.limit + 1);
  const direction = request.order === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await db.query<Row & { cursor_micros: string }>(
    `SELECT *, ${TIME_MICROS_SQL} AS cursor_micros FROM ${request.table}
      WHERE ${conditions.join(' AND ')}
      ORDER BY time ${direction}, id ${direction}
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > request.limit && last ? encodePageCursor({ micros: last.cursor_micros, id: last.id, order: request.order }) : null,
  };
}
