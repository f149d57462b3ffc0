// Rollups across the lifecycle. Before raw rows are removed, the rollups
// built on them are brought up to date, so they keep answering for the
// removed period; afterwards they are never recomputed below the source's
// watermark (a refresh there would erase them: TimescaleDB empties a
// continuous aggregate's buckets whose raw rows are gone, and a rollup table
// would be rebuilt from nothing). Rollups then age out on their own, longer
// retention.

import { listRollups, refreshRollup, type RollupInfo, type Storage } from '@ag/storage-core';
import { daysBefore, rollupRetentionDays, type RetentionPolicies } from './retention-policies.js';
import { readWatermark } from './retention-watermarks.js';
import { deleteInCtidBatches } from './removal/batched-delete.js';
import { quoteIdentifier } from './sql-identifier.js';
import { listChunks, materializationHypertable } from './timescale/chunks.js';

export interface RollupRefreshResult {
  rollup: string;
  /** The window refreshed, or null bounds with `skipped` saying why. */
  start: Date | null;
  end: Date;
  skipped: string | null;
}

export interface RollupRetentionResult {
  rollup: string;
  retentionDays: number | null;
  cutoff: Date | null;
  chunksDropped: number;
  rowsDeleted: number;
}

export interface RefreshOptions {
  now: Date;
  /** Only the rollups of these source tables. */
  sourceTables?: string[];
  /** Only rollups of this kind (the scheduler refreshes rollup tables itself; TimescaleDB jobs do the rest). */
  kind?: RollupInfo['kind'];
}

/**
 * Refreshes rollups over a window that never reaches below raw rows that may
 * be gone: [max(floor, last refresh - lookback, or the days of changed
 * orders), now), where floor is the later of the source's watermark rounded
 * up to a whole bucket and the bucket of its oldest row.
 */
export async function refreshRollupsSafely(storage: Storage, options: RefreshOptions): Promise<RollupRefreshResult[]> {
  const results: RollupRefreshResult[] = [];
  const rollups = (await listRollups(storage.engine)).filter(
    (r) => (!options.sourceTables || options.sourceTables.includes(r.sourceTable)) && (!options.kind || r.kind === options.kind),
  );
  for (const rollup of rollups) {
    const start = await safeWindowStart(storage, rollup);
    const end = options.now;
    if (start === null) {
      results.push({ rollup: rollup.viewName, start: null, end, skipped: 'no source rows' });
    } else if (end.getTime() - start.getTime() < rollup.bucketSeconds * 1000) {
      results.push({ rollup: rollup.viewName, start, end, skipped: 'window shorter than one bucket' });
    } else {
      // The safe window starts at the default one or below it: it counts as the last refresh.
      await refreshRollup(storage.engine, rollup.viewName, { start, end, advanceWindow: true });
      results.push({ rollup: rollup.viewName, start, end, skipped: null });
    }
  }
  return results;
}

async function safeWindowStart(storage: Storage, rollup: RollupInfo): Promise<Date | null> {
  const bucketMs = rollup.bucketSeconds * 1000;
  const source = quoteIdentifier(rollup.sourceTable);
  // Below the watermark the library may have removed rows; below the oldest row somebody
  // else may have (a server's retention job drops whole chunks, which never split a bucket).
  const watermark = await readWatermark(storage.engine, rollup.sourceTable);
  const oldest = (await storage.query<{ t: Date | null }>(`SELECT min(time) AS t FROM ${source}`))[0]?.t ?? null;
  if (!oldest) return null;
  let floor = Math.floor(oldest.getTime() / bucketMs) * bucketMs;
  if (watermark) floor = Math.max(floor, Math.ceil(watermark.getTime() / bucketMs) * bucketMs);
  if (!rollup.lastRefreshedAt) return new Date(floor);
  let start = rollup.lastRefreshedAt.getTime() - rollup.lookbackSeconds * 1000;
  if (rollup.changeColumn) {
    const changed = (
      await storage.query<{ t: Date | null }>(`SELECT min(time) AS t FROM ${source} WHERE ${quoteIdentifier(rollup.changeColumn)} >= $1`, [
        rollup.lastRefreshedAt,
      ])
    )[0]?.t;
    if (changed) start = Math.min(start, Math.floor(changed.getTime() / bucketMs) * bucketMs);
  }
  return new Date(Math.max(floor, start));
}

/** Removes rollup rows older than their retention: chunks of continuous aggregates, batches of rollup tables. */
export async function removeOldRollupRows(
  storage: Storage,
  policies: RetentionPolicies,
  now: Date,
): Promise<RollupRetentionResult[]> {
  const results: RollupRetentionResult[] = [];
  for (const rollup of await listRollups(storage.engine)) {
    const days = rollupRetentionDays(policies, rollup.bucketSeconds);
    if (days === null) {
      results.push({ rollup: rollup.viewName, retentionDays: null, cutoff: null, chunksDropped: 0, rowsDeleted: 0 });
      continue;
    }
    const cutoff = daysBefore(now, days);
    const removed =
      rollup.kind === 'continuous_aggregate'
        ? await dropAggregateChunks(storage, rollup, cutoff)
        : {
            chunksDropped: 0,
            rowsDeleted: await deleteInCtidBatches(storage, {
              table: rollup.viewName,
              timeColumn: rollup.bucketColumn,
              olderThan: cutoff,
              batchSize: policies.deleteBatchSize,
            }),
          };
    results.push({ rollup: rollup.viewName, retentionDays: days, cutoff, ...removed });
  }
  return results;
}

async function dropAggregateChunks(storage: Storage, rollup: RollupInfo, cutoff: Date): Promise<{ chunksDropped: number; rowsDeleted: number }> {
  const hypertable = await materializationHypertable(storage.engine, rollup.viewName);
  if (!hypertable) return { chunksDropped: 0, rowsDeleted: 0 };
  const chunks = await listChunks(storage.engine, hypertable, { endingBy: cutoff });
  if (chunks.length === 0) return { chunksDropped: 0, rowsDeleted: 0 };
  const boundary = new Date(Math.max(...chunks.map((c) => c.rangeEnd.getTime())));
  return storage.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM _timescaledb_internal.${quoteIdentifier(hypertable)} WHERE ${quoteIdentifier(rollup.bucketColumn)} < $1`,
      [boundary],
    );
    const { rows: dropped } = await tx.query(`SELECT drop_chunks($1::regclass, older_than => $2::timestamptz)`, [
      quoteIdentifier(rollup.viewName),
      boundary,
    ]);
    return { chunksDropped: dropped.length, rowsDeleted: Number(rows[0]?.n ?? 0) };
  });
}
