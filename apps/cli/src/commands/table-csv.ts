// Rows of one table over a time range as CSV cells, straight from the
// database through a cursor (positions and trades, which no store pages):
// every column as the database's text, times as ISO 8601 UTC to the
// microsecond, money as exact plain decimals, NULL as an empty cell.

import type { Storage } from '@ag/storage-core';

const PAGE_ROWS = 5000;

const COLUMNS = `
SELECT column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = current_schema() AND table_name = $1
 ORDER BY ordinal_position`;

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Hands `write` the header, then page after page of the rows of `table` whose
 * time is in [start, end) and whose `where` columns equal their text; returns
 * the number of rows.
 */
export async function writeTableCsv(
  storage: Storage,
  table: string,
  range: { start: Date; end: Date },
  where: Record<string, string>,
  write: (rows: string[][]) => Promise<void>,
): Promise<number> {
  const columns = await storage.query<{ column_name: string; data_type: string }>(COLUMNS, [table]);
  const select = columns.map(({ column_name: c, data_type: t }) =>
    t === 'timestamp with time zone' ? `to_char(${quote(c)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${quote(c)}` : `${quote(c)}::text AS ${quote(c)}`,
  );
  const filters = Object.entries(where);
  const conditions = filters.map(([c], i) => ` AND ${quote(c)} = $${i + 3}`).join('');
  const names = columns.map((c) => c.column_name);
  await write([names]);
  return storage.transaction(async (tx) => {
    let count = 0;
    await tx.query(
      `DECLARE ag_csv_rows NO SCROLL CURSOR FOR SELECT ${select.join(', ')} FROM ${quote(table)}
        WHERE time >= $1 AND time < $2${conditions} ORDER BY time`,
      [range.start, range.end, ...filters.map(([, v]) => v)],
    );
    for (;;) {
      const { rows } = await tx.query<Record<string, string | null>>(`FETCH ${PAGE_ROWS} FROM ag_csv_rows`);
      if (rows.length === 0) break;
      await write(rows.map((row) => names.map((c) => row[c] ?? '')));
      count += rows.length;
    }
    await tx.query(`CLOSE ag_csv_rows`);
    return count;
  });
}
