// Raw points of a time range: queryMetrics (one bounded read) and
// streamMetrics (keyset pagination on (time, series_id), for ranges of any
// size). The matching series are looked up first, so the planner sees the
// actual series ids and reads each through the (series_id, time) primary key
// (a subquery there led it to scan the whole time range of every series).
// The cursor is the point's time in exact microseconds, so pages neither skip
// nor repeat points even when times carry sub-millisecond parts.

import type { Queryable } from '@ag/storage-core';
import type { MetricPoint } from '../metric-point.js';
import type { NormalizedMetricQuery } from './query-options.js';
import type { SeriesInfo } from './series-lookup.js';

interface PointRow {
  time: Date;
  series_id: number;
  value: number;
  time_us: string;
}

const SELECT_POINTS = `
SELECT time, series_id, value, (extract(epoch FROM time) * 1000000)::int8::text AS time_us
  FROM metric_points
 WHERE series_id = ANY($1::int[]) AND time >= $2 AND time < $3`;

const AFTER_CURSOR = `AND (time, series_id) > (TIMESTAMPTZ 'epoch' + $5::int8 * INTERVAL '1 microsecond', $6::int)`;
const BEFORE_CURSOR = `AND (time, series_id) < (TIMESTAMPTZ 'epoch' + $5::int8 * INTERVAL '1 microsecond', $6::int)`;

const ORDER_ASC = 'ORDER BY time ASC, series_id ASC LIMIT $4';
const ORDER_DESC = 'ORDER BY time DESC, series_id DESC LIMIT $4';

export interface PointPage {
  points: MetricPoint[];
  /** Where the next page starts, when this page was full. */
  cursor: { timeUs: string; seriesId: number } | undefined;
}

/** One page of points; at most `limit`, after `cursor` in the query's order. */
export async function readPointPage(
  db: Queryable,
  query: NormalizedMetricQuery,
  series: Map<number, SeriesInfo>,
  limit: number,
  cursor: PointPage['cursor'],
): Promise<PointPage> {
  const asc = query.order === 'asc';
  const sql = [SELECT_POINTS, cursor ? (asc ? AFTER_CURSOR : BEFORE_CURSOR) : '', asc ? ORDER_ASC : ORDER_DESC].join('\n');
  const params: unknown[] = [[...series.keys()], new Date(query.startMs), new Date(query.endMs), limit];
  if (cursor) params.push(cursor.timeUs, cursor.seriesId);
  const { rows } = await db.query<PointRow>(sql, params);
  const points = rows.map((row) => toPoint(row, series));
  const last = rows[rows.length - 1];
  return {
    points,
    cursor: rows.length === limit && last ? { timeUs: last.time_us, seriesId: last.series_id } : undefined,
  };
}

function toPoint(row: PointRow, series: Map<number, SeriesInfo>): MetricPoint {
  const info = series.get(row.series_id) as SeriesInfo;
  return { name: info.name, value: row.value, timestamp: row.time, labels: { ...info.labels } };
}
