// StorageEngine: labelled time-series metrics on a Storage. Writes go
// straight through (insertMetric, insertMetricsBatch) or through the buffered
// pipeline (bufferMetric, flushBuffer, close); reads return raw ranges, pages,
// bucketed aggregates (from rollups where provably identical) and latest
// values. See README.md for behaviours and limits.

import {
  ClosedError,
  IngestPipeline,
  pipelineSettings,
  StorageError,
  validateConfig,
  type FlushEvent,
  type Logger,
  type Storage,
  type StorageConfig,
} from '@ag/storage-core';
import { emptyIngestStats, type IngestStats } from './ingest/ingest-stats.js';
import { PointSink } from './ingest/point-sink.js';
import { pointSpoolCodec } from './ingest/point-spool-codec.js';
import { SeriesResolver } from './ingest/series-resolver.js';
import type { MetricPoint, MetricPointInput, NormalizedPoint, WriteResult } from './metric-point.js';
import { PointNormalizer } from './ingest/point-normalizer.js';
import { metricLimitsFromConfig } from './point-validation.js';
import { runAggregateQuery, type AggregatedResult } from './query/aggregate-query.js';
import { readLatestPoints } from './query/latest-query.js';
import { QueryCache } from './query/query-cache.js';
import {
  parseAggregateQuery,
  parseMetricQuery,
  parseSeriesQuery,
  type AggregateQuery,
  type LatestQuery,
  type MetricQuery,
  type SeriesQuery,
} from './query/query-options.js';
import { readPointPage, readPoints, type PointPage } from './query/range-query.js';
import { RememberedSeries } from './query/remembered-series.js';
import { RollupRouter } from './query/rollup-routing.js';
import { findSeries, listMetricNames, type SeriesInfo } from './query/series-lookup.js';

export interface StorageEngineOptions {
  /** Overrides of storage.config.ingestion for this engine (validated the same way). */
  ingestion?: Partial<StorageConfig['ingestion']>;
  /** Overrides of storage.config.query for this engine. */
  query?: Partial<StorageConfig['query']>;
  /**
   * Called with the points of a buffered batch the database refused for good
   * (a non-retryable error). They are not retried; this is the place to keep
   * them elsewhere. Retryable errors never get here: they are retried.
   */
  onDeadLetter?: (points: MetricPoint[], error: StorageError) => void;
  logger?: Logger;
}

/** Points of a range, and whether the limit cut them short. */
export type MetricQueryResult = MetricPoint[] & { truncated: boolean };
export type LatestResult = MetricPoint[] & { truncated: boolean };
export type SeriesList = SeriesInfo[] & { truncated: boolean };

export class StorageEngine {
  private readonly config: Pick<StorageConfig, 'ingestion' | 'query'>;
  private readonly normalizer: PointNormalizer;
  private readonly counters: IngestStats = emptyIngestStats();
  private readonly resolver: SeriesResolver;
  private readonly sink: PointSink;
  private readonly pipeline: IngestPipeline<NormalizedPoint>;
  private readonly router: RollupRouter;
  private readonly remembered: RememberedSeries;
  private readonly cache: QueryCache;
  private readonly logger: Logger;
  private readonly flushListeners = new Set<(event: FlushEvent) => void>();
  private closed = false;

