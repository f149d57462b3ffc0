// Decides where queryAggregated reads each part of its range from: whole
// rollup buckets from metrics_daily / metrics_hourly, and only the partial
// edges from the raw points (rollup-segments.ts), where the rollup provably
// holds what the raw computation would give:
//
// - the bucket width is a multiple of the rollup's;
// - the aggregations can be read or combined exactly, as the aggregation
//   registry says: mergeable ones (count, sum, avg, min, max; first/last only
//   per series) from raw, hourly and daily parts together ('merge'); the
//   others only when one rollup row is one result row, with the partial edge
//   buckets computed whole from raw points ('rows');
// - a rollup row is read as stored, not re-aggregated, wherever it is one
//   result row: the bucket width equals the rollup's and each result group is
//   one series (then the mergeable aggregations merge only the edge buckets);
// - the rollup is complete over each segment it serves:
//   * a continuous aggregate (TimescaleDB): no pending invalidation, in
//     TimescaleDB's own logs, overlaps the segment below the watermark (above
//     it the aggregate is computed from the raw rows anyway). A segment wholly
//     below the watermark is read from the materialized hypertable itself:
//     that is what the view returns there, without planning its real-time
//     half over the raw chunks;
//   * a tracked rollup table (plain PostgreSQL): every bucket of the segment
//     was refreshed, and its last change is visible in that refresh's
//     snapshot (see migration 20261123100000_metrics_rollup_tracking);
//   * an untracked rollup table (apache-only TimescaleDB: metric_points is a
//     hypertable, whose statement triggers get no transition tables, so no
//     change is recorded): never provably complete, so never read.
// A level that is not complete over its segments is dropped and the next
// finer one (or the raw points) covers them. Anything uncertain (unknown
// catalog, missing bookkeeping) falls back to raw.

import type { Capabilities } from '@ag/storage-core';
import { listRollups, quoteIdentifier, type Logger, type Queryable, type RollupKind } from '@ag/storage-core';
import { aggregationDefinition, mergeable, type RollupLevel } from './aggregation-registry.js';
import type { NormalizedAggregateQuery } from './query-options.js';
import { planSegments, ROLLUP_LEVELS, type RollupLevelWidth, type Segment } from './rollup-segments.js';

export type RollupView = RollupLevel;

export interface RoutedSegment extends Segment {
  /** 'raw', or what to read, as quoted SQL: the view, or its materialized hypertable. */
  relation: string;
  /** Rollup rows are result rows, read as stored (bucket width = rollup width, one series per group). */
  asStored: boolean;
}

export interface RollupRoute {
  /** The coarsest rollup read. */
  view: RollupView;
  /**
   * 'rows': rollup rows are result rows, edges computed whole from raw points;
   * 'merge': partial states of every segment not read as stored, merged.
   */
  mode: 'rows' | 'merge';
  /** Tiles [start, end) in time order. */
  segments: RoutedSegment[];
}

/**
 * Whether rollups of metric_points can ever be proven complete on this
 * engine: TimescaleDB continuous aggregates (invalidation logs), or a plain
 * metric_points table (change-tracking triggers). False on apache-only
 * TimescaleDB, where queryAggregated always reads the raw points.
 */
export function rollupRoutingAvailable(capabilities: Pick<Capabilities, 'continuousAggregates' | 'timescale'>): boolean {
  return capabilities.continuousAggregates || capabilities.timescale === null;
}

/** Where a continuous aggregate lives in TimescaleDB's catalog (fixed for its lifetime). */
const CONTINUOUS_AGGREGATE_IDS = `
SELECT c.mat_hypertable_id, c.raw_hypertable_id, h.schema_name, h.table_name, p.user_view_name AS built_on
  FROM _timescaledb_catalog.continuous_agg c
  JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
  LEFT JOIN _timescaledb_catalog.continuous_agg p ON p.mat_hypertable_id = c.raw_hypertable_id
 WHERE c.user_view_schema = 'public' AND c.user_view_name = $1`;

/**
 * $1 materialization hypertable, $2 raw hypertable, $3/$4 range in epoch ms.
 * Catalog times are epoch microseconds, invalidation ranges inclusive.
 */
const CONTINUOUS_AGGREGATE_STATE = `
SELECT w.watermark >= $4::int8 * 1000 AS below_watermark,
       NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_aggs_materialization_invalidation_log l
                    WHERE l.materialization_id = $1
                      AND l.lowest_modified_value < least($4::int8 * 1000, w.watermark)
                      AND l.greatest_modified_value >= $3::int8 * 1000)
   AND NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_aggs_hypertable_invalidation_log l
                    WHERE l.hypertable_id = $2
                      AND l.lowest_modified_value < least($4::int8 * 1000, w.watermark)
                      AND l.greatest_modified_value >= $3::int8 * 1000) AS complete
  FROM (SELECT coalesce((SELECT watermark FROM _timescaledb_catalog.continuous_aggs_watermark WHERE mat_hypertable_id = $1),
                        (-9223372036854775807)::int8) AS watermark) AS w`;

const ROLLUP_TABLE_COMPLETE = `
SELECT count(*) AS complete_buckets
  FROM ag_storage.rollup_bucket_refreshes f
  LEFT JOIN ag_storage.rollup_bucket_changes c ON c.view_name = f.view_name AND c.bucket = f.bucket
 WHERE f.view_name = $1 AND f.bucket >= $2 AND f.bucket < $3
   AND (c.changed_by IS NULL OR pg_visible_in_snapshot(c.changed_by, f.snapshot))`;

