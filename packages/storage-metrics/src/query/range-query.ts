// Raw points of a time range: queryMetrics (one bounded read) and
// streamMetrics (keyset pagination on (time, series_id), for ranges of any
// size). The matching series are looked up first, so the planner sees the
// actual series ids and reads each through the (series_id, time) primary key
// (a subquery there led it to scan the whole time range of every series).
// The cursor is the point's time in exact microseconds, so pages neither skip
// nor repeat points even when times carry sub-millisecond parts.
//
// RangeReader makes a repeated queryMetrics one statement: it remembers the
// series each filter matched, reads the points of those ids, and checks in
// the same statement (same snapshot) that the filter still matches exactly
// those ids. Only when it does not (a new series, or no row to tell) does it
// look the series up again and read once more. The lookup was a second round
// trip on every call: 0.45 ms of a 1.7 ms one-hour read of one series.

import type { Queryable } from '@ag/storage-core';
import { LRUCache } from 'lru-cache';
import type { MetricPoint } from '../metric-point.js';
import type { NormalizedMetricQuery } from './query-options.js';
import { findSeries, seriesFilterSql, type SeriesInfo } from './series-lookup.js';

interface PointRow {
  time: Date;
  series_id: number;
  value: number;
  time_us?: string;
  series_unchanged?: boolean;
}

const ORDER_ASC = 'ORDER BY time ASC, series_id ASC LIMIT $4';
const ORDER_DESC = 'ORDER BY time DESC, series_id DESC LIMIT $4';

/** Filters remembered per RangeReader (each a short list of series). */
const REMEMBERED_FILTERS = 1000;

export interface PointPage {
  points: MetricPoint[];
  /** Where the next page starts, when this page was full. */
  cursor: { timeUs: string; seriesId: number } | undefined;
}

/** The series ids a read assumes its filter matches, checked in the read's own statement. */
interface MatchCheck {
  names: string[];
  labels: Record<string, string>;
  /** Ascending. */
  ids: number[];
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
  if (options.check) {
    columns.push(`(SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM metric_series
          WHERE ${seriesFilterSql(next, next + 1)}) = $${next + 2}::int[] AS series_unchanged`);
  }
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
  if (check) params.push(check.names, JSON.stringify(check.labels), check.ids);
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

/** queryMetrics' reads: one statement while the series matching a filter stay the same. */
export class RangeReader {
  private readonly matches = new LRUCache<string, SeriesInfo[]>({ max: REMEMBERED_FILTERS });

  constructor(private readonly db: Queryable) {}

  /** At most `limit` points of the query's range. */
  async read(query: NormalizedMetricQuery, limit: number): Promise<MetricPoint[]> {
    const key = JSON.stringify([query.names, Object.entries(query.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
    const remembered = this.matches.get(key);
    let emptyWith: number[] | undefined;
    if (remembered && remembered.length > 0) {
      const ids = remembered.map((s) => s.id).sort((a, b) => a - b);
      const check: MatchCheck = { names: query.names, labels: query.labels, ids };
      const { page, seriesUnchanged } = await readPage(this.db, query, byId(remembered), limit, { needCursor: false, check });
      if (seriesUnchanged === true) return page.points;
      if (page.points.length === 0) emptyWith = ids;
    }
    const series = await findSeries(this.db, query.names, query.labels);
    this.matches.set(key, series);
    if (series.length === 0) return [];
    // No row came back for the remembered ids, and the filter still matches exactly them: the range is empty.
    if (emptyWith && sameIds(emptyWith, series)) return [];
    const { page } = await readPage(this.db, query, byId(series), limit, { needCursor: false });
    return page.points;
  }

  clear(): void {
    this.matches.clear();
  }
}

const byId = (series: SeriesInfo[]) => new Map(series.map((s) => [s.id, s]));

function sameIds(sortedIds: number[], series: SeriesInfo[]): boolean {
  const ids = series.map((s) => s.id).sort((a, b) => a - b);
  return ids.length === sortedIds.length && ids.every((id, i) => id === sortedIds[i]);
}
