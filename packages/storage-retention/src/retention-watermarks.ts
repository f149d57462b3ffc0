// Per table, the time before which the library may have removed rows
// (ag_storage.retention_watermarks). It only moves forward. Rollups are
// never refreshed below it.

import type { Queryable } from '@ag/storage-core';

export async function readWatermark(db: Queryable, table: string): Promise<Date | null> {
  const { rows } = await db.query<{ removed_before: Date }>(
    `SELECT removed_before FROM ag_storage.retention_watermarks WHERE table_name = $1`,
    [table],
  );
  return rows[0]?.removed_before ?? null;
}

export async function advanceWatermark(db: Queryable, table: string, removedBefore: Date): Promise<void> {
  await db.query(
    `INSERT INTO ag_storage.retention_watermarks (table_name, removed_before) VALUES ($1, $2)
     ON CONFLICT (table_name) DO UPDATE
       SET removed_before = GREATEST(ag_storage.retention_watermarks.removed_before, EXCLUDED.removed_before),
           updated_at = now()`,
    [table, removedBefore],
  );
}
