// queryLatest: the newest point of each matching series, found through the
// (series_id, time) primary key: one ORDER BY time DESC LIMIT 1 probe per
// series (a LATERAL subquery when there are several). The series are looked
// up first: on a hypertable, planning one probe for one known series is much
// cheaper than planning the join (measured on the embedded engine).

import type { Queryable } from '@ag/storage-core';
import type { MetricPoint } from '../metric-point.js';
import type { SeriesInfo } from './series-lookup.js';

const LATEST_OF_ONE = `
SELECT time, value
  FROM metric_points
 WHERE series_id = $1
 ORDER BY time DESC
 LIMIT 1`;

const LATEST_OF_MANY = `
SELECT s.id AS series_id, l.time, l.value
  FROM unnest($1::int[]) WITH ORDINALITY AS s(id, ord)
 CROSS JOIN LATERAL (
        SELECT p.time, p.value
          FROM metric_points p
         WHERE p.series_id = s.id
         ORDER BY p.time DESC
         LIMIT 1) AS l
 ORDER BY s.ord`;

/** Latest points of the given series, in their order; series without points are left out. */
export async function readLatestPoints(db: Queryable, series: SeriesInfo[]): Promise<MetricPoint[]> {
  const point = (info: SeriesInfo, row: { time: Date; value: number }): MetricPoint => ({
    name: info.name,
    value: row.value,
    timestamp: row.time,
    labels: { ...info.labels },
  });
  const [only] = series;
  if (series.length === 1 && only) {
    const { rows } = await db.query<{ time: Date; value: number }>(LATEST_OF_ONE, [only.id]);
    return rows.map((row) => point(only, row));
  }
  if (series.length === 0) return [];
  const byId = new Map(series.map((s) => [s.id, s]));
  const { rows } = await db.query<{ series_id: number; time: Date; value: number }>(LATEST_OF_MANY, [series.map((s) => s.id)]);
  return rows.map((row) => point(byId.get(row.series_id) as SeriesInfo, row));
}
