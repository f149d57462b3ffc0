// queryAggregated: bucketed statistics of the matching series, per metric
// name and optional group-by labels, from the raw points or from a plan of
// rollup and raw segments where RollupRouter proves the rollups complete;
// then optional gap filling.

import type { Queryable } from '@ag/storage-core';
import { bucketStartMs, planSql, rawAggregateSql, segmentParameters } from './aggregate-sql.js';
import type { Aggregation } from './aggregation-registry.js';
import { unpackBuckets, type PackedGroupRow } from './packed-buckets.js';
import type { NormalizedAggregateQuery } from './query-options.js';
import { matchCheckParameters, type CheckedRead, type MatchCheck } from './remembered-series.js';
import type { RollupRouter } from './rollup-routing.js';
import type { SeriesInfo } from './series-lookup.js';

export type AggregateValues = { [K in Aggregation]?: number | null };

/** One bucket of one group: the metric name, the group-by labels, and the requested aggregations. */
export interface AggregatedMetric extends AggregateValues {
  name: string;
  bucket: Date;
  /** The group-by labels of this group (empty without groupBy). */
  labels: Record<string, string>;
}

/** Results, with whether max_results cut them and where they were computed from. */
export type AggregatedResult = AggregatedMetric[] & {
  truncated: boolean;
  /** The coarsest rollup read, or 'raw' when only raw points were. */
  source: 'raw' | 'metrics_hourly' | 'metrics_daily';
  /**
   * Where each part of [start, end) was read from, in time order; `asStored`:
   * the rollup's rows are the result rows as stored (bucket width = rollup
   * width, each group one series), not re-aggregated.
   */
  segments: Array<{ source: 'raw' | 'metrics_hourly' | 'metrics_daily'; start: Date; end: Date; asStored: boolean }>;
};

interface Group {
  name: string;
  labels: Record<string, string>;
  seriesCount: number;
}

export async function runAggregateQuery(
  db: Queryable,
  router: RollupRouter | undefined,
  query: NormalizedAggregateQuery,
  series: SeriesInfo[],
  maxResults: number,
  check: MatchCheck | undefined,
): Promise<CheckedRead<AggregatedResult>> {
  const { groups, seriesIds, groupIds } = groupSeries(series, query.groupBy);
  const route = router && groups.length > 0 ? await router.route(query, groups.every((g) => g.seriesCount === 1)) : undefined;
  let byGroup: AggregatedMetric[][] = [];
  let seriesUnchanged: boolean | undefined = true;
  if (seriesIds.length > 0) {
    const params: unknown[] = [seriesIds, groupIds, new Date(query.startMs), query.bucketMs, new Date(query.endMs), maxResults + 1];
    // Sorted by the server only when the limit can cut the answer (a sort of 7,200 rows: ~3 ms).
    const mayExceedLimit = groups.length * bucketCount(query) > maxResults;
    let sql: string;
    if (route) {
      const { numbered, extra } = segmentParameters(route.segments);
      params.push(...extra);
      sql = planSql(query.aggregations, numbered, route.mode, mayExceedLimit, check ? params.length + 1 : undefined);
    } else {
      sql = rawAggregateSql(query.aggregations, mayExceedLimit, check ? params.length + 1 : undefined);
    }
    if (check) params.push(...matchCheckParameters(check));
    const { rows } = await db.query<PackedGroupRow>(sql, params);
    byGroup = toMetrics(rows, groups, query.aggregations);
    seriesUnchanged = rows[0]?.series_unchanged;
  }
  const results = query.fill === 'none' ? byGroup.flat() : fillGaps(byGroup, groups, query, maxResults + 1);
  const truncated = results.length > maxResults;
  if (truncated) results.length = maxResults;
  const segments = (route?.segments ?? [{ source: 'raw' as const, startMs: query.startMs, endMs: query.endMs, asStored: false }]).map((s) => ({
    source: s.source,
    start: new Date(s.startMs),
    end: new Date(s.endMs),
    asStored: s.asStored,
  }));
  return { result: Object.assign(results, { truncated, source: route?.view ?? ('raw' as const), segments }), seriesUnchanged };
}

/** Buckets the range touches: an upper bound of each group's rows. */
function bucketCount(query: NormalizedAggregateQuery): number {
  return Math.ceil((query.endMs - bucketStartMs(query.startMs, query.bucketMs)) / query.bucketMs);
}

/** Groups in a stable order (metric name, then group labels); group id = index. */
function groupSeries(series: SeriesInfo[], groupBy: string[]): { groups: Group[]; seriesIds: number[]; groupIds: number[] } {
  const byKey = new Map<string, { group: Group; members: number[] }>();
  for (const s of series) {
    const labels: Record<string, string> = Object.create(null);
    for (const key of groupBy) if (s.labels[key] !== undefined) labels[key] = s.labels[key];
    const key = JSON.stringify([s.name, groupBy.map((k) => labels[k] ?? null)]);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { group: { name: s.name, labels, seriesCount: 0 }, members: [] }));
    entry.group.seriesCount += 1;
    entry.members.push(s.id);
  }
  const ordered = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups: Group[] = [];
  const seriesIds: number[] = [];
  const groupIds: number[] = [];
  ordered.forEach(([, entry], index) => {
    groups.push(entry.group);
    for (const id of entry.members) {
      seriesIds.push(id);
      groupIds.push(index);
    }
  });
  return { groups, seriesIds, groupIds };
}

/** Result rows of each group (by group id, in bucket order) from the packed group rows. */
function toMetrics(packed: PackedGroupRow[], groups: Group[], aggregations: Aggregation[]): AggregatedMetric[][] {
  const byGroup: AggregatedMetric[][] = groups.map(() => []);
  for (const row of packed) {
    const group = groups[row.group_id] as Group;
    // A plain copy once per group: spreading the null-prototype labels per row costs 10x more.
    const labels = { ...group.labels };
    const out = byGroup[row.group_id] as AggregatedMetric[];
    for (const bucket of unpackBuckets(row.buckets)) {
      const metric: AggregatedMetric = { name: group.name, bucket: new Date(bucket[0]), labels: { ...labels } };
      for (let i = 0; i < aggregations.length; i += 1) metric[aggregations[i] as Aggregation] = bucket[i + 1] as number | null;
      out.push(metric);
    }
  }
  return byGroup;
}

/**
 * Every bucket of the range for every group: empty buckets get count 0 and
 * null values ('null') or the previous bucket's values ('previous'; null
 * before the first bucket with data).
 */
function fillGaps(byGroup: AggregatedMetric[][], groups: Group[], query: NormalizedAggregateQuery, limit: number): AggregatedMetric[] {
  const first = bucketStartMs(query.startMs, query.bucketMs);
  const out: AggregatedMetric[] = [];
  groups.forEach((group, groupId) => {
    const buckets = new Map((byGroup[groupId] ?? []).map((row) => [row.bucket.getTime(), row]));
    const labels = { ...group.labels };
    let previous: AggregatedMetric | undefined;
    for (let t = first; t < query.endMs && out.length < limit; t += query.bucketMs) {
      const row = buckets.get(t);
      if (row) {
        previous = row;
        out.push(row);
        continue;
      }
      const filled: AggregatedMetric = { name: group.name, bucket: new Date(t), labels: { ...labels } };
      for (const a of query.aggregations) {
        filled[a] = a === 'count' ? 0 : query.fill === 'previous' && previous ? (previous[a] ?? null) : null;
      }
      out.push(filled);
    }
  });
  return out;
}
