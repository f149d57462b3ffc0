// Metric reads from request parameters (query strings, JSON bodies, command
// line options): raw points of a range, bucketed aggregates, latest values,
// metric names and series. Parameters are validated here; the answers are
// what the API returns and what `ag-storage query` prints. `account` and
// `strategy` are label filters (the fleet label conventions of the metrics
// README): the same as labels {"account": ..., "strategy": ...}.

import { z } from 'zod';
import { AGGREGATIONS } from '@ag/storage-metrics';
import type { StorageServices } from '../storage-services.js';
import { BadParameterError } from '../bad-parameter-error.js';
import { labelsParameter, limitParameter, listParameter, nameParameter, parseParameters, timeRange } from '../query-parameters.js';

const HOUR = 3_600_000;
const metricName = z.string().min(1).max(200);
const labelName = z.string().min(1).max(128);
/** The fleet label filters (metrics README: label conventions). */
const fleetLabels = { account: nameParameter.optional(), strategy: nameParameter.optional() };

/** The label filters of a query: `labels` plus the account and strategy labels, which must not contradict it. */
function labelFilters(q: { labels?: Record<string, string> | undefined; account?: string | undefined; strategy?: string | undefined }): Record<string, string> | undefined {
  const labels = q.labels ? { ...q.labels } : undefined;
  let out = labels;
  for (const name of ['account', 'strategy'] as const) {
    const value = q[name];
    if (value === undefined) continue;
    if (labels && Object.hasOwn(labels, name) && labels[name] !== value) throw new BadParameterError(name, `contradicts labels.${name}`);
    out = { ...(out ?? {}), [name]: value };
  }
  return out;
}

const pointsRange = timeRange(HOUR);
const pointsQuery = z
  .object({
    name: listParameter(metricName),
    start: pointsRange.start,
    end: pointsRange.end,
    labels: labelsParameter.optional(),
    ...fleetLabels,
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
    ...fleetLabels,
    groupBy: listParameter(labelName, 16).optional(),
    fill: z.enum(['none', 'null', 'previous']).optional(),
  })
  .strict();

const latestQuery = z.object({ name: listParameter(metricName).optional(), labels: labelsParameter.optional(), ...fleetLabels }).strict();

export async function readMetricPoints(services: StorageServices, input: unknown) {
  const q = parseParameters(pointsQuery, input);
  const { start, end } = pointsRange.resolve(q);
  const labels = labelFilters(q);
  const points = await services.metrics.queryMetrics({
    name: q.name,
    start,
    end,
    ...(labels ? { labels } : {}),
    ...(q.limit ? { limit: Math.min(q.limit, services.storage.config.query.max_results) } : {}),
    ...(q.order ? { order: q.order } : {}),
  });
  return { data: [...points], truncated: points.truncated, start, end };
}

export async function aggregateMetrics(services: StorageServices, input: unknown) {
  const q = parseParameters(aggregateQuery, input);
  const { start, end } = aggregateRange.resolve(q);
  const labels = labelFilters(q);
  const rows = await services.metrics.queryAggregated({
    name: q.name,
    start,
    end,
    bucket: q.bucket,
    aggregations: q.aggregations,
    ...(labels ? { labels } : {}),
    ...(q.groupBy ? { groupBy: q.groupBy } : {}),
    ...(q.fill ? { fill: q.fill } : {}),
  });
  return { data: [...rows], truncated: rows.truncated, source: rows.source, start, end };
}

export async function readLatestMetrics(services: StorageServices, input: unknown) {
  const q = parseParameters(latestQuery, input);
  const labels = labelFilters(q);
  const points = await services.metrics.queryLatest({ ...(q.name ? { name: q.name } : {}), ...(labels ? { labels } : {}) });
  return { data: [...points], truncated: points.truncated };
}

export async function listMetricSeries(services: StorageServices, input: unknown) {
  const q = parseParameters(latestQuery, input);
  const labels = labelFilters(q);
  const series = await services.metrics.listSeries({ ...(q.name ? { name: q.name } : {}), ...(labels ? { labels } : {}) });
  return { data: [...series], truncated: series.truncated };
}
