// The SQL of queryAggregated, from the raw points, from a rollup, or from a
// plan of segments (raw edges, hourly and daily rollup rows: see
// rollup-segments.ts). Buckets are date_bin(width, time, 2000-01-03 00:00
// UTC), aligned like TimescaleDB's time_bucket and like the rollups' hour and
// day buckets. Series are mapped to result groups by a (series_id, group_id)
// list built in TypeScript, so no label is extracted per point. Only names
// and SQL from the aggregation registry ever reach the SQL text; times are
// parameters.

import { aggregationDefinition, MERGE_STATES, type Aggregation, type MergeState } from './aggregation-registry.js';
import { packedByGroupSql } from './packed-buckets.js';

export const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 3);
const bucketOf = (time: string) => `date_bin($4::int8 * INTERVAL '1 millisecond', ${time}, TIMESTAMPTZ '2000-01-03 00:00:00+00')`;

const groups = (alias: string) => `JOIN unnest($1::int[], $2::int[]) AS g(series_id, group_id) ON g.series_id = ${alias}.series_id`;

/** Parameters: $1 series ids, $2 their group ids, $3 start, $4 bucket ms, $5 end, $6 row limit. */
export const BASE_PARAMETER_COUNT = 6;

/**
 * A segment of a plan as SQL: where to read it from and its [start, end)
 * parameter numbers. Segments tile [$3, $5): the first starts at $3, the last
 * ends at $5, the boundaries between them are $7, $8, ... (segmentParameters).
 */
export interface SqlSegment {
  /** 'raw', or quoted SQL naming a rollup (or its materialized hypertable), never user input. */
  relation: 'raw' | string;
  /** A rollup segment whose rows are the result rows (bucket width = rollup width, one series per group). */
  asStored: boolean;
  startParam: number;
  endParam: number;
}

/**
 * The row limit $6 applies in (group, bucket) order. `ordered` false: the
 * caller proved the answer has fewer rows than the limit, so no sort is
 * needed here (the packed text is put in bucket order by unpackBuckets).
 */
const limitedSql = (ordered: boolean) => `${ordered ? '\n ORDER BY 1, 2' : ''}
 LIMIT $6`;

function rawColumns(aggregations: readonly Aggregation[]): string {
  return aggregations.map((a) => `${aggregationDefinition(a).raw} AS ${a}`).join(',\n       ');
}

/** Every aggregation computed from the raw points of [$from, $to), per group and result bucket. */
function rawBranch(aggregations: readonly Aggregation[], from: number, to: number): string {
  return `SELECT g.group_id, ${bucketOf('p.time')} AS bucket,
       ${rawColumns(aggregations)}
  FROM metric_points p
  ${groups('p')}
 WHERE p.series_id = ANY($1::int[]) AND p.time >= $${from} AND p.time < $${to}
 GROUP BY 1, 2`;
}

/** Rollup rows as stored: one row per (series, bucket), which is one result row. */
function storedBranch(aggregations: readonly Aggregation[], s: SqlSegment): string {
  return `SELECT g.group_id, r.bucket, ${aggregations.map((a) => `r.${aggregationDefinition(a).rollupColumn} AS ${a}`).join(', ')}
  FROM ${s.relation} r ${groups('r')}
 WHERE r.series_id = ANY($1::int[]) AND r.bucket >= $${s.startParam} AND r.bucket < $${s.endParam} AND $4::int8 > 0`;
}

/**
 * Every aggregation computed from the raw points of [$3, $5), packed per
 * group; `checkParam`: where the match check's parameters start, if any.
 */
export function rawAggregateSql(aggregations: readonly Aggregation[], ordered: boolean, checkParam: number | undefined): string {
  return packedByGroupSql(rawBranch(aggregations, 3, 5) + limitedSql(ordered), aggregations, checkParam);
}

