// The counters the generic ingest stages (batcher, writer, spool, replay)
// update in place on the hot path. An owner's own stats (metrics' IngestStats)
// extend these with counters of its own stages.

export interface IngestStageStats {
  /** Items accepted by the buffer. */
  accepted: number;
  /** Flush attempts that failed (each retry that fails counts again). */
  failedFlushes: number;
  /** Items given up on after a non-retryable error (see onDeadLetter). */
  deadLettered: number;
  /** Items accepted and not yet written (the buffer depth). */
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
  /** For the last batch written: from its first item's acceptance to its commit. */
  ingestLagMs: number;
  /** Crash-safe spool: items appended, fsyncs (group commits), segment files on disk. */
  spooledPoints: number;
  spoolFsyncs: number;
  spooledSegments: number;
  /** Items and segments replayed from the spool at start, and records skipped there as corrupt. */
  replayedPoints: number;
  replayedSegments: number;
  spoolCorruptRecords: number;
}

export function emptyIngestStageStats(): IngestStageStats {
  return {
    accepted: 0,
    failedFlushes: 0,
    deadLettered: 0,
    bufferDepth: 0,
    waitingProducers: 0,
    backpressureRejections: 0,
    flushes: 0,
    lastFlushLatencyMs: 0,
    maxFlushLatencyMs: 0,
    ingestLagMs: 0,
    spooledPoints: 0,
    spoolFsyncs: 0,
    spooledSegments: 0,
    replayedPoints: 0,
    replayedSegments: 0,
    spoolCorruptRecords: 0,
  };
}
