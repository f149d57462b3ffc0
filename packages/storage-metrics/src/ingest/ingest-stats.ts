// Ingest counters: plain numbers updated in place on the hot path and copied
// into a snapshot by stats(), so reading them costs nothing measurable. The
// generic stages' counters (core's IngestStageStats: accepted, flushes,
// backpressure, spool, ...) plus the ones only metrics has.

import { emptyIngestStageStats, type IngestStageStats } from '@ag/storage-core';

export interface IngestStats extends IngestStageStats {
  /** Points newly stored (buffered and direct writes). */
  written: number;
  /** Points that were already stored, or repeated within a batch. */
  duplicates: number;
  /** Points whose labels were validated and canonicalized: one per series new to the PointNormalizer's cache. */
  labelValidations: number;
  seriesCacheSize: number;
  seriesCacheHits: number;
  seriesCacheMisses: number;
  queryCacheHits: number;
  queryCacheMisses: number;
  /** Where the sink's time went, in ms summed over batches: laying batches out, and the database round trip. */
  sinkPrepareMs: number;
  sinkDatabaseMs: number;
}

export function emptyIngestStats(): IngestStats {
  return {
    ...emptyIngestStageStats(),
    written: 0,
    duplicates: 0,
    labelValidations: 0,
    seriesCacheSize: 0,
    seriesCacheHits: 0,
    seriesCacheMisses: 0,
    queryCacheHits: 0,
    queryCacheMisses: 0,
    sinkPrepareMs: 0,
    sinkDatabaseMs: 0,
  };
}
