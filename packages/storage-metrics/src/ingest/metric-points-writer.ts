// Writes resolved points into metric_points, on either engine, through COPY:
// the fastest path measured on both (pg-copy-streams on a server, /dev/blob
// embedded). COPY cannot skip conflicts, so the write is optimistic: one COPY
// straight into metric_points (atomic), and only when it fails on the primary
// key (a re-sent batch, which is rare) the batch goes through a session temp
// table and INSERT ... SELECT ... ON CONFLICT DO NOTHING, which counts what
// was new. Small batches skip COPY (its per-statement overhead dominates
// there) for one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING.
// Points repeated inside one batch (same series and timestamp) are
// dropped before writing: the first one wins, the others count as duplicates.

import { StorageError, type Engine, type Queryable } from '@ag/storage-core';
import type { WriteResult } from '../metric-point.js';

/** Points ready to be written: parallel columns. */
export interface PointRows {
  seriesIds: Int32Array;
  timesMs: ArrayLike<number>;
  values: ArrayLike<number>;
}

const UNIQUE_VIOLATION = '23505';
const COPY_POINTS = 'COPY metric_points (time, series_id, value) FROM STDIN';
const CREATE_STAGING = `
CREATE TEMP TABLE IF NOT EXISTS ag_metric_points_staging (
  time TIMESTAMPTZ NOT NULL, series_id INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL
) ON COMMIT DELETE ROWS`;
const COPY_STAGING = 'COPY ag_metric_points_staging (time, series_id, value) FROM STDIN';
const MERGE_STAGING = `
INSERT INTO metric_points (time, series_id, value)
SELECT time, series_id, value FROM ag_metric_points_staging
    ON CONFLICT (series_id, time) DO NOTHING`;

const INSERT_SMALL_BATCH = `
INSERT INTO metric_points (time, series_id, value)
SELECT * FROM unnest($1::timestamptz[], $2::int[], $3::float8[])
    ON CONFLICT (series_id, time) DO NOTHING`;

/** Up to this many rows, one parameterized INSERT beats COPY (measured by \`pnpm bench ingest\`). */
const SMALL_BATCH_ROWS = 256;

/** Rows per COPY text chunk: big enough to amortize, small enough to stream. */
const ROWS_PER_CHUNK = 4096;

/** A batch laid out for the database: COPY text chunks, or the columns of one INSERT for a small batch. */
export type PreparedPointRows =
  | { kind: 'insert'; total: number; columns: [string[], number[], string[]] }
  | { kind: 'copy'; total: number; unique: number; chunks: string[] };

/** Lays the rows out for writing (repeats within the batch dropped, COPY text built), without touching the database. */
export function preparePointRows(rows: PointRows): PreparedPointRows {
  const total = rows.seriesIds.length;
  if (total <= SMALL_BATCH_ROWS) return { kind: 'insert', total, columns: smallBatchColumns(rows) };
  const keep = firstOccurrences(rows);
  return { kind: 'copy', total, unique: keep === undefined ? total : countKept(keep), chunks: copyText(rows, keep) };
}

/** Writes prepared rows (all or nothing); repeats of stored points count as duplicates. */
export async function writePreparedPointRows(engine: Engine, prepared: PreparedPointRows): Promise<WriteResult> {
  const { total } = prepared;
  if (total === 0) return { inserted: 0, duplicates: 0 };
  if (prepared.kind === 'insert') {
    // ON CONFLICT DO NOTHING also skips repeats within the statement: the first wins.
    const inserted = (await engine.query(INSERT_SMALL_BATCH, prepared.columns)).rowCount;
    return { inserted, duplicates: total - inserted };
  }
  let inserted: number;
  try {
    inserted = await engine.copyFrom(COPY_POINTS, prepared.chunks);
  } catch (error) {
    if (!(error instanceof StorageError) || error.sqlState !== UNIQUE_VIOLATION) throw error;
    inserted = await engine.transaction(async (tx) => mergeThroughStaging(tx, prepared.chunks));
  }
  if (inserted > prepared.unique) throw new StorageError(`COPY reported ${inserted} rows for ${prepared.unique} points`);
  return { inserted, duplicates: total - inserted };
}

async function mergeThroughStaging(tx: Queryable, text: readonly string[]): Promise<number> {
  await tx.exec(CREATE_STAGING);
  await tx.copyFrom(COPY_STAGING, text);
  const { rowCount } = await tx.query(MERGE_STAGING);
  return rowCount;
}

/**
 * Marks the first occurrence of each (series, time) in the batch; undefined
 * when every row is distinct. The usual batch has each series' times
 * increasing, which proves them distinct with one number per series; only a
 * batch where some series goes back in time is checked point by point.
 */
function firstOccurrences(rows: PointRows): Uint8Array | undefined {
  const lastTime = new Map<number, number>();
  const n = rows.seriesIds.length;
  for (let i = 0; i < n; i += 1) {
    const id = rows.seriesIds[i] as number;
    const t = rows.timesMs[i] as number;
    const last = lastTime.get(id);
    if (last !== undefined && t <= last) return markRepeats(rows);
    lastTime.set(id, t);
  }
  return undefined;
}

function markRepeats(rows: PointRows): Uint8Array | undefined {
  const seen = new Map<number, Set<number>>();
  let keep: Uint8Array | undefined;
  const n = rows.seriesIds.length;
  for (let i = 0; i < n; i += 1) {
    const id = rows.seriesIds[i] as number;
    let times = seen.get(id);
    if (!times) seen.set(id, (times = new Set()));
    const t = rows.timesMs[i] as number;
    if (times.has(t)) {
      if (!keep) keep = new Uint8Array(n).fill(1);
      keep[i] = 0;
    } else {
      times.add(t);
    }
  }
  return keep;
}

/** Parameters as text, exactly as COPY gets them (node-postgres would send -0 as 0). */
function smallBatchColumns(rows: PointRows): [string[], number[], string[]] {
  const n = rows.seriesIds.length;
  const times = new Array<string>(n);
  const ids = new Array<number>(n);
  const values = new Array<string>(n);
  for (let i = 0; i < n; i += 1) {
    times[i] = new Date(rows.timesMs[i] as number).toISOString();
    ids[i] = rows.seriesIds[i] as number;
    values[i] = valueText(rows.values[i] as number);
  }
  return [times, ids, values];
}

/** Shortest text that parses back to the same float8, keeping the sign of zero. */
function valueText(value: number): string {
  return value === 0 && 1 / value < 0 ? '-0' : String(value);
}

function countKept(keep: Uint8Array): number {
  let n = 0;
  for (const k of keep) n += k;
  return n;
}

/** COPY text of the rows, in chunks; timestamps as ISO 8601 UTC, values in shortest round-trip form. */
function copyText(rows: PointRows, keep: Uint8Array | undefined): string[] {
  const chunks: string[] = [];
  const n = rows.seriesIds.length;
  let lastMs = Number.NaN;
  let lastIso = '';
  let chunk = '';
  let inChunk = 0;
  for (let i = 0; i < n; i += 1) {
    if (keep && keep[i] === 0) continue;
    const ms = rows.timesMs[i] as number;
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    chunk += `${lastIso}\t${rows.seriesIds[i]}\t${valueText(rows.values[i] as number)}\n`;
    inChunk += 1;
    if (inChunk === ROWS_PER_CHUNK) {
      chunks.push(chunk);
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}
