// The rollups (metrics_hourly, metrics_daily, fills_daily_stats,
// orders_daily_stats) and how to bring them up to date. Continuous aggregates
// are refreshed with refresh_continuous_aggregate (which must run outside a
// transaction); materialized views are refreshed whole (CONCURRENTLY once
// populated, so readers are never blocked). Either way the refresh is
// recorded in ag_storage.rollups.last_refreshed_at.

import type { Queryable } from './engines/engine.js';
import { ValidationError } from './errors/storage-error.js';

export type RollupKind = 'continuous_aggregate' | 'materialized_view';

export interface RollupInfo {
  viewName: string;
  sourceTable: string;
  /** Bucket width in seconds. */
  bucketSeconds: number;
  kind: RollupKind;
  /** When the library last refreshed it (null: never). */
  lastRefreshedAt: Date | null;
}

export interface RefreshRange {
  /** Refresh buckets from here (continuous aggregates only; default: all history). */
  start?: Date;
  /** Refresh buckets up to here (continuous aggregates only; default: now). */
  end?: Date;
}

interface RollupRow {
  view_name: string;
  source_table: string;
  bucket_seconds: number;
  kind: RollupKind;
  last_refreshed_at: Date | null;
}

export async function listRollups(db: Queryable): Promise<RollupInfo[]> {
  const { rows } = await db.query<RollupRow>(
    `SELECT view_name, source_table, extract(epoch FROM bucket_width)::int AS bucket_seconds, kind, last_refreshed_at
       FROM ag_storage.rollups ORDER BY view_name`,
  );
  return rows.map((r) => ({
    viewName: r.view_name,
    sourceTable: r.source_table,
    bucketSeconds: r.bucket_seconds,
    kind: r.kind,
    lastRefreshedAt: r.last_refreshed_at,
  }));
}

/** Brings one rollup up to date. Must not be called inside a transaction. */
export async function refreshRollup(db: Queryable, viewName: string, range: RefreshRange = {}): Promise<void> {
  const rollup = (await listRollups(db)).find((r) => r.viewName === viewName);
  if (!rollup) throw new ValidationError('viewName', viewName, 'not a known rollup (see ag_storage.rollups)');
  const refreshedAt = new Date();
  if (rollup.kind === 'continuous_aggregate') {
    await db.query(`CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)`, [
      viewName,
      range.start ?? null,
      range.end ?? null,
    ]);
  } else {
    // The name comes from the registry, not from the caller; quote it anyway.
    const quoted = `"${viewName.replace(/"/g, '""')}"`;
    const populated = await db.query<{ ispopulated: boolean }>(
      `SELECT ispopulated FROM pg_matviews WHERE matviewname = $1`,
      [viewName],
    );
    const concurrently = populated.rows[0]?.ispopulated ? 'CONCURRENTLY ' : '';
    await db.exec(`REFRESH MATERIALIZED VIEW ${concurrently}${quoted}`);
  }
  await db.query(`UPDATE ag_storage.rollups SET last_refreshed_at = $2 WHERE view_name = $1`, [viewName, refreshedAt]);
}

/** Refreshes every rollup (or those built on one source table). */
export async function refreshAllRollups(db: Queryable, options: RefreshRange & { sourceTable?: string } = {}): Promise<string[]> {
  const rollups = (await listRollups(db)).filter((r) => !options.sourceTable || r.sourceTable === options.sourceTable);
  for (const rollup of rollups) await refreshRollup(db, rollup.viewName, options);
  return rollups.map((r) => r.viewName);
}
