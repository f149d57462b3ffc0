// The one registry of the aggregations queryAggregated offers: for each, its
// SQL over the raw points, the rollup column that stores it per (bucket,
// series), which rollup levels hold that column as an exact per-bucket value,
// and whether partial results can be merged (and how). Validation, the SQL
// builders, rollup routing and the CLI help all read this list, so adding an
// aggregation is one entry here (plus the rollup columns in a migration, which
// tests/aggregation-registry.test.ts checks against information_schema).

export type RollupLevel = 'metrics_hourly' | 'metrics_daily';

/** Partial states a mergeable aggregation is combined from (see MERGE_STATES). */
export type MergeState = 'n' | 's' | 'lo' | 'hi' | 'f' | 'l';

export interface AggregationDefinition {
  /** One line for help texts. */
  description: string;
  /** SQL over `metric_points p` in a GROUP BY (series and bucket). */
  raw: string;
  /** Column of metrics_hourly / metrics_daily holding it per (bucket, series). */
  rollupColumn: string;
  /**
   * Levels whose rollupColumn is the exact value of one (bucket, series):
   * read as stored when one rollup row is one result row. metrics_daily is
   * built from metrics_hourly where TimescaleDB allows it (hierarchical
   * continuous aggregates), so it cannot hold what hourly rows cannot be
   * combined into (percentiles, stddev).
   */
  storedIn: readonly RollupLevel[];
  /**
   * How partial results (raw edges, hourly and daily rows) combine into one
   * exact answer, or null when they cannot (percentile_cont, stddev): then
   * every result bucket must come whole from one source.
   */
  merge: null | {
    states: readonly MergeState[];
    /** SQL over the merged parts' state columns. */
    combine: string;
    /** Only when each result group is one series (first/last: buckets of one series never overlap in time). */
    withinSeriesOnly: boolean;
  };
}

const BOTH: readonly RollupLevel[] = ['metrics_hourly', 'metrics_daily'];
const HOURLY: readonly RollupLevel[] = ['metrics_hourly'];

const percentile = (q: string, column: string): AggregationDefinition => ({
  description: `continuous percentile ${q} (percentile_cont), not re-aggregable`,
  raw: `percentile_cont(${q}) WITHIN GROUP (ORDER BY p.value)`,
  rollupColumn: column,
  storedIn: HOURLY,
  merge: null,
});

/** In the order help texts list them. */
export const AGGREGATION_REGISTRY = {
  count: {
    description: 'number of points',
    raw: 'count(*)',
    rollupColumn: 'count',
    storedIn: BOTH,
    merge: { states: ['n'], combine: 'sum(m.n)::int8', withinSeriesOnly: false },
  },
  sum: {
    description: 'sum of the values',
    raw: 'sum(p.value)',
    rollupColumn: 'sum',
    storedIn: BOTH,
    merge: { states: ['s'], combine: 'sum(m.s)', withinSeriesOnly: false },
  },
  avg: {
    description: 'mean of the values (sum / count when merged)',
    raw: 'avg(p.value)',
    rollupColumn: 'avg',
    storedIn: BOTH,
    merge: { states: ['s', 'n'], combine: 'sum(m.s) / sum(m.n)::float8', withinSeriesOnly: false },
  },
  min: {
    description: 'smallest value',
    raw: 'min(p.value)',
    rollupColumn: 'min',
    storedIn: BOTH,
    merge: { states: ['lo'], combine: 'min(m.lo)', withinSeriesOnly: false },
  },
  max: {
    description: 'largest value',
    raw: 'max(p.value)',
    rollupColumn: 'max',
    storedIn: BOTH,
    merge: { states: ['hi'], combine: 'max(m.hi)', withinSeriesOnly: false },
  },
  stddev: {
    description: 'sample standard deviation (stddev_samp), not re-aggregable',
    raw: 'stddev_samp(p.value)',
    rollupColumn: 'stddev',
    storedIn: HOURLY,
    merge: null,
  },
  first: {
    description: 'value of the earliest point (ties: lowest series id)',
    raw: '(array_agg(p.value ORDER BY p.time ASC, p.series_id ASC))[1]',
    rollupColumn: 'first',
    storedIn: BOTH,
    merge: { states: ['f'], combine: '(array_agg(m.f ORDER BY m.ft ASC))[1]', withinSeriesOnly: true },
  },
  last: {
    description: 'value of the latest point (ties: highest series id)',
    raw: '(array_agg(p.value ORDER BY p.time DESC, p.series_id DESC))[1]',
    rollupColumn: 'last',
    storedIn: BOTH,
    merge: { states: ['l'], combine: '(array_agg(m.l ORDER BY m.lt DESC))[1]', withinSeriesOnly: true },
  },
  p50: percentile('0.5', 'p50'),
  p90: percentile('0.9', 'p90'),
  p95: percentile('0.95', 'p95'),
  p99: percentile('0.99', 'p99'),
} as const satisfies Record<string, AggregationDefinition>;

