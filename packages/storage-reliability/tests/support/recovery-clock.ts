// Measures how long ingest takes to recover from a fault: from the moment a
// fault is injected to the first buffered flush that completes after it
// (StorageEngine.stats().flushes moving on), sampled every few milliseconds.

import type { StorageEngine } from '@ag/storage-metrics';

export interface RecoveryClock {
  /** Call right before injecting a fault. */
  markFault(): void;
  /** Recovery times of the faults marked so far (ms); a fault not yet recovered from is left out. */
  recoveries(): number[];
  stop(): void;
}

export function startRecoveryClock(metrics: StorageEngine, sampleEveryMs = 5): RecoveryClock {
  const recovered: number[] = [];
  let open: { at: number; flushes: number } | undefined;
  const timer = setInterval(() => {
    if (open && metrics.stats().flushes > open.flushes) {
      recovered.push(performance.now() - open.at);
      open = undefined;
    }
  }, sampleEveryMs);
  return {
    markFault() {
      // A fault injected before the last one recovered extends that outage.
      open ??= { at: performance.now(), flushes: metrics.stats().flushes };
    },
    recoveries: () => recovered.map((ms) => Math.round(ms)),
    stop: () => clearInterval(timer),
  };
}

/** Median and maximum, for the summary line. */
export function describeRecoveries(ms: readonly number[]): { faults: number; recoveryMsMedian: number | null; recoveryMsMax: number | null } {
  if (ms.length === 0) return { faults: 0, recoveryMsMedian: null, recoveryMsMax: null };
  const sorted = [...ms].sort((a, b) => a - b);
  return { faults: ms.length, recoveryMsMedian: sorted[Math.floor((sorted.length - 1) / 2)] as number, recoveryMsMax: sorted[sorted.length - 1] as number };
}
