// Ingest counters: plain numbers updated in place on the hot path and copied
// into a snapshot by stats(), so reading them costs nothing measurable. The
// generic stages' counters (core's IngestStageStats) plus the metric ones.

import type { IngestStageStats } from '@ag/storage-core';

export interface IngestStats extends IngestStageStats {
  /** Points accepted by bufferMetric / bufferMetrics. */
  accepted: number;
  /** Points newly stored (buffered and direct writes). */
  written: number;
  /** Points that were already stored, or repeated within a batch. */
  duplicates: number;
  /** Flush attempts that failed (each retry that fails counts again). */
  failedFlushes: number;
  /** Points given up on after a non-retryable error (see onDeadLetter). */
  deadLettered: number;
  /** Points accepted and not yet written (the buffer depth). */
  bufferDepth: number;
  /** Producers waiting for room under backpressure. */
  waitingProducers: number;
  /** Producers rejected with BackpressureError. */
  backpressureRejections: number;
  /** Batches written by the pipeline. */
  flushes: number;
  /** Duration of the last batch write, and the largest one seen. */
  lastFlushLatencyMs: number;
  maxFlushLatencyMs: number;
  /** For the last batch written: from its first point's acceptance to its commit. */
  ingestLagMs: number;
  /** Points whose labels were validated and canonicalized: one per series new to the PointNormalizer's cache. */
  labelValidations: number;
  seriesCacheSize: number;
  seriesCacheHits: number;
  seriesCacheMisses: number;
  queryCacheHits: number;
  queryCacheMisses: number;
  /** Crash-safe spool (ingestion.spool_directory): points appended, fsyncs (group commits), segment files on disk. */
  spooledPoints: number;
  spoolFsyncs: number;
  spooledSegments: number;
  /** Points and segments replayed from the spool at start, and records skipped there as corrupt. */
  replayedPoints: number;
  replayedSegments: number;
  spoolCorruptRecords: number;
}

export function emptyIngestStats(): IngestStats {
  return {
    accepted: 0,
    written: 0,
    duplicates: 0,
    failedFlushes: 0,
    deadLettered: 0,
    bufferDepth: 0,
    waitingProducers: 0,
    backpressureRejections: 0,
    flushes: 0,
    lastFlushLatencyMs: 0,
    maxFlushLatencyMs: 0,
    ingestLagMs: 0,
    labelValidations: 0,
    seriesCacheSize: 0,
    seriesCacheHits: 0,
    seriesCacheMisses: 0,
    queryCacheHits: 0,
    queryCacheMisses: 0,
    spooledPoints: 0,
    spoolFsyncs: 0,
    spooledSegments: 0,
    replayedPoints: 0,
    replayedSegments: 0,
    spoolCorruptRecords: 0,
  };
}