  constructor(
    private readonly storage: Storage,
    options: StorageEngineOptions = {},
  ) {
    const merged = validateConfig({
      ...storage.config,
      ingestion: { ...storage.config.ingestion, ...options.ingestion },
      query: { ...storage.config.query, ...options.query },
    });
    this.config = { ingestion: merged.ingestion, query: merged.query };
    this.logger = options.logger ?? storage.logger;
    this.normalizer = new PointNormalizer(metricLimitsFromConfig(merged.ingestion), merged.ingestion.series_cache_size);
    this.resolver = new SeriesResolver(storage.engine, merged.ingestion.series_cache_size);
    this.sink = new PointSink(storage.engine, this.resolver);
    this.router = new RollupRouter(storage.reader, this.logger);
    this.remembered = new RememberedSeries(storage.reader);
    this.cache = new QueryCache(
      { enabled: merged.query.enable_cache, ttlSec: merged.query.cache_ttl_sec, maxEntries: merged.query.cache_max_entries },
      this.counters,
      {
        storage,
        writesCompleted: () => {
          const { written, duplicates } = this.sink.stats();
          return written + duplicates;
        },
      },
    );
    const onDeadLetter = options.onDeadLetter;
    this.pipeline = new IngestPipeline<NormalizedPoint>(
      {
        label: 'metrics',
        unit: 'points',
        ...pipelineSettings(merged.ingestion, storage.engine.traits, pointSpoolCodec),
        sink: this.sink,
        onFlush: (event) => {
          for (const listener of this.flushListeners) listener(event);
        },
        onDeadLetter: onDeadLetter ? (points, error) => onDeadLetter(points.map(toMetricPoint), error) : undefined,
        logger: this.logger,
      },
      this.counters,
    );
  }

  // ---------------------------------------------------------------- writes

  /** Stores one point now. */
  async insertMetric(point: MetricPointInput): Promise<WriteResult> {
    this.assertOpen();
    return this.sink.write([this.normalizer.normalize(point, 'point', Date.now())]);
  }

  /**
   * Stores a batch now, all or nothing: any invalid point rejects the whole
   * batch (ValidationError naming `points[i].field`) before anything is
   * written. Points already stored, or repeated within the batch (same
   * series and timestamp: the first wins), count as duplicates.
   */
  async insertMetricsBatch(points: readonly MetricPointInput[]): Promise<WriteResult> {
    this.assertOpen();
    const normalized = this.normalizer.normalizeBatch(points, this.config.ingestion.max_batch_points);
    if (normalized.length === 0) return { inserted: 0, duplicates: 0 };
    return this.sink.write(normalized);
  }

