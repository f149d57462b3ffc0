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

/** Where a continuous aggregate lives in TimescaleDB's catalog (fixed for its lifetime). */
const CONTINUOUS_AGGREGATE_IDS = `
SELECT c.mat_hypertable_id, c.raw_hypertable_id, h.schema_name, h.table_name
  FROM _timescaledb_catalog.continuous_agg c
  JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
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
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export class RollupRouter {
  private kinds: Promise<Map<string, RollupKind>> | undefined;
  private readonly caggIds = new Map<string, Promise<ContinuousAggregateIds | undefined>>();

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
        return state.below_watermark ? `${quoteIdent(ids.schema_name)}.${quoteIdent(ids.table_name)}` : quoteIdent(view);
      }
      if (kind === 'table') {
        const { rows } = await this.db.query<{ complete_buckets: number }>(ROLLUP_TABLE_COMPLETE, [view, new Date(startMs), new Date(endMs)]);
        return Number(rows[0]?.complete_buckets) === (endMs - startMs) / widthMs ? quoteIdent(view) : undefined;
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

  private rollupKinds(): Promise<Map<string, RollupKind>> {
    this.kinds ??= listRollups(this.db).then((rollups) => new Map(rollups.map((r) => [r.viewName, r.kind])));
    this.kinds.catch(() => (this.kinds = undefined));
    return this.kinds;
  }
}
