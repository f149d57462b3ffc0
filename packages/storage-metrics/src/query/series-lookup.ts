// Finds the series a read is about, by metric name(s) and label equality
// filters (jsonb containment, served by the unique (metric_name, labels)
// index and the GIN index on labels), and describes series by id. A series'
// name and labels never change, so descriptions are cached (LRU) and point
// queries need to return only series ids.

import { LRUCache } from 'lru-cache';
import type { Queryable } from '@ag/storage-core';

export interface SeriesInfo {
  id: number;
  name: string;
  labels: Record<string, string>;
}

interface SeriesRow {
  id: number;
  metric_name: string;
  labels: Record<string, string>;
}

/** The series filter, as SQL over metric_series: $1 names (NULL: any), $2 labels JSON. */
export const MATCHING_SERIES = `
SELECT id FROM metric_series
 WHERE ($1::text[] IS NULL OR metric_name = ANY($1::text[])) AND labels @> $2::jsonb`;

const SERIES_MATCHING = `
SELECT id, metric_name, labels
  FROM metric_series
 WHERE ($1::text[] IS NULL OR metric_name = ANY($1::text[])) AND labels @> $2::jsonb
 ORDER BY metric_name, id`;

const SERIES_BY_IDS = `SELECT id, metric_name, labels FROM metric_series WHERE id = ANY($1::int[])`;

const METRIC_NAMES = `SELECT DISTINCT metric_name FROM metric_series ORDER BY metric_name`;

export async function findSeries(db: Queryable, names: string[] | null, labels: Record<string, string>): Promise<SeriesInfo[]> {
  const { rows } = await db.query<SeriesRow>(SERIES_MATCHING, [names, JSON.stringify(labels)]);
  return rows.map(toInfo);
}

export async function listMetricNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ metric_name: string }>(METRIC_NAMES);
  return rows.map((r) => r.metric_name);
}

/** Series descriptions by id, cached. */
export class SeriesDirectory {
  private readonly cache: LRUCache<number, SeriesInfo>;

  constructor(
    private readonly db: Queryable,
    size: number,
  ) {
    this.cache = new LRUCache<number, SeriesInfo>({ max: size });
  }

  async describe(ids: Iterable<number>): Promise<Map<number, SeriesInfo>> {
    const out = new Map<number, SeriesInfo>();
    const missing: number[] = [];
    for (const id of ids) {
      if (out.has(id)) continue;
      const known = this.cache.get(id);
      if (known) out.set(id, known);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const { rows } = await this.db.query<SeriesRow>(SERIES_BY_IDS, [[...new Set(missing)]]);
      for (const row of rows) {
        const info = toInfo(row);
        this.cache.set(info.id, info);
        out.set(info.id, info);
      }
    }
    return out;
  }

  remember(series: SeriesInfo[]): void {
    for (const s of series) this.cache.set(s.id, s);
  }
}

function toInfo(row: SeriesRow): SeriesInfo {
  return { id: row.id, name: row.metric_name, labels: row.labels };
}