interface ContinuousAggregateIds {
  mat_hypertable_id: number;
  raw_hypertable_id: number;
  schema_name: string;
  table_name: string;
  /** The continuous aggregate it is built on (metrics_daily on metrics_hourly), or null. */
  built_on: string | null;
}

export class RollupRouter {
  private kinds: Promise<Map<string, RollupKind>> | undefined;
  private tracked: Promise<Set<string>> | undefined;
  private readonly caggIds = new Map<string, Promise<ContinuousAggregateIds | undefined>>();

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {}

  /** Where to read each part of the range, or undefined for the raw points only. */
  async route(query: NormalizedAggregateQuery, oneSeriesPerGroup: boolean): Promise<RollupRoute | undefined> {
    const asStored = (level: RollupLevelWidth) =>
      oneSeriesPerGroup && query.bucketMs === level.widthMs && query.aggregations.every((a) => aggregationDefinition(a).storedIn.includes(level.view));
    let mode: RollupRoute['mode'];
    let levels: RollupLevelWidth[];
    if (mergeable(query.aggregations, oneSeriesPerGroup)) {
      mode = 'merge';
      levels = ROLLUP_LEVELS.filter((l) => query.bucketMs % l.widthMs === 0);
    } else {
      mode = 'rows';
      levels = ROLLUP_LEVELS.filter(asStored);
    }
    while (levels.length > 0) {
      const segments = planSegments(query.startMs, query.endMs, levels);
      const routed: RoutedSegment[] = [];
      let incomplete: RollupLevelWidth | undefined;
      for (const segment of segments) {
        if (segment.source === 'raw') {
          routed.push({ ...segment, relation: 'raw', asStored: false });
          continue;
        }
        const level = levels.find((l) => l.view === segment.source) as RollupLevelWidth;
        const relation = await this.completeRelation(level.view, segment.startMs, segment.endMs, level.widthMs);
        if (!relation) {
          incomplete = level;
          break;
        }
        routed.push({ ...segment, relation, asStored: asStored(level) });
      }
      if (incomplete) {
        levels = levels.filter((l) => l !== incomplete);
        continue;
      }
      const coarsest = levels.find((l) => routed.some((s) => s.source === l.view));
      return coarsest ? { view: coarsest.view, mode, segments: routed } : undefined;
    }
    return undefined;
  }

  /** The relation to read when the rollup is complete over [start, end), else undefined. */
  private async completeRelation(view: RollupView, startMs: number, endMs: number, widthMs: number): Promise<string | undefined> {
    try {
      const kind = (await this.rollupKinds()).get(view);
      if (kind === 'continuous_aggregate') {
        const ids = await this.continuousAggregateIds(view);
        if (!ids) return undefined;
        const { rows } = await this.db.query<{ below_watermark: boolean; complete: boolean }>(CONTINUOUS_AGGREGATE_STATE, [
          ids.mat_hypertable_id,
          ids.raw_hypertable_id,
          startMs,
          endMs,
        ]);
        const state = rows[0];
        if (!state?.complete) return undefined;
        // Built on another continuous aggregate: its logs know nothing of raw rows that one has
        // not materialized yet, so that one must be complete over the range too.
        if (ids.built_on && !(await this.completeRelation(ids.built_on as RollupView, startMs, endMs, widthMs))) return undefined;
        return state.below_watermark ? `${quoteIdentifier(ids.schema_name)}.${quoteIdentifier(ids.table_name)}` : quoteIdentifier(view);
      }
      if (kind === 'table') {
        if (!(await this.trackedRollups()).has(view)) return undefined;
        const { rows } = await this.db.query<{ complete_buckets: number }>(ROLLUP_TABLE_COMPLETE, [view, new Date(startMs), new Date(endMs)]);
        return Number(rows[0]?.complete_buckets) === (endMs - startMs) / widthMs ? quoteIdentifier(view) : undefined;
      }
      return undefined;
    } catch (error) {
      this.caggIds.delete(view);
      this.logger.debug({ err: error, view }, 'rollup completeness unknown; reading raw points');
      return undefined;
    }
  }

  private continuousAggregateIds(view: RollupView): Promise<ContinuousAggregateIds | undefined> {
    let ids = this.caggIds.get(view);
    if (!ids) {
      ids = this.db.query<ContinuousAggregateIds>(CONTINUOUS_AGGREGATE_IDS, [view]).then(({ rows }) => rows[0]);
      this.caggIds.set(view, ids);
    }
    return ids;
  }

  private trackedRollups(): Promise<Set<string>> {
    this.tracked ??= this.db
      .query<{ view_name: string }>('SELECT view_name FROM ag_storage.tracked_rollups')
      .then(({ rows }) => new Set(rows.map((r) => r.view_name)));
    this.tracked.catch(() => (this.tracked = undefined));
    return this.tracked;
  }

  private rollupKinds(): Promise<Map<string, RollupKind>> {
    this.kinds ??= listRollups(this.db).then((rollups) => new Map(rollups.map((r) => [r.viewName, r.kind])));
    this.kinds.catch(() => (this.kinds = undefined));
    return this.kinds;
  }
}
