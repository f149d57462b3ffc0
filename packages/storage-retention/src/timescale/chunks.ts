// TimescaleDB chunks of a hypertable (or of a continuous aggregate's
// materialization hypertable), as the information views describe them.

import type { Queryable } from '@ag/storage-core';

export interface ChunkInfo {
  schema: string;
  name: string;
  rangeStart: Date;
  rangeEnd: Date;
  isCompressed: boolean;
}

interface ChunkRow {
  chunk_schema: string;
  chunk_name: string;
  range_start: Date;
  range_end: Date;
  is_compressed: boolean;
}

const LIST_CHUNKS = `
SELECT chunk_schema, chunk_name, range_start, range_end, is_compressed
  FROM timescaledb_information.chunks
 WHERE hypertable_name = $1
   AND ($2::timestamptz IS NULL OR range_end <= $2)
   AND ($3::timestamptz IS NULL OR range_start < $3)
 ORDER BY range_start`;

export interface ChunkFilter {
  /** Only chunks that end at or before this time (wholly older). */
  endingBy?: Date;
  /** Only chunks that start before this time. */
  startingBefore?: Date;
}

export async function listChunks(db: Queryable, hypertable: string, filter: ChunkFilter = {}): Promise<ChunkInfo[]> {
  const { rows } = await db.query<ChunkRow>(LIST_CHUNKS, [hypertable, filter.endingBy ?? null, filter.startingBefore ?? null]);
  return rows.map((r) => ({
    schema: r.chunk_schema,
    name: r.chunk_name,
    rangeStart: r.range_start,
    rangeEnd: r.range_end,
    isCompressed: r.is_compressed,
  }));
}

const IS_HYPERTABLE = `
SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                WHERE hypertable_schema = current_schema() AND hypertable_name = $1) AS yes`;

export async function isHypertable(db: Queryable, table: string): Promise<boolean> {
  const { rows } = await db.query<{ yes: boolean }>(IS_HYPERTABLE, [table]);
  return rows[0]?.yes ?? false;
}

const MATERIALIZATION_HYPERTABLE = `
SELECT materialization_hypertable_name AS name
  FROM timescaledb_information.continuous_aggregates
 WHERE view_schema = current_schema() AND view_name = $1`;

/** The hypertable holding a continuous aggregate's rows (its chunks are dropped through the view's name). */
export async function materializationHypertable(db: Queryable, view: string): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>(MATERIALIZATION_HYPERTABLE, [view]);
  return rows[0]?.name ?? null;
}
