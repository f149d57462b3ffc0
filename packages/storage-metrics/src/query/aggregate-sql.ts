// The SQL of queryAggregated, from the raw points or from a rollup
// (metrics_hourly / metrics_daily, whose columns carry the aggregation
// names). Buckets are date_bin(width, time, 2000-01-03 00:00 UTC), aligned
// like TimescaleDB's time_bucket and like the rollups' hour and day buckets.
// Series are mapped to result groups by a (series_id, group_id) list built in
// TypeScript, so no label is extracted per point. Only whitelisted
// aggregation names ever reach the SQL text.

import type { Aggregation } from './query-options.js';

export const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 3);
const BUCKET = `date_bin($4::int8 * INTERVAL '1 millisecond', %TIME%, TIMESTAMPTZ '2000-01-03 00:00:00+00')`;

const RAW: Record<Aggregation, string> = {
  count: 'count(*)',
  sum: 'sum(p.value)',
  avg: 'avg(p.value)',
  min: 'min(p.value)',
  max: 'max(p.value)',
  stddev: 'stddev_samp(p.value)',
  first: '(array_agg(p.value ORDER BY p.time ASC, p.series_id ASC))[1]',
  last: '(array_agg(p.value ORDER BY p.time DESC, p.series_id DESC))[1]',
  p50: 'percentile_cont(0.5) WITHIN GROUP (ORDER BY p.value)',
  p90: 'percentile_cont(0.9) WITHIN GROUP (ORDER BY p.value)',
  p95: 'percentile_cont(0.95) WITHIN GROUP (ORDER BY p.value)',
  p99: 'percentile_cont(0.99) WITHIN GROUP (ORDER BY p.value)',
};

/** Re-aggregating rollup rows into wider buckets or several series: only what combines exactly. */
const COMBINED: Partial<Record<Aggregation, string>> = {
  count: 'sum(r.count)::int8',
  sum: 'sum(r.sum)',
  avg: 'sum(r.sum) / sum(r.count)::float8',
  min: 'min(r.min)',
  max: 'max(r.max)',
  // Valid only when each group is one series (buckets then never overlap in time).
  first: '(array_agg(r.first ORDER BY r.bucket ASC))[1]',
  last: '(array_agg(r.last ORDER BY r.bucket DESC))[1]',
};

export const COMBINABLE_ACROSS_SERIES: ReadonlySet<Aggregation> = new Set(['count', 'sum', 'avg', 'min', 'max']);
export const COMBINABLE_WITHIN_SERIES: ReadonlySet<Aggregation> = new Set(['count', 'sum', 'avg', 'min', 'max', 'first', 'last']);

const GROUPS = 'JOIN unnest($1::int[], $2::int[]) AS g(series_id, group_id) ON g.series_id = %ALIAS%.series_id';

/** Parameters: $1 series ids, $2 their group ids, $3 start, $4 bucket ms, $5 end, $6 row limit. */
export function rawAggregateSql(aggregations: Aggregation[]): string {
  const columns = aggregations.map((a) => `${RAW[a]} AS ${a}`).join(',\n       ');
  return `
SELECT g.group_id, ${BUCKET.replace('%TIME%', 'p.time')} AS bucket,
       ${columns}
  FROM metric_points p
  ${GROUPS.replace('%ALIAS%', 'p')}
 WHERE p.series_id = ANY($1::int[]) AND p.time >= $3 AND p.time < $5
 GROUP BY 1, 2
 ORDER BY 1, 2
 LIMIT $6`;
}

/** One rollup row is one result row: every aggregation is read as stored. */
/** `relation` is quoted SQL naming a rollup (or its materialized hypertable), never user input. */
export function rollupRowsSql(relation: string, aggregations: Aggregation[]): string {
  const columns = aggregations.map((a) => `r.${a}`).join(', ');
  return `
SELECT g.group_id, r.bucket, ${columns}
  FROM ${relation} r
  ${GROUPS.replace('%ALIAS%', 'r')}
 WHERE r.series_id = ANY($1::int[]) AND r.bucket >= $3 AND r.bucket < $5 AND $4::int8 > 0
 ORDER BY 1, 2
 LIMIT $6`;
}

/** Rollup rows combined into wider buckets and/or across the series of a group. */
export function rollupCombinedSql(relation: string, aggregations: Aggregation[]): string {
  const columns = aggregations.map((a) => `${COMBINED[a] as string} AS ${a}`).join(',\n       ');
  return `
SELECT g.group_id, ${BUCKET.replace('%TIME%', 'r.bucket')} AS bucket,
       ${columns}
  FROM ${relation} r
  ${GROUPS.replace('%ALIAS%', 'r')}
 WHERE r.series_id = ANY($1::int[]) AND r.bucket >= $3 AND r.bucket < $5
 GROUP BY 1, 2
 ORDER BY 1, 2
 LIMIT $6`;
}

/** Start of the bucket holding `ms`, as date_bin computes it. */
export function bucketStartMs(ms: number, bucketMs: number): number {
  return BUCKET_ORIGIN_MS + Math.floor((ms - BUCKET_ORIGIN_MS) / bucketMs) * bucketMs;
}
