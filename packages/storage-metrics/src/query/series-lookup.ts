// Finds the series a read is about: by metric name(s) and label equality
// filters (jsonb containment, served by the unique (metric_name, labels)
// index and the GIN index on labels).

import type { Queryable } from '@ag/storage-core';

export interface SeriesInfo {
  id: number;
  name: string;
  labels: Record<string, string>;
}

const SERIES_BY_NAMES = `
SELECT id, metric_name, labels
  FROM metric_series
 WHERE metric_name = ANY($1::text[]) AND labels @> $2::jsonb
 ORDER BY metric_name, id`;

const SERIES_BY_LABELS = `
SELECT id, metric_name, labels
  FROM metric_series
 WHERE labels @> $1::jsonb
 ORDER BY metric_name, id`;

const METRIC_NAMES = `SELECT DISTINCT metric_name FROM metric_series ORDER BY metric_name`;

export async function findSeries(db: Queryable, names: string[] | null, labels: Record<string, string>): Promise<SeriesInfo[]> {
  const filter = JSON.stringify(labels);
  const { rows } = names
    ? await db.query<SeriesRow>(SERIES_BY_NAMES, [names, filter])
    : await db.query<SeriesRow>(SERIES_BY_LABELS, [filter]);
  return rows.map((r) => ({ id: r.id, name: r.metric_name, labels: r.labels }));
}

export async function listMetricNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ metric_name: string }>(METRIC_NAMES);
  return rows.map((r) => r.metric_name);
}

interface SeriesRow {
  id: number;
  metric_name: string;
  labels: Record<string, string>;
}
