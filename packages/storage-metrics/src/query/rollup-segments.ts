// Splits an aggregate query's range into segments by source, so that a range
// not aligned to rollup buckets still reads its whole buckets from a rollup:
// the coarsest level covers the whole buckets it can, the next level the
// partial edges of those, and raw points only what is left at the very
// edges. For [10:17 Mon, 16:40 Fri) with daily and hourly levels:
//   raw [10:17, 11:00) | hourly [11:00, 00:00 Tue) | daily [Tue, Fri) | hourly [00:00 Fri, 16:00) | raw [16:00, 16:40)
// Pure arithmetic; whether each rollup segment is complete is RollupRouter's job.

import { BUCKET_ORIGIN_MS } from './aggregate-sql.js';
import type { RollupLevel } from './aggregation-registry.js';

export interface RollupLevelWidth {
  view: RollupLevel;
  widthMs: number;
}

export interface Segment {
  source: 'raw' | RollupLevel;
  startMs: number;
  endMs: number;
}

/** The rollup levels, coarsest first. */
export const ROLLUP_LEVELS: readonly RollupLevelWidth[] = [
  { view: 'metrics_daily', widthMs: 86_400_000 },
  { view: 'metrics_hourly', widthMs: 3_600_000 },
];

const floorTo = (ms: number, width: number) => BUCKET_ORIGIN_MS + Math.floor((ms - BUCKET_ORIGIN_MS) / width) * width;
const ceilTo = (ms: number, width: number) => BUCKET_ORIGIN_MS + Math.ceil((ms - BUCKET_ORIGIN_MS) / width) * width;

/** Segments covering [startMs, endMs) in time order, using `levels` (coarsest first); empty segments left out. */
export function planSegments(startMs: number, endMs: number, levels: readonly RollupLevelWidth[]): Segment[] {
  if (startMs >= endMs) return [];
  const [level, ...finer] = levels;
  if (!level) return [{ source: 'raw', startMs, endMs }];
  const inner = { start: ceilTo(startMs, level.widthMs), end: floorTo(endMs, level.widthMs) };
  if (inner.start >= inner.end) return planSegments(startMs, endMs, finer);
  return [
    ...planSegments(startMs, inner.start, finer),
    { source: level.view, startMs: inner.start, endMs: inner.end },
    ...planSegments(inner.end, endMs, finer),
  ];
}
