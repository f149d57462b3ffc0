// @ag/storage-metrics: labelled time-series metrics (StorageEngine) and events (EventStore).

export { StorageEngine, type StorageEngineOptions, type MetricQueryResult, type LatestResult, type SeriesList } from './storage-engine.js';
export type { MetricPoint, MetricPointInput, WriteResult } from './metric-point.js';
export type { IngestStats } from './ingest/ingest-stats.js';
export type { FlushEvent } from '@ag/storage-core';
export {
  AGGREGATIONS,
  type Aggregation,
  type AggregateQuery,
  type GapFill,
  type LatestQuery,
  type MetricQuery,
  type SeriesQuery,
} from './query/query-options.js';
export type { AggregatedMetric, AggregatedResult, AggregateValues } from './query/aggregate-query.js';
export {
  AGGREGATION_REGISTRY,
  MERGE_STATE_COLUMNS,
  aggregationDefinition,
  describeAggregations,
  type AggregationDefinition,
  type RollupLevel,
} from './query/aggregation-registry.js';
export { rollupRoutingAvailable } from './query/rollup-routing.js';
export type { SeriesInfo } from './query/series-lookup.js';
export { parseBucketWidth, MAX_BUCKET_MS } from './query/bucket-width.js';
export {
  METRIC_NAME_PATTERN,
  LABEL_NAME_PATTERN,
  MIN_TIMESTAMP_MS,
  MAX_TIMESTAMP_MS,
  canonicalLabels,
  normalizePoint,
  normalizeBatch,
  metricLimitsFromConfig,
  type MetricLimits,
} from './point-validation.js';
export { EventStore, MAX_EVENTS_PER_BATCH, type EventQuery, type EventQueryResult, type StoredEvent } from './events/event-store.js';
export { EVENT_SEVERITIES, MAX_EVENT_PAYLOAD_BYTES, MAX_EVENT_PAYLOAD_DEPTH, type EventInput, type EventSeverity } from './events/event-validation.js';
