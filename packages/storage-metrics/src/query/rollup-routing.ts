// Decides whether queryAggregated may read metrics_daily or metrics_hourly
// instead of the raw points, and only says yes where the rollup provably
// holds what the raw computation would give:
//
// - the bucket width is a multiple of the rollup's, and start and end fall on
//   its bucket boundaries;
// - the aggregations can be read or combined exactly (percentiles and stddev
//   only when one rollup row is one result row; first/last only per series);
// - the rollup is complete over the range:
//   * a continuous aggregate (TimescaleDB): no pending invalidation, in
//     TimescaleDB's own logs, overlaps the range below the watermark (above
//     it the aggregate is computed from the raw rows anyway). A range wholly
//     below the watermark is read from the materialized hypertable itself:
//     that is what the view returns there, without planning its real-time
//     half over the raw chunks;
//   * a rollup table (plain PostgreSQL): every bucket of the range was
//     refreshed, and its last change is visible in that refresh's snapshot
//     (see migration 20261123100000_metrics_rollup_tracking).
// Anything uncertain (unknown catalog, missing bookkeeping) falls back to raw.

import { listRollups, type Logger, type Queryable, type RollupKind } from '@ag/storage-core';
import { COMBINABLE_ACROSS_SERIES, COMBINABLE_WITHIN_SERIES } from './aggregate-sql.js';
import type { NormalizedAggregateQuery } from './query-options.js';

export type RollupView = 'metrics_hourly' | 'metrics_daily';

export interface RollupRoute {
  view: RollupView;
  /** What to read, as quoted SQL: the view, or its materialized hypertable. */
  relation: string;
  /** 'rows': one rollup row per result row; 'combine': rollup rows re-aggregated. */
  mode: 'rows' | 'combine';
}

const CANDIDATES: Array<{ view: RollupView; widthMs: number }> = [
  { view: 'metrics_daily', widthMs: 86_400_000 },
  { view: 'metrics_hourly', widthMs: 3_600_000 },
];

const CONTINUOUS_AGGREGATE_COMPLETE = `
WITH ca AS (
  SELECT c.mat_hypertable_id, c.raw_hypertable_id,
         coalesce(w.watermark, (-9223372036854775807)::int8) AS watermark
    FROM _timescaledb_catalog.continuous_agg c
    LEFT JOIN _timescaledb_catalog.continuous_aggs_watermark w ON w.mat_hypertable_id = c.mat_hypertable_id
   WHERE c.user_view_schema = 'public' AND c.user_view_name = $1
), span AS (
  SELECT ca.*, $2::int8 * 1000 AS low, least($3::int8 * 1000, ca.watermark) AS high FROM ca
)
SELECT count(*) = 1 AS found,
       bool_and(span.high >= $3::int8 * 1000) AS below_watermark,
       min(h.schema_name) AS schema_name, min(h.table_name) AS table_name,
       coalesce(bool_and(
         NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_aggs_materialization_invalidation_log l
                      WHERE l.materialization_id = span.mat_hypertable_id
                        AND l.lowest_modified_value < span.high AND l.greatest_modified_value >= span.low)
         AND
         NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_aggs_hypertable_invalidation_log l
                      WHERE l.hypertable_id = span.raw_hypertable_id
                        AND l.lowest_modified_value < span.high AND l.greatest_modified_value >= span.low)
       ), false) AS complete
  FROM span
  JOIN _timescaledb_catalog.hypertable h ON h.id = span.mat_hypertable_id`;

const ROLLUP_TABLE_COMPLETE = `
SELECT count(*) AS complete_buckets
  FROM ag_storage.rollup_bucket_refreshes f
  LEFT JOIN ag_storage.rollup_bucket_changes c ON c.view_name = f.view_name AND c.bucket = f.bucket
 WHERE f.view_name = $1 AND f.bucket >= $2 AND f.bucket < $3
   AND (c.changed_by IS NULL OR pg_visible_in_snapshot(c.changed_by, f.snapshot))`;

interface ContinuousAggregateState {
  found: boolean;
  complete: boolean;
  below_watermark: boolean | null;
  schema_name: string | null;
  table_name: string | null;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class RollupRouter {
  private kinds: Promise<Map<string, RollupKind>> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly logger: Logger,
  ) {}

  /** The rollup to read, or undefined for the raw points. */
  async route(query: NormalizedAggregateQuery, oneSeriesPerGroup: boolean): Promise<RollupRoute | undefined> {
    for (const { view, widthMs } of CANDIDATES) {
      if (query.bucketMs % widthMs !== 0 || query.startMs % widthMs !== 0 || query.endMs % widthMs !== 0) continue;
      const mode = query.bucketMs === widthMs && oneSeriesPerGroup ? 'rows' : 'combine';
      if (mode === 'combine') {
        const combinable = oneSeriesPerGroup ? COMBINABLE_WITHIN_SERIES : COMBINABLE_ACROSS_SERIES;
        if (!query.aggregations.every((a) => combinable.has(a))) continue;
      }
      const relation = await this.completeRelation(view, query.startMs, query.endMs, widthMs);
      if (relation) return { view, relation, mode };
    }
    return undefined;
  }

  /** The relation to read when the rollup is complete over [start, end), else undefined. */
  private async completeRelation(view: RollupView, startMs: number, endMs: number, widthMs: number): Promise<string | undefined> {
    try {
      const kind = (await this.rollupKinds()).get(view);
      if (kind === 'continuous_aggregate') {
        const { rows } = await this.db.query<ContinuousAggregateState>(CONTINUOUS_AGGREGATE_COMPLETE, [view, startMs, endMs]);
        const state = rows[0];
        if (!state?.found || !state.complete) return undefined;
        return state.below_watermark && state.schema_name && state.table_name
          ? `${quoteIdent(state.schema_name)}.${quoteIdent(state.table_name)}`
          : quoteIdent(view);
      }
      if (kind === 'table') {
        const { rows } = await this.db.query<{ complete_buckets: number }>(ROLLUP_TABLE_COMPLETE, [view, new Date(startMs), new Date(endMs)]);
        return Number(rows[0]?.complete_buckets) === (endMs - startMs) / widthMs ? quoteIdent(view) : undefined;
      }
      return undefined;
    } catch (error) {
      this.logger.debug({ err: error, view }, 'rollup completeness unknown; reading raw points');
      return undefined;
    }
  }

  private rollupKinds(): Promise<Map<string, RollupKind>> {
    this.kinds ??= listRollups(this.db).then((rollups) => new Map(rollups.map((r) => [r.viewName, r.kind])));
    this.kinds.catch(() => (this.kinds = undefined));
    return this.kinds;
  }
}