  /**
   * Queues one point for the background writer. Resolves when accepted
   * (with ingestion.spool_directory set: once it is fsync'd to the spool);
   * waits while the buffer is full and rejects with BackpressureError after
   * ingestion.backpressure_timeout_ms. Invalid points are rejected here and
   * never enter the buffer.
   */
  bufferMetric(point: MetricPointInput): Promise<void> {
    try {
      this.assertOpen();
      return this.pipeline.accept([this.normalizer.normalize(point, 'point', Date.now())]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Queues several points at once (all valid, or none queued). */
  bufferMetrics(points: readonly MetricPointInput[]): Promise<void> {
    try {
      this.assertOpen();
      return this.pipeline.accept(this.normalizer.normalizeBatch(points, this.config.ingestion.max_batch_points));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Writes everything buffered so far; resolves with the number of points
   * persisted. With a spool, it first opens it and waits for the replay of
   * what an earlier process left there.
   */
  flushBuffer(): Promise<number> {
    return this.pipeline.flush();
  }

  /**
   * Calls `listener` after every flush attempt of the buffered pipeline with
   * its latency, rows and outcome (written, retrying, dead-lettered); returns
   * the function that unsubscribes it. A listener that throws is logged.
   */
  onFlush(listener: (event: FlushEvent) => void): () => void {
    this.flushListeners.add(listener);
    return () => this.flushListeners.delete(listener);
  }

  /** A snapshot of the ingest and cache counters. */
  stats(): IngestStats {
    const series = this.resolver.stats();
    return { ...this.counters, ...this.sink.stats(), labelValidations: this.normalizer.stats().labelValidations, seriesCacheSize: series.size, seriesCacheHits: series.hits, seriesCacheMisses: series.misses };
  }

  // ----------------------------------------------------------------- reads

  /** Points of one or more metrics in [start, end), at most `limit` (default and cap: query.max_results). */
  async queryMetrics(query: MetricQuery): Promise<MetricQueryResult> {
    this.assertOpen();
    const q = parseMetricQuery(query, this.config.query.max_results);
    return this.cache.get('points', q, async () => {
      const points = await readPoints(this.storage.reader, this.remembered, q, q.limit + 1);
      const truncated = points.length > q.limit;
      if (truncated) points.length = q.limit;
      return Object.assign(points, { truncated });
    });
  }

  /**
   * Points of a range of any size, page by page (query.stream_page_size rows
   * per round trip, keyset-paginated on time and series); `limit`, when
   * given, bounds the total.
   */
  async *streamMetrics(query: MetricQuery): AsyncIterable<MetricPoint> {
    this.assertOpen();
    const q = parseMetricQuery(query, Number.MAX_SAFE_INTEGER);
    const series = await this.seriesMap(q.names, q.labels);
    if (series.size === 0) return;
    let remaining = q.explicitLimit ? q.limit : Number.POSITIVE_INFINITY;
    let cursor: PointPage['cursor'];
    do {
      const pageSize = Math.min(this.config.query.stream_page_size, remaining);
      const page = await readPointPage(this.storage.reader, q, series, pageSize, cursor);
      for (const point of page.points) yield point;
      remaining -= page.points.length;
      cursor = page.cursor;
    } while (cursor && remaining > 0);
  }

  /** Bucketed aggregations; see AggregateQuery. */
  async queryAggregated(query: AggregateQuery): Promise<AggregatedResult> {
    this.assertOpen();
    const q = parseAggregateQuery(query);
    const router = this.config.query.route_to_rollups ? this.router : undefined;
    return this.cache.get('aggregate', q, () =>
      this.remembered.read(q.names, q.labels, (series, check) => runAggregateQuery(this.storage.reader, router, q, series, this.config.query.max_results, check)),
    );
  }

  /** The newest point of every matching series with points (all series when no filter is given), at most query.max_results. */
  async queryLatest(query: LatestQuery = {}): Promise<LatestResult> {
    this.assertOpen();
    const q = parseSeriesQuery(query);
    return this.cache.get('latest', q, async () => {
      const max = this.config.query.max_results;
      const points = await readLatestPoints(this.storage.reader, this.remembered, q.names, q.labels, max + 1);
      const truncated = points.length > max;
      if (truncated) points.length = max;
      return Object.assign(points, { truncated });
    });
  }

  /** Every metric name that has a series. */
  async listMetricNames(): Promise<string[]> {
    this.assertOpen();
    return this.cache.get('names', null, () => listMetricNames(this.storage.reader));
  }

  /** The series matching a name and/or labels (all of them by default), at most query.max_results. */
  async listSeries(query: SeriesQuery = {}): Promise<SeriesList> {
    this.assertOpen();
    const q = parseSeriesQuery(query);
    return this.cache.get('series', q, async () => {
      const series = await findSeries(this.storage.reader, q.names, q.labels);
      const truncated = series.length > this.config.query.max_results;
      if (truncated) series.length = this.config.query.max_results;
      return Object.assign(series, { truncated });
    });
  }

  /** Flushes the buffer (waiting producers included) and stops accepting points. The Storage stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pipeline.close();
    this.cache.clear();
    this.remembered.clear();
  }

  // -------------------------------------------------------------- internal

  private async seriesMap(names: string[], labels: Record<string, string>): Promise<Map<number, SeriesInfo>> {
    const series = await findSeries(this.storage.reader, names, labels);
    return new Map(series.map((s) => [s.id, s]));
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('the StorageEngine');
  }
}

function toMetricPoint(point: NormalizedPoint): MetricPoint {
  return {
    name: point.name,
    value: point.value,
    timestamp: new Date(point.timeMs),
    labels: JSON.parse(point.labelsJson) as Record<string, string>,
  };
}
