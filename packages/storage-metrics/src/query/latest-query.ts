// queryLatest: the newest point of each matching series, one index probe per
// series on the (series_id, time) primary key through a LATERAL subquery.

import type { Queryable } from '@ag/storage-core';
import type { MetricPoint } from '../metric-point.js';
import type { SeriesInfo } from './series-lookup.js';

const LATEST_POINTS = `
SELECT s.id AS series_id, l.time, l.value
  FROM unnest($1::int[]) WITH ORDINALITY AS s(id, ord)
 CROSS JOIN LATERAL (
        SELECT p.time, p.value
          FROM metric_points p
         WHERE p.series_id = s.id
         ORDER BY p.time DESC
         LIMIT 1) AS l
 ORDER BY s.ord`;

export async function readLatestPoints(db: Queryable, series: SeriesInfo[]): Promise<MetricPoint[]> {
  if (series.length === 0) return [];
  const byId = new Map(series.map((s) => [s.id, s]));
  const { rows } = await db.query<{ series_id: number; time: Date; value: number }>(LATEST_POINTS, [series.map((s) => s.id)]);
  return rows.map((row) => {
    const info = byId.get(row.series_id) as SeriesInfo;
    return { name: info.name, value: row.value, timestamp: row.time, labels: { ...info.labels } };
  });
}
