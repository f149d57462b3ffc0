// One run of buffered ingest under faults, shared by the fault suites:
// sequence producers write through StorageEngine.bufferMetric while `faults`
// breaks the database; then the engine is closed (which flushes) and the
// stored points are compared with the acknowledged ones.

import { setTimeout as sleep } from 'node:timers/promises';
import type { DeepPartial, Storage, StorageConfig } from '@ag/storage-core';
import { StorageEngine, type IngestStats } from '@ag/storage-metrics';
import { watchProcessFaults } from './process-fault-watch.js';
import { describeRecoveries, startRecoveryClock } from './recovery-clock.js';
import { startSequenceProducers, type ProducerReport } from './sequence-producers.js';
import { accountSequences, readStoredSequences, type SequenceAccounting } from './stored-sequences.js';

/** Storage settings for fault runs: a small pool that gives up connecting quickly, and quiet logs (every retry would warn). */
export const FAULT_STORAGE_CONFIG: DeepPartial<StorageConfig> = {
  database: { max_connections: 4, connection_timeout_sec: 2 },
  logging: { level: 'silent' },
};

/** The default batch size (COPY path), a small buffer and short retry delays, so that outages fill it and recovery is measured finely. */
export const FAULT_INGESTION: Partial<StorageConfig['ingestion']> = {
  batch_size: 1000,
  flush_interval_ms: 50,
  max_buffer_size: 5000,
  backpressure_timeout_ms: 1000,
  retry_initial_delay_ms: 25,
  retry_max_delay_ms: 500,
  writer_concurrency: 2,
};

export interface IngestUnderFaultsOptions {
  storage: Storage;
  producers?: number;
  /** Breaks the database while the producers run; call markFault right before each fault. */
  faults: (markFault: () => void) => Promise<void>;
}

export interface IngestUnderFaultsResult {
  reports: ProducerReport[];
  accounting: SequenceAccounting;
  stats: IngestStats;
  recoveries: number[];
  /** Unhandled rejections, uncaught exceptions, and an error from close(). */
  problems: string[];
  durationMs: number;
  /** How long close() took to flush what was left. */
  closeMs: number;
}

export async function runIngestUnderFaults(options: IngestUnderFaultsOptions): Promise<IngestUnderFaultsResult> {
  const baseTimeMs = Date.UTC(2026, 10, 1);
  const metrics = new StorageEngine(options.storage, { ingestion: FAULT_INGESTION });
  const watch = watchProcessFaults();
  const clock = startRecoveryClock(metrics);
  const started = performance.now();
  const producers = startSequenceProducers(metrics, { producers: options.producers ?? 4, baseTimeMs, burst: 20, pauseMs: 4 });
  let reports: ProducerReport[];
  let closeMs: number;
  try {
    await sleep(500);
    await options.faults(() => clock.markFault());
    await sleep(500);
  } finally {
    reports = await producers.stop();
    const closing = performance.now();
    await metrics.close().catch((error: Error) => watch.problems.push(`close: ${error.message}`));
    closeMs = Math.round(performance.now() - closing);
    clock.stop();
    watch.stop();
  }
  const stored = await readStoredSequences(options.storage, baseTimeMs);
  return {
    reports,
    accounting: accountSequences(reports, stored),
    stats: metrics.stats(),
    recoveries: clock.recoveries(),
    problems: watch.problems,
    durationMs: Math.round(performance.now() - started),
    closeMs,
  };
}

/** The figures every ingest fault test prints. */
export function ingestFigures(result: IngestUnderFaultsResult): Record<string, unknown> {
  return {
    acknowledged: result.accounting.acknowledged,
    stored: result.accounting.stored,
    duplicates: result.accounting.duplicates,
    mismatched: result.accounting.mismatched.length,
    ...describeRecoveries(result.recoveries),
    failedFlushes: result.stats.failedFlushes,
    deadLettered: result.stats.deadLettered,
    backpressureErrors: result.reports.reduce((sum, r) => sum + r.backpressureErrors, 0),
    maxAckWaitMs: Math.max(0, ...result.reports.map((r) => r.maxAckWaitMs)),
    producerFailures: result.reports.reduce((sum, r) => sum + r.failures.length, 0),
    problems: result.problems.length,
    pointsPerSec: Math.round(result.accounting.acknowledged / (result.durationMs / 1000)),
    durationMs: result.durationMs,
    closeMs: result.closeMs,
  };
}
