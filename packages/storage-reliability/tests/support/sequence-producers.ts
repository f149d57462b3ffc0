// Producers that feed StorageEngine.bufferMetric a known sequence each: point
// i of producer p is `reliability.seq{producer="p"}` at baseTimeMs + i ms.
// Each awaits every acknowledgement before sending the next point, so what a
// producer had acknowledged is exactly the points 0..acknowledged-1, which
// is what the database must hold afterwards. A BackpressureError is the
// pipeline saying "not accepted, try again": the producer waits a moment and
// sends the same point again. Anything else thrown is recorded as a failure.

import { setTimeout as sleep } from 'node:timers/promises';
import { BackpressureError } from '@ag/storage-core';
import type { StorageEngine } from '@ag/storage-metrics';

export const SEQUENCE_METRIC = 'reliability.seq';

export interface SequenceProducerOptions {
  producers: number;
  /** Timestamp of point 0; point i is at baseTimeMs + i. */
  baseTimeMs: number;
  /** Producers pause `pauseMs` after every `burst` acknowledged points (pacing). */
  burst: number;
  pauseMs: number;
  /** Label value prefix, so that several runs in one database stay apart. */
  prefix?: string;
}

export interface ProducerReport {
  producer: string;
  /** Points acknowledged: exactly points 0..acknowledged-1. */
  acknowledged: number;
  backpressureErrors: number;
  /** The longest a single bufferMetric call waited before it resolved (backpressure). */
  maxAckWaitMs: number;
  /** Anything other than BackpressureError that bufferMetric threw. */
  failures: string[];
}

export interface RunningProducers {
  /** Total acknowledged so far (for progress and throughput). */
  acknowledged(): number;
  /** Asks every producer to stop after its current point and waits for them. */
  stop(): Promise<ProducerReport[]>;
}

export function producerName(prefix: string | undefined, index: number): string {
  return `${prefix ?? 'p'}${index}`;
}

export function startSequenceProducers(metrics: StorageEngine, options: SequenceProducerOptions): RunningProducers {
  let stopping = false;
  const reports: ProducerReport[] = [];
  const runs = Array.from({ length: options.producers }, async (_, index) => {
    const report: ProducerReport = {
      producer: producerName(options.prefix, index),
      acknowledged: 0,
      backpressureErrors: 0,
      maxAckWaitMs: 0,
      failures: [],
    };
    reports.push(report);
    const labels = { producer: report.producer };
    while (!stopping) {
      const i = report.acknowledged;
      const started = performance.now();
      try {
        await metrics.bufferMetric({ name: SEQUENCE_METRIC, value: i, timestamp: options.baseTimeMs + i, labels });
      } catch (error) {
        if (error instanceof BackpressureError) {
          report.backpressureErrors += 1;
          await sleep(10);
          continue;
        }
        report.failures.push(String((error as Error)?.message ?? error));
        return;
      }
      report.maxAckWaitMs = Math.max(report.maxAckWaitMs, performance.now() - started);
      report.acknowledged = i + 1;
      if (report.acknowledged % options.burst === 0) await sleep(options.pauseMs);
    }
  });
  return {
    acknowledged: () => reports.reduce((sum, r) => sum + r.acknowledged, 0),
    async stop() {
      stopping = true;
      await Promise.all(runs);
      return reports.map((r) => ({ ...r, maxAckWaitMs: Math.round(r.maxAckWaitMs) }));
    },
  };
}
