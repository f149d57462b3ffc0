// Metric reads from request parameters (query strings, JSON bodies, command
// line options): raw points of a range, bucketed aggregates, latest values,
// metric names and series. Parameters are validated here; the answers are
// what the API returns and what `ag-storage query` prints.

import { z } from 'zod';
import { AGGREGATIONS } from '@ag/storage-metrics';
import type { StorageServices } from '../storage-services.js';
import { labelsParameter, limitParameter, listParameter, parseParameters, timeRange } from '../query-parameters.js';

const HOUR = 3_600_000;
const metricName = z.string().min(1).max(200);
const labelName = z.string().min(1).max(128);

const pointsRange = timeRange(HOUR);
const pointsQuery = z
  .object({
    name: listParameter(metricName),
    start: pointsRange.start,
    end: pointsRange.end,
    labels: labelsParameter.optional(),
    limit: limitParameter(100_000).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();

const aggregateRange = timeRange(24 * HOUR);
const aggregateQuery = z
  .object({
    name: listParameter(metricName),
    start: aggregateRange.start,
    end: aggregateRange.end,
    bucket: z.union([z.string().min(1).max(32), z.number()]).default('1h'),
    aggregations: listParameter(z.enum(AGGREGATIONS), AGGREGATIONS.length * 2).default(['avg']),
    labels: labelsParameter.optional(),
    groupBy: listParameter(labelName, 16).optional(),
    fill: z.enum(['none', 'null', 'previous']).optional(),
  })
  .strict();

const latestQuery = z.object({ name: listParameter(metricName).optional(), labels: labelsParameter.optional() }).strict();

export async function readMetricPoints(services: StorageServices, input: unknown) {
  const q = parseParameters(pointsQuery, input);
  const { start, end } = pointsRange.resolve(q);
  const points = await services.metrics.queryMetrics({
    name: q.name,
    start,
    end,
    ...(q.labels ? { labels: q.labels } : {}),
    ...(q.limit ? { limit: Math.min(q.limit, services.storage.config.query.max_results) } : {}),
    ...(q.order ? { order: q.order } : {}),
  });
  return { data: [...points], truncated: points.truncated, start, end };
}

export async function aggregateMetrics(services: StorageServices, input: unknown) {
  const q = parseParameters(aggregateQuery, input);
  const { start, end } = aggregateRange.resolve(q);
  const rows = await services.metrics.queryAggregated({
    name: q.name,
    start,
    end,
    bucket: q.bucket,
    aggregations: q.aggregations,
    ...(q.labels ? { labels: q.labels } : {}),
    ...(q.groupBy ? { groupBy: q.groupBy } : {}),
    ...(q.fill ? { fill: q.fill } : {}),
  });
  return { data: [...rows], truncated: rows.truncated, source: rows.source, start, end };
}

export async function readLatestMetrics(services: StorageServices, input: unknown) {
  const q = parseParameters(latestQuery, input);
  const points = await services.metrics.queryLatest({ ...(q.name ? { name: q.name } : {}), ...(q.labels ? { labels: q.labels } : {}) });
  return { data: [...points], truncated: points.truncated };
}

export async function listMetricSeries(services: StorageServices, input: unknown) {
  const q = parseParameters(latestQuery, input);
  const series = await services.metrics.listSeries({ ...(q.name ? { name: q.name } : {}), ...(q.labels ? { labels: q.labels } : {}) });
  return { data: [...series], truncated: series.truncated };
}
