// Finds the series a read is about, by metric name(s) and label equality
// filters (jsonb containment, served by the unique (metric_name, labels)
// index and the GIN index on labels).

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

/** The series filter, over metric_series: names ($namesParam, null for all) and label containment ($labelsParam). */
export const seriesFilterSql = (namesParam: number, labelsParam: number) =>
  `($${namesParam}::text[] IS NULL OR metric_name = ANY($${namesParam}::text[])) AND labels @> $${labelsParam}::jsonb`;

// The generation row is always there, so the statement returns it even when no series matches.
const SERIES_MATCHING_WITH_GENERATION = `
SELECT g.generation, s.id, s.metric_name, s.labels
  FROM ag_storage.series_generation g
  LEFT JOIN LATERAL (
        SELECT id, metric_name, labels
          FROM metric_series
         WHERE ${seriesFilterSql(1, 2)}) s ON true
 ORDER BY s.metric_name, s.id`;

const METRIC_NAMES = `SELECT DISTINCT metric_name FROM metric_series ORDER BY metric_name`;

/** The matching series, by name then id, and the series generation they were read at (one statement, one snapshot). */
export async function findSeriesWithGeneration(
  db: Queryable,
  names: string[] | null,
  labels: Record<string, string>,
): Promise<{ generation: number; series: SeriesInfo[] }> {
  const { rows } = await db.query<{ generation: number } & Partial<SeriesRow>>(SERIES_MATCHING_WITH_GENERATION, [names, JSON.stringify(labels)]);
  const generation = Number(rows[0]?.generation);
  const series = rows.filter((row): row is { generation: number } & SeriesRow => row.id !== null && row.id !== undefined).map(toInfo);
  return { generation, series };
}

/** The matching series, by name then id. */
export async function findSeries(db: Queryable, names: string[] | null, labels: Record<string, string>): Promise<SeriesInfo[]> {
  return (await findSeriesWithGeneration(db, names, labels)).series;
}

export async function listMetricNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ metric_name: string }>(METRIC_NAMES);
  return rows.map((r) => r.metric_name);
}

function toInfo(row: SeriesRow): SeriesInfo {
  return { id: row.id, name: row.metric_name, labels: row.labels };
}