/**
 * A plan of segments, packed per group. Stored segments are read as result
 * rows. The other segments are, in 'rows' mode, raw edges each within one
 * result bucket, computed whole from the points; in 'merge' mode, partial
 * states of every part (raw points, finer rollups) merged per (group,
 * bucket). Stored and merged buckets never coincide: a stored segment covers
 * whole result buckets only.
 */
export function planSql(
  aggregations: readonly Aggregation[],
  segments: readonly SqlSegment[],
  mode: 'rows' | 'merge',
  ordered: boolean,
  checkParam: number | undefined,
): string {
  const stored = segments.filter((s) => s.asStored).map((s) => storedBranch(aggregations, s));
  const others = segments.filter((s) => !s.asStored);
  const computed =
    mode === 'rows'
      ? others.map((s) => (s.relation === 'raw' ? rawBranch(aggregations, s.startParam, s.endParam) : storedBranch(aggregations, s)))
      : others.length > 0
        ? [mergedBranch(aggregations, others)]
        : [];
  const inner = `SELECT * FROM (
${[...stored, ...computed].join('\nUNION ALL\n')}
) u${limitedSql(ordered)}`;
  return packedByGroupSql(inner, aggregations, checkParam);
}

/** Segments with their parameter numbers, and the extra parameters ($7...) their inner boundaries need. */
export function segmentParameters<T extends { startMs: number; endMs: number }>(
  segments: readonly T[],
): { numbered: Array<T & { startParam: number; endParam: number }>; extra: Date[] } {
  const extra: Date[] = [];
  const numbered = segments.map((segment, i) => {
    const startParam = i === 0 ? 3 : BASE_PARAMETER_COUNT + i;
    const endParam = i === segments.length - 1 ? 5 : BASE_PARAMETER_COUNT + i + 1;
    if (i < segments.length - 1) extra.push(new Date(segment.endMs));
    return { ...segment, startParam, endParam };
  });
  return { numbered, extra };
}

/** States each segment computes for these (mergeable) aggregations, in a fixed order. */
function statesOf(aggregations: readonly Aggregation[]): MergeState[] {
  const wanted = new Set(aggregations.flatMap((a) => aggregationDefinition(a).merge?.states ?? []));
  return (Object.keys(MERGE_STATES) as MergeState[]).filter((s) => wanted.has(s));
}

/**
 * Partial states per (group, result bucket) from every segment, merged: for
 * aggregations the registry marks mergeable only.
 */
function mergedBranch(aggregations: readonly Aggregation[], segments: readonly SqlSegment[]): string {
  const states = statesOf(aggregations);
  const branches = segments.map((s) => {
    if (s.relation === 'raw') {
      return `SELECT g.group_id, ${bucketOf('p.time')} AS bucket, ${states.flatMap((st) => MERGE_STATES[st].raw).join(', ')}
  FROM metric_points p ${groups('p')}
 WHERE p.series_id = ANY($1::int[]) AND p.time >= $${s.startParam} AND p.time < $${s.endParam}
 GROUP BY 1, 2`;
    }
    return `SELECT g.group_id, ${bucketOf('r.bucket')} AS bucket, ${states.flatMap((st) => MERGE_STATES[st].rollup).join(', ')}
  FROM ${s.relation} r ${groups('r')}
 WHERE r.series_id = ANY($1::int[]) AND r.bucket >= $${s.startParam} AND r.bucket < $${s.endParam}
 GROUP BY 1, 2`;
  });
  const columns = aggregations.map((a) => `${aggregationDefinition(a).merge?.combine as string} AS ${a}`).join(',\n       ');
  return `SELECT m.group_id, m.bucket,
       ${columns}
  FROM (
${branches.join('\nUNION ALL\n')}
  ) m
 GROUP BY 1, 2`;
}

/** Start of the bucket holding `ms`, as date_bin computes it. */
export function bucketStartMs(ms: number, bucketMs: number): number {
  return BUCKET_ORIGIN_MS + Math.floor((ms - BUCKET_ORIGIN_MS) / bucketMs) * bucketMs;
}
