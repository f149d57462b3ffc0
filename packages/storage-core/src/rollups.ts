// The rollups (metrics_hourly, metrics_daily, fills_daily_stats,
// orders_daily_stats) and how to bring them up to date.
//
// A rollup is either a TimescaleDB continuous aggregate (refreshed with
// refresh_continuous_aggregate) or a rollup table (refreshed by
// ag_storage.refresh_rollup_table, which recomputes a window from the raw rows
// and keeps everything outside it). Neither kind is rebuilt whole: refreshing
// a range whose raw rows retention has dropped would erase the rollup there,
// so a default refresh covers only [last refresh - lookback, now), plus, for
// mutable sources (orders), the times of rows changed since the last refresh.
// A default refresh is recorded in ag_storage.rollups.last_refreshed_at;
// refreshes of one rollup table are serialized by a transaction-level
// advisory lock inside ag_storage.refresh_rollup_table.
//
// A rollup may be built on another (ag_storage.rollups.built_on: metrics_daily
// on metrics_hourly where TimescaleDB has hierarchical continuous aggregates,
// the trade candles of each width on the next finer one). Rollups are listed,
// and so refreshed, in that order: a rollup after the one it is built on.
// source_table is always the raw table underneath, so refreshing the rollups
// of metric_points refreshes both levels.

import type { Queryable } from './engines/engine.js';
import { ValidationError } from './errors/storage-error.js';
import { quoteIdentifier } from './sql-identifier.js';

export type RollupKind = 'continuous_aggregate' | 'table';

export interface RollupInfo {
  viewName: string;
  sourceTable: string;
  bucketColumn: string;
  /** Bucket width in seconds. */
  bucketSeconds: number;
  kind: RollupKind;
  /** How far before the last refresh a default refresh starts, in seconds. */
  lookbackSeconds: number;
  /** Column whose changes widen a default refresh (mutable sources), or null. */
  changeColumn: string | null;
  /** When the library last refreshed it (null: never). */
  lastRefreshedAt: Date | null;
  /** The rollup it is computed from (null: computed from sourceTable itself). */
  builtOn: string | null;
}

export interface RefreshRange {
  /** Refresh buckets from here; default: last refresh - lookback (all history when never refreshed). */
  start?: Date;
  /** Refresh buckets up to here; default: now. */
  end?: Date;
  /**
   * An explicit window that covers the default one (it starts no later than
   * the last refresh minus the lookback, or where no older row can change):
   * record it as the last refresh, so the next default window starts from
   * here rather than from the beginning of history.
   */
  advanceWindow?: boolean;
}

export interface RefreshResult {
  viewName: string;
  start: Date | null;
  end: Date;
}

interface RollupRow {
  view_name: string;
  source_table: string;
  bucket_column: string;
  bucket_seconds: number;
  kind: RollupKind;
  lookback_seconds: number;
  change_column: string | null;
  last_refreshed_at: Date | null;
  built_on: string | null;
}

// built_on through to_jsonb: a database not yet migrated past
// 20261203100000_hierarchical_daily_rollup lacks the column (nothing built on
// another rollup there).
const LIST_ROLLUPS = `
SELECT view_name, source_table, bucket_column,
       extract(epoch FROM bucket_width)::int      AS bucket_seconds,
       kind,
       extract(epoch FROM refresh_lookback)::int  AS lookback_seconds,
       change_column, last_refreshed_at,
       to_jsonb(r) ->> 'built_on'                 AS built_on
  FROM ag_storage.rollups r
 ORDER BY view_name`;

/** Every rollup, by name, except that one built on another comes after it. */
export async function listRollups(db: Queryable): Promise<RollupInfo[]> {
  const { rows } = await db.query<RollupRow>(LIST_ROLLUPS);
  return inBuildOrder(
    rows.map((r) => ({
      viewName: r.view_name,
      sourceTable: r.source_table,
      bucketColumn: r.bucket_column,
      bucketSeconds: r.bucket_seconds,
      kind: r.kind,
      lookbackSeconds: r.lookback_seconds,
      changeColumn: r.change_column,
      lastRefreshedAt: r.last_refreshed_at,
      builtOn: r.built_on,
    })),
  );
}

