// The series each filter (names + label equality) matched, remembered so that
// a repeated read is one statement: the read takes the remembered ids and
// checks, in its own statement (same snapshot), that the series generation
// (ag_storage.series_generation, advanced by a trigger on every change to
// metric_series) is still the one the lookup saw, so that no series was
// added, changed or removed since. Only when it is not, or when no row came
// back to tell, is the filter looked up again. Measured: the lookup was
// 0.45 ms of a 1.7 ms one-hour read of one series on PostgreSQL; checking the
// filter itself again cost 0.1 ms per read (0.26 ms embedded), the
// generation a single-row read.

import type { Queryable } from '@ag/storage-core';
import { LRUCache } from 'lru-cache';
import { findSeriesWithGeneration, type SeriesInfo } from './series-lookup.js';

/** What a read checks: the series generation its remembered series were looked up at. */
export interface MatchCheck {
  generation: number;
}

/** SQL true when the series generation is still $first, as a SELECT-list column. */
export const matchCheckColumn = (first: number) => `(SELECT generation FROM ag_storage.series_generation) = $${first}::int8 AS series_unchanged`;

export const matchCheckParameters = (check: MatchCheck): unknown[] => [check.generation];

/** A read's answer and what its check said: true/false, or undefined when no row carried it. */
export interface CheckedRead<T> {
  result: T;
  seriesUnchanged: boolean | undefined;
}

/** Filters remembered per reader (each a short list of series). */
const REMEMBERED_FILTERS = 1000;

interface Remembered {
  generation: number;
  series: SeriesInfo[];
}

export class RememberedSeries {
  private readonly matches = new LRUCache<string, Remembered>({ max: REMEMBERED_FILTERS });

  constructor(private readonly db: Queryable) {}

  /** The answer of `read` over the series the filter matches; `check` is given when the series are the remembered ones. */
  async read<T>(names: string[] | null, labels: Record<string, string>, read: (series: SeriesInfo[], check: MatchCheck | undefined) => Promise<CheckedRead<T>>): Promise<T> {
    const key = JSON.stringify([names, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
    const remembered = this.matches.get(key);
    let unconfirmed: CheckedRead<T> | undefined;
    if (remembered && remembered.series.length > 0) {
      const first = await read(remembered.series, { generation: remembered.generation });
      if (first.seriesUnchanged === true) return first.result;
      if (first.seriesUnchanged === undefined) unconfirmed = first;
    }
    const fresh = await findSeriesWithGeneration(this.db, names, labels);
    this.matches.set(key, fresh);
    if (unconfirmed && remembered && sameIds(remembered.series, fresh.series)) return unconfirmed.result;
    return (await read(fresh.series, undefined)).result;
  }

  clear(): void {
    this.matches.clear();
  }
}

const sortedIds = (series: SeriesInfo[]) => series.map((s) => s.id).sort((a, b) => a - b);

function sameIds(a: SeriesInfo[], b: SeriesInfo[]): boolean {
  const left = sortedIds(a);
  const right = sortedIds(b);
  return left.length === right.length && left.every((id, i) => id === right[i]);
}
