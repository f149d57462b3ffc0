// The options every read takes, validated with zod into a normalized form:
// names as a list, times as epoch milliseconds, labels as string filters.
// A bad option is a ValidationError naming it (`query.limit`).

import { z } from 'zod';
import { LABEL_NAME_PATTERN, MAX_TIMESTAMP_MS, METRIC_NAME_PATTERN, MIN_TIMESTAMP_MS } from '../point-validation.js';
import { parseBucketWidth } from './bucket-width.js';
import { parseInput, resultLimitSchema } from '@ag/storage-core';

import { AGGREGATIONS, type Aggregation } from './aggregation-registry.js';

export { AGGREGATIONS, type Aggregation };

export type GapFill = 'none' | 'null' | 'previous';

/** Time ranges are [start, end): start included, end excluded. */
export interface MetricQuery {
  /** One metric name, or several. */
  name: string | string[];
  start: Date | number;
  end: Date | number;
  /** Label equality filters: a series matches when it has every one of them. */
  labels?: Record<string, string>;
  /** At most query.max_results (the default). */
  limit?: number;
  /** By time, then series; default 'asc'. */
  order?: 'asc' | 'desc';
}

export interface AggregateQuery {
  name: string | string[];
  start: Date | number;
  end: Date | number;
  /** Bucket width: milliseconds or '<n><unit>' (ms, s, m, h, d, w), e.g. '5m'. */
  bucket: number | string;
  aggregations: Aggregation[];
  labels?: Record<string, string>;
  /** Label key(s) to group by; without it every matching series of a metric is aggregated together. */
  groupBy?: string | string[];
  /** Empty buckets: left out ('none', the default), present with null values ('null'), or carrying the previous bucket's values ('previous'). */
  fill?: GapFill;
}

export interface LatestQuery {
  name?: string | string[];
  labels?: Record<string, string>;
}

export type SeriesQuery = LatestQuery;

export interface NormalizedRange {
  names: string[];
  startMs: number;
  endMs: number;
  labels: Record<string, string>;
}

export interface NormalizedMetricQuery extends NormalizedRange {
  limit: number;
  /** Whether the caller asked for a limit (otherwise max_results applies). */
  explicitLimit: boolean;
  order: 'asc' | 'desc';
}

export interface NormalizedAggregateQuery extends NormalizedRange {
  bucketMs: number;
  aggregations: Aggregation[];
  groupBy: string[];
  fill: GapFill;
}

export interface NormalizedSeriesQuery {
  names: string[] | null;
  labels: Record<string, string>;
}

const metricName = z.string().min(1).max(1024).regex(METRIC_NAME_PATTERN, `must match ${METRIC_NAME_PATTERN.source}`);
const names = z.union([metricName.transform((n) => [n]), z.array(metricName).min(1).max(10_000)]);
const labelName = z.string().min(1).max(1024).regex(LABEL_NAME_PATTERN, `must match ${LABEL_NAME_PATTERN.source}`);
const labelValue = z.string().refine((v) => !v.includes('\u0000'), 'must not contain a NUL character');
/**
 * Label filters, read as a Map: zod's record drops a `__proto__` key, which
 * would silently widen the filter; a label may be named like that (writes
 * store it as data), so it filters like any other.
 */
const labels = z
  .preprocess(
    (input) => (input && typeof input === 'object' && !Array.isArray(input) && !(input instanceof Map) ? new Map(Object.entries(input)) : input),
    z.map(labelName, labelValue, { error: 'expected an object of label name to value' }),
  )
  .transform((map) => {
    const filter: Record<string, string> = Object.create(null);
    for (const [name, value] of map) filter[name] = value;
    return filter;
  })
  .default({});
const time = z
  .union([z.date(), z.number().int()])
  .transform((t) => (t instanceof Date ? t.getTime() : t))
  .refine((ms) => ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS + 1, 'must be between 1970-01-01 and 9999-12-31 (UTC)');

const rangeShape = { name: names, start: time, end: time, labels };
const endAfterStart = (q: { start: number; end: number }) => q.start < q.end;
const endAfterStartIssue = { message: 'must be after start', path: ['end'] };

function metricQuerySchema(maxResults: number) {
  return z
    .object({
      ...rangeShape,
      limit: resultLimitSchema(maxResults),
      order: z.enum(['asc', 'desc']).default('asc'),
    })
    .strict()
    .refine(endAfterStart, endAfterStartIssue);
}

/** The fields every range query shares, in their normalized names. */
function normalizedRange(q: { name: string[]; start: number; end: number; labels: Record<string, string> }): NormalizedRange {
  return { names: q.name, startMs: q.start, endMs: q.end, labels: q.labels };
}

/** Building a zod schema costs far more than using one: one per max_results value. */
const metricQuerySchemas = new Map<number, ReturnType<typeof metricQuerySchema>>();

export function parseMetricQuery(input: unknown, maxResults: number, field = 'query'): NormalizedMetricQuery {
  let schema = metricQuerySchemas.get(maxResults);
  if (!schema) metricQuerySchemas.set(maxResults, (schema = metricQuerySchema(maxResults)));
  const q = parseInput(schema, input, field);
  return {
    ...normalizedRange(q),
    limit: q.limit ?? maxResults,
    explicitLimit: q.limit !== undefined,
    order: q.order,
  };
}

const aggregateQuerySchema = z
  .object({
    ...rangeShape,
    bucket: z.union([z.number(), z.string()]),
    aggregations: z.array(z.enum(AGGREGATIONS)).min(1),
    groupBy: z.union([labelName.transform((k) => [k]), z.array(labelName).max(16)]).default([]),
    fill: z.enum(['none', 'null', 'previous']).default('none'),
  })
  .strict()
  .refine(endAfterStart, endAfterStartIssue);

export function parseAggregateQuery(input: unknown, field = 'query'): NormalizedAggregateQuery {
  const q = parseInput(aggregateQuerySchema, input, field);
  return {
    ...normalizedRange(q),
    bucketMs: parseBucketWidth(q.bucket, `${field}.bucket`),
    aggregations: [...new Set(q.aggregations)],
    groupBy: [...new Set(q.groupBy)],
    fill: q.fill,
  };
}

const seriesQuerySchema = z.object({ name: names.optional(), labels }).strict();

export function parseSeriesQuery(input: unknown, field = 'query'): NormalizedSeriesQuery {
  const q = parseInput(seriesQuerySchema, input ?? {}, field);
  return { names: q.name ?? null, labels: q.labels };
}
