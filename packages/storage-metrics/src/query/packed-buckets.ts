// The wire form of queryAggregated's answer: one row per result group, its
// buckets packed into one text of JSON arrays, "[bucket ms,value,...],[...]".
// node-postgres spends about 1.5 µs of client CPU per row it decodes (10 to
// 19 ms for 7,200 hourly rows); one text per group is decoded by JSON.parse
// instead (about 2 ms for the same rows). Values are the server's float8 /
// int8 text, the text the wire would carry otherwise, so answers are
// unchanged; NaN and Infinity, which JSON lacks, are read by a slower path.

import type { Aggregation } from './aggregation-registry.js';
import { matchCheckColumn } from './remembered-series.js';

export interface PackedGroupRow {
  group_id: number;
  buckets: string;
  /** With a match check (remembered-series.ts). */
  series_unchanged?: boolean;
}

/** One bucket: [bucket start in epoch ms, then one value per aggregation (null where the server sent NULL)]. */
export type PackedBucket = [number, ...Array<number | null>];

/**
 * The rows of `inner` (group_id, bucket, one column per aggregation; limited)
 * packed per group, in the order the subquery yields them: unpackBuckets puts
 * each group in bucket order (an ORDER BY inside string_agg would sort every
 * group on the server: 4 ms of 18 for 7,200 rows).
 */
export function packedByGroupSql(inner: string, aggregations: readonly Aggregation[], checkParam: number | undefined): string {
  const fields = aggregations.map((a) => `coalesce(t.${a}::text, 'null')`).join(', ');
  return `
SELECT t.group_id,
       string_agg(concat('[', concat_ws(',', (date_part('epoch', t.bucket) * 1000)::int8, ${fields}), ']'), ',') AS buckets${checkParam ? `,
       ${matchCheckColumn(checkParam)}` : ''}
  FROM (${inner}
  ) t
 GROUP BY 1
 ORDER BY 1`;
}

/** The buckets of one packed group row, in bucket order. */
export function unpackBuckets(packed: string): PackedBucket[] {
  const buckets = parsePacked(`[${packed}]`);
  for (let i = 1; i < buckets.length; i += 1) {
    if ((buckets[i] as PackedBucket)[0] < (buckets[i - 1] as PackedBucket)[0]) return buckets.sort((a, b) => a[0] - b[0]);
  }
  return buckets;
}

function parsePacked(text: string): PackedBucket[] {
  try {
    return JSON.parse(text) as PackedBucket[];
  } catch {
    // float8 text JSON cannot hold: quoted, then read as numbers.
    const rows = JSON.parse(text.replace(/-?Infinity|NaN/g, '"$&"')) as Array<Array<number | string | null>>;
    return rows.map((row) => row.map((v) => (typeof v === 'string' ? Number(v) : v)) as PackedBucket);
  }
}
