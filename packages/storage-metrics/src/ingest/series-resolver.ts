// Resolves (metric name, labels) to metric_series ids in bulk, creating the
// series that do not exist yet. A point from the PointNormalizer carries its
// SeriesRef, whose id, once resolved, is read without any lookup; other
// points (replayed from the spool) go through a bounded LRU cache. Concurrent
// resolvers (in this process or another) never fail on a race: unknown series
// are inserted with ON CONFLICT DO NOTHING in a fixed order, then read back.

import { LRUCache } from 'lru-cache';
import { StorageError, type Queryable } from '@ag/storage-core';
import type { NormalizedPoint } from '../metric-point.js';

const SELECT_SERIES_IDS = `
SELECT u.ord::int AS ord, s.id
  FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS u(metric_name, labels, ord)
  JOIN metric_series s ON s.metric_name = u.metric_name AND s.labels = u.labels`;

const INSERT_MISSING_SERIES = `
INSERT INTO metric_series (metric_name, labels)
SELECT u.metric_name, u.labels
  FROM unnest($1::text[], $2::jsonb[]) AS u(metric_name, labels)
 ORDER BY u.metric_name, u.labels
    ON CONFLICT (metric_name, labels) DO NOTHING`;

export interface SeriesCacheStats {
  size: number;
  hits: number;
  misses: number;
}

export class SeriesResolver {
  private readonly cache: LRUCache<string, number>;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly db: Queryable,
    cacheSize: number,
  ) {
    this.cache = new LRUCache<string, number>({ max: cacheSize });
  }

  /** Series id of every point, in order. */
  async resolve(points: readonly NormalizedPoint[]): Promise<Int32Array> {
    const ids = new Int32Array(points.length);
    let missing: Map<string, NormalizedPoint> | undefined;
    for (let i = 0; i < points.length; i += 1) {
      const point = points[i] as NormalizedPoint;
      const known = point.series?.id;
      if (known) {
        ids[i] = known;
        continue;
      }
      const id = this.cache.get(point.seriesKey);
      if (id === undefined) (missing ??= new Map()).set(point.seriesKey, point);
      else {
        ids[i] = id;
        if (point.series) point.series.id = id;
      }
    }
    if (!missing) {
      this.hits += points.length;
      return ids;
    }
    this.misses += missing.size;
    this.hits += points.length - missing.size;
    const found = await this.lookUpOrCreate([...missing.values()]);
    for (let i = 0; i < points.length; i += 1) {
      const point = points[i] as NormalizedPoint;
      if (ids[i] !== 0) continue;
      const id = found.get(point.seriesKey);
      if (id !== undefined) {
        ids[i] = id;
        if (point.series) point.series.id = id;
      }
    }
    return ids;
  }

  stats(): SeriesCacheStats {
    return { size: this.cache.size, hits: this.hits, misses: this.misses };
  }

  private async lookUpOrCreate(series: NormalizedPoint[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    let pending = series;
    // Read first (the usual case after a restart: the series exist), insert
    // what is missing, read again. Two rounds always suffice; a third guards
    // against a concurrent delete of a series between the statements.
    for (let round = 0; round < 3 && pending.length > 0; round += 1) {
      if (round > 0) await this.db.query(INSERT_MISSING_SERIES, columns(pending));
      const { rows } = await this.db.query<{ ord: number; id: number }>(SELECT_SERIES_IDS, columns(pending));
      const resolved = new Set<number>();
      for (const row of rows) {
        const point = pending[row.ord - 1] as NormalizedPoint;
        found.set(point.seriesKey, row.id);
        this.cache.set(point.seriesKey, row.id);
        resolved.add(row.ord - 1);
      }
      pending = pending.filter((_, i) => !resolved.has(i));
    }
    if (pending.length > 0) throw new StorageError(`could not resolve ${pending.length} metric series`, { retryable: true });
    return found;
  }
}

function columns(series: readonly NormalizedPoint[]): [string[], string[]] {
  return [series.map((s) => s.name), series.map((s) => s.labelsJson)];
}
