// The last stage of ingest, shared by the direct writes (insertMetric,
// insertMetricsBatch) and the buffered pipeline's BatchWriter: resolves the
// points' series, lays them out as columns, writes the rows (COPY, or one
// INSERT for small batches) and counts what was stored. Nothing climbs back
// into the StorageEngine façade to write a batch. It also sums the time of
// its two steps (laying a batch out, and the database round trip), which
// stats() reports as where ingest time goes.

import type { Engine } from '@ag/storage-core';
import type { NormalizedPoint, WriteResult } from '../metric-point.js';
import { preparePointRows, writePreparedPointRows } from './metric-points-writer.js';
import type { SeriesResolver } from './series-resolver.js';

/** What the sink has stored since it was made. */
export interface PointSinkStats {
  /** Points newly stored. */
  written: number;
  /** Points that were already stored, or repeated within a batch. */
  duplicates: number;
  /** Milliseconds spent laying resolved batches out (columns, repeats dropped, COPY text), summed. */
  sinkPrepareMs: number;
  /** Milliseconds batches spent in the database (COPY or INSERT, to its answer), summed over writers. */
  sinkDatabaseMs: number;
}

export class PointSink {
  private readonly counters: PointSinkStats = { written: 0, duplicates: 0, sinkPrepareMs: 0, sinkDatabaseMs: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly resolver: SeriesResolver,
  ) {}

  /** Writes the points (all or nothing) and reports inserted and duplicate counts. */
  async write(points: readonly NormalizedPoint[]): Promise<WriteResult> {
    const seriesIds = await this.resolver.resolve(points);
    const started = performance.now();
    const timesMs = new Float64Array(points.length);
    const values = new Float64Array(points.length);
    for (let i = 0; i < points.length; i += 1) {
      const point = points[i] as NormalizedPoint;
      timesMs[i] = point.timeMs;
      values[i] = point.value;
    }
    const prepared = preparePointRows({ seriesIds, timesMs, values });
    const sent = performance.now();
    this.counters.sinkPrepareMs += sent - started;
    const result = await writePreparedPointRows(this.engine, prepared);
    this.counters.sinkDatabaseMs += performance.now() - sent;
    this.counters.written += result.inserted;
    this.counters.duplicates += result.duplicates;
    return result;
  }

  stats(): PointSinkStats {
    return { ...this.counters };
  }
}
