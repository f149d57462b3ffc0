// How rows are selected for the archive: every column cast to text, which is
// exact for NUMERIC, float8 (shortest round-trip form), timestamptz (to the
// microsecond, with its offset) and jsonb, plus the time itself for the
// manifest's range.

import type { Queryable } from '@ag/storage-core';
import { quoteIdentifier } from '../sql-identifier.js';
import type { ArchiveRow } from './archive-writer.js';

export const ARCHIVE_TIME_ALIAS = '__archive_time';

const TABLE_COLUMNS = `
SELECT column_name
  FROM information_schema.columns
 WHERE table_schema = current_schema() AND table_name = $1
 ORDER BY ordinal_position`;

export async function tableColumns(db: Queryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(TABLE_COLUMNS, [table]);
  return rows.map((r) => r.column_name);
}

/** `"a"::text AS "a", ..., "time" AS "__archive_time"` (each column qualified by `alias` when given). */
export function archiveSelectList(columns: string[], timeColumn: string | null, alias?: string): string {
  const q = (c: string) => (alias ? `${alias}.${quoteIdentifier(c)}` : quoteIdentifier(c));
  const text = columns.map((c) => `${q(c)}::text AS ${quoteIdentifier(c)}`);
  if (timeColumn) text.push(`${q(timeColumn)} AS ${ARCHIVE_TIME_ALIAS}`);
  return text.join(', ');
}

/** The times of rows selected with archiveSelectList. */
export function archiveTimes(rows: ArchiveRow[]): Date[] {
  return rows.map((r) => r[ARCHIVE_TIME_ALIAS]).filter((t): t is Date => t instanceof Date);
}
