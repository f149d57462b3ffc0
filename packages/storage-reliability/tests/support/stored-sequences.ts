// Reads back what the sequence producers left in metric_points, per
// producer: how many rows, how many distinct timestamps, and the first and
// last offset from the base time. n rows with n distinct offsets spanning
// exactly 0..n-1 are the acknowledged points, each once.

import type { Storage } from '@ag/storage-core';
import { SEQUENCE_METRIC, type ProducerReport } from './sequence-producers.js';

const STORED_PER_PRODUCER = `
SELECT s.labels->>'producer' AS producer,
       count(*)::int8 AS rows,
       count(DISTINCT p.time)::int8 AS distinct_times,
       (extract(epoch FROM min(p.time)) * 1000)::int8 - $2::int8 AS first_offset,
       (extract(epoch FROM max(p.time)) * 1000)::int8 - $2::int8 AS last_offset
  FROM metric_points p
  JOIN metric_series s ON s.id = p.series_id
 WHERE s.metric_name = $1
 GROUP BY 1`;

export interface StoredSequence {
  producer: string;
  rows: number;
  distinctTimes: number;
  firstOffset: number;
  lastOffset: number;
}

export async function readStoredSequences(storage: Storage, baseTimeMs: number): Promise<Map<string, StoredSequence>> {
  const rows = await storage.query<{ producer: string; rows: number; distinct_times: number; first_offset: number; last_offset: number }>(
    STORED_PER_PRODUCER,
    [SEQUENCE_METRIC, baseTimeMs],
  );
  return new Map(
    rows.map((r) => [
      r.producer,
      {
        producer: r.producer,
        rows: Number(r.rows),
        distinctTimes: Number(r.distinct_times),
        firstOffset: Number(r.first_offset),
        lastOffset: Number(r.last_offset),
      },
    ]),
  );
}

/** What the database holds compared with what producers had acknowledged. */
export interface SequenceAccounting {
  acknowledged: number;
  stored: number;
  duplicates: number;
  /** Producers whose stored rows are not exactly 0..acknowledged-1. */
  mismatched: string[];
}

export function accountSequences(reports: readonly ProducerReport[], stored: Map<string, StoredSequence>): SequenceAccounting {
  let acknowledged = 0;
  let rows = 0;
  let duplicates = 0;
  const mismatched: string[] = [];
  for (const report of reports) {
    acknowledged += report.acknowledged;
    const s = stored.get(report.producer) ?? { producer: report.producer, rows: 0, distinctTimes: 0, firstOffset: 0, lastOffset: -1 };
    rows += s.rows;
    duplicates += s.rows - s.distinctTimes;
    const exact =
      s.rows === report.acknowledged &&
      s.distinctTimes === report.acknowledged &&
      (report.acknowledged === 0 || (s.firstOffset === 0 && s.lastOffset === report.acknowledged - 1));
    if (!exact) mismatched.push(`${report.producer}: acknowledged ${report.acknowledged}, stored ${JSON.stringify(s)}`);
  }
  for (const producer of stored.keys()) {
    if (!reports.some((r) => r.producer === producer)) mismatched.push(`${producer}: stored but never produced`);
  }
  return { acknowledged, stored: rows, duplicates, mismatched };
}
