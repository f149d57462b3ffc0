// Raw points of a time range: queryMetrics (one bounded read) and
// streamMetrics (keyset pagination on (time, series_id), for ranges of any
// size). The matching series are looked up first, so the planner sees the
// actual series ids and reads each through the (series_id, time) primary key
// (a subquery there led it to scan the whole time range of every series).
// The cursor is the point's time in exact microseconds, so pages neither skip
// nor repeat points even when times carry sub-millisecond parts.
// queryMetrics reads the series a filter matched before and checks them in
// the same statement (remembered-series.ts): one statement per call.

import type { Queryable } from '@ag/storage-core';
import type { MetricPoint } from '../metric-point.js';
import type { NormalizedMetricQuery } from './query-options.js';
import { matchCheckColumn, matchCheckParameters, type CheckedRead, type MatchCheck, type RememberedSeries } from './remembered-series.js';
import type { SeriesInfo } from './series-lookup.js';

interface PointRow {
  time: Date;
  series_id: number;
  value: number;
  time_us?: string;
  series_unchanged?: boolean;
}

const ORDER_ASC = 'ORDER BY time ASC, series_id ASC LIMIT $4';
const ORDER_DESC = 'ORDER BY time DESC, series_id DESC LIMIT $4';

export interface PointPage {
  points: MetricPoint[];
  /** Where the next page starts, when this page was full. */
  cursor: { timeUs: string; seriesId: number } | undefined;
}

/**
 * SQL of one page: $1 series ids, $2 start, $3 end, $4 limit; then the
 * cursor ($5 time in µs, $6 series id) and/or the match check (names,
 * labels, ids), numbered on from there.
 */
function pointPageSql(asc: boolean, options: { cursor: boolean; cursorColumn: boolean; check: boolean }): string {
  let next = 5;
  const columns = ['time', 'series_id', 'value'];
  if (options.cursorColumn) columns.push('(extract(epoch FROM time) * 1000000)::int8::text AS time_us');
  const where = ['series_id = ANY($1::int[]) AND time >= $2 AND time < $3'];
  if (options.cursor) {
    const op = asc ? '>' : '<';
    where.push(`AND (time, series_id) ${op} (TIMESTAMPTZ 'epoch' + $${next}::int8 * INTERVAL '1 microsecond', $${next + 1}::int)`);
    next += 2;
  }
  if (options.check) columns.push(matchCheckColumn(next));
  return `
SELECT ${columns.join(',\n       ')}
  FROM metric_points
 WHERE ${where.join('\n   ')}
 ${asc ? ORDER_ASC : ORDER_DESC}`;
}

/** One page of points; at most `limit`, after `cursor` in the query's order. */
export async function readPointPage(
  db: Queryable,
  query: NormalizedMetricQuery,
  series: Map<number, SeriesInfo>,
  limit: number,
  cursor: PointPage['cursor'],
): Promise<PointPage> {
  const { page } = await readPage(db, query, series, limit, { cursor, needCursor: true });
  return page;
}

async function readPage(
  db: Queryable,
  query: NormalizedMetricQuery,
  series: Map<number, SeriesInfo>,
  limit: number,
  options: { cursor?: PointPage['cursor']; needCursor: boolean; check?: MatchCheck },
): Promise<{ page: PointPage; seriesUnchanged: boolean | undefined }> {
  const { cursor, check } = options;
  const asc = query.order === 'asc';
  const sql = pointPageSql(asc, { cursor: cursor !== undefined, cursorColumn: options.needCursor, check: check !== undefined });
  const params: unknown[] = [[...series.keys()], new Date(query.startMs), new Date(query.endMs), limit];
  if (cursor) params.push(cursor.timeUs, cursor.seriesId);
  if (check) params.push(...matchCheckParameters(check));
  const { rows } = await db.query<PointRow>(sql, params);
  const points = rows.map((row) => toPoint(row, series));
  const last = rows[rows.length - 1];
  return {
    page: {
      points,
      cursor: options.needCursor && rows.length === limit && last ? { timeUs: last.time_us as string, seriesId: last.series_id } : undefined,
    },
    seriesUnchanged: rows[0]?.series_unchanged,
  };
}

function toPoint(row: PointRow, series: Map<number, SeriesInfo>): MetricPoint {
  const info = series.get(row.series_id) as SeriesInfo;
  return { name: info.name, value: row.value, timestamp: row.time, labels: { ...info.labels } };
}

/** At most `limit` points of the query's range (queryMetrics), over the series its filter matches. */
export function readPoints(db: Queryable, remembered: RememberedSeries, query: NormalizedMetricQuery, limit: number): Promise<MetricPoint[]> {
  return remembered.read(query.names, query.labels, async (series, check): Promise<CheckedRead<MetricPoint[]>> => {
    if (series.length === 0) return { result: [], seriesUnchanged: true };
    const { page, seriesUnchanged } = await readPage(db, query, new Map(series.map((s) => [s.id, s])), limit, { needCursor: false, ...(check ? { check } : {}) });
    return { result: page.points, seriesUnchanged };
  });
}