/** Orders rollups so that each follows the one it is built on, keeping the given order otherwise. */
function inBuildOrder(rollups: RollupInfo[]): RollupInfo[] {
  const byName = new Map(rollups.map((r) => [r.viewName, r]));
  const placed = new Set<string>();
  const ordered: RollupInfo[] = [];
  const place = (rollup: RollupInfo, path: Set<string>) => {
    if (placed.has(rollup.viewName) || path.has(rollup.viewName)) return;
    path.add(rollup.viewName);
    const base = rollup.builtOn ? byName.get(rollup.builtOn) : undefined;
    if (base) place(base, path);
    placed.add(rollup.viewName);
    ordered.push(rollup);
  };
  for (const rollup of rollups) place(rollup, new Set());
  return ordered;
}

/** Brings one rollup up to date over a window. Must not be called inside a transaction. */
export async function refreshRollup(db: Queryable, viewName: string, range: RefreshRange = {}): Promise<RefreshResult> {
  const rollup = (await listRollups(db)).find((r) => r.viewName === viewName);
  if (!rollup) throw new ValidationError('viewName', viewName, 'not a known rollup (see ag_storage.rollups)');
  const startedAt = new Date();
  const end = range.end ?? startedAt;
  const start = range.start ?? (await defaultWindowStart(db, rollup));

  if (rollup.kind === 'continuous_aggregate') {
    await db.query(`CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)`, [viewName, start, end]);
  } else {
    const from = start ?? (await earliestSourceTime(db, rollup));
    if (from !== null) {
      await db.query(`SELECT ag_storage.refresh_rollup_table($1, $2, $3)`, [viewName, from, end]);
    }
  }
  // Only a default refresh (or a window that covers one) moves the anchor of
  // the next default window: an arbitrary explicit range may leave older
  // gaps. The refresh start, not its end, so rows arriving while it runs are
  // picked up next time; the window's end when that is earlier (a refresh
  // "as of" a past clock).
  if (range.start === undefined || range.advanceWindow) {
    const anchor = end < startedAt ? end : startedAt;
    await db.query(`UPDATE ag_storage.rollups SET last_refreshed_at = $2 WHERE view_name = $1`, [viewName, anchor]);
  }
  return { viewName, start, end };
}

/** Refreshes every rollup (or those built on one source table). */
export async function refreshAllRollups(
  db: Queryable,
  options: RefreshRange & { sourceTable?: string } = {},
): Promise<RefreshResult[]> {
  const rollups = (await listRollups(db)).filter((r) => !options.sourceTable || r.sourceTable === options.sourceTable);
  const results: RefreshResult[] = [];
  for (const rollup of rollups) results.push(await refreshRollup(db, rollup.viewName, options));
  return results;
}

async function defaultWindowStart(db: Queryable, rollup: RollupInfo): Promise<Date | null> {
  if (!rollup.lastRefreshedAt) return null;
  let start = new Date(rollup.lastRefreshedAt.getTime() - rollup.lookbackSeconds * 1000);
  if (rollup.changeColumn) {
    // Changes are looked for from `start`, not from the last refresh: a
    // transaction that was open across that refresh committed rows stamped
    // before it. Identifiers come from the registry written by migrations;
    // quoted regardless.
    const { rows } = await db.query<{ earliest: Date | null }>(
      `SELECT min(time) AS earliest FROM ${quoteIdentifier(rollup.sourceTable)} WHERE ${quoteIdentifier(rollup.changeColumn)} >= $1`,
      [start],
    );
    const earliest = rows[0]?.earliest;
    if (earliest && earliest < start) start = earliest;
  }
  return start;
}

async function earliestSourceTime(db: Queryable, rollup: RollupInfo): Promise<Date | null> {
  const { rows } = await db.query<{ earliest: Date | null }>(`SELECT min(time) AS earliest FROM ${quoteIdentifier(rollup.sourceTable)}`);
  return rows[0]?.earliest ?? null;
}