export type Aggregation = keyof typeof AGGREGATION_REGISTRY;

export const AGGREGATIONS = Object.keys(AGGREGATION_REGISTRY) as [Aggregation, ...Aggregation[]];

export function aggregationDefinition(name: Aggregation): AggregationDefinition {
  return AGGREGATION_REGISTRY[name];
}

/**
 * The partial states: SQL computing each from raw points (`p`) and from rollup
 * rows (`r`), one row per (group, result bucket, part). f/l carry the time
 * they are taken at (ft/lt) so merged parts keep time order.
 */
export const MERGE_STATES: Record<MergeState, { raw: string[]; rollup: string[] }> = {
  n: { raw: ['count(*)::int8 AS n'], rollup: ['sum(r.count)::int8 AS n'] },
  s: { raw: ['sum(p.value) AS s'], rollup: ['sum(r.sum) AS s'] },
  lo: { raw: ['min(p.value) AS lo'], rollup: ['min(r.min) AS lo'] },
  hi: { raw: ['max(p.value) AS hi'], rollup: ['max(r.max) AS hi'] },
  f: {
    raw: ['(array_agg(p.value ORDER BY p.time ASC, p.series_id ASC))[1] AS f', 'min(p.time) AS ft'],
    rollup: ['(array_agg(r.first ORDER BY r.bucket ASC))[1] AS f', 'min(r.bucket) AS ft'],
  },
  l: {
    raw: ['(array_agg(p.value ORDER BY p.time DESC, p.series_id DESC))[1] AS l', 'max(p.time) AS lt'],
    rollup: ['(array_agg(r.last ORDER BY r.bucket DESC))[1] AS l', 'max(r.bucket) AS lt'],
  },
};

/** Rollup columns each merge state reads (for the schema check). */
export const MERGE_STATE_COLUMNS: Record<MergeState, string[]> = {
  n: ['count'],
  s: ['sum'],
  lo: ['min'],
  hi: ['max'],
  f: ['first'],
  l: ['last'],
};

/** Whether these aggregations can be merged from parts, given whether each group is one series. */
export function mergeable(aggregations: readonly Aggregation[], oneSeriesPerGroup: boolean): boolean {
  return aggregations.every((a) => {
    const merge = aggregationDefinition(a).merge;
    return merge !== null && (oneSeriesPerGroup || !merge.withinSeriesOnly);
  });
}

/** Help text: one line per aggregation, generated from the registry. */
export function describeAggregations(): string {
  return AGGREGATIONS.map((a) => {
    const def = aggregationDefinition(a);
    const levels = def.merge
      ? `exact from ${def.merge.withinSeriesOnly ? 'raw, hourly and daily parts of one series' : 'raw, hourly and daily parts'}`
      : `exact from raw points, or ${def.storedIn.join(', ')} rows of one series at that bucket width`;
    return `${a}: ${def.description} (${levels})`;
  }).join('\n');
}
