// The second stage of the buffered pipeline: writes sealed batches, up to
// `concurrency` at a time, in the order they were sealed. A batch that fails
// with an error core's retry policy retries (shouldRetry: connection lost,
// timeout, serialization) is retried with core's backoff (backoffDelayMs)
// until it succeeds: never dropped, and
// never doubled, because a batch whose commit outcome is unknown is simply
// sent again and the primary key turns the repeat into duplicates. A
// non-retryable error (the database refusing the data itself) cannot succeed
// by retrying: the batch is dead-lettered (counted, logged and handed to
// `onDeadLetter`) so that it does not block the points behind it.

import { backoffDelayMs, shouldRetry, sleep, type Logger, type RetryPolicy, type StorageError } from '@ag/storage-core';
import type { NormalizedPoint, WriteResult } from '../metric-point.js';
import type { IngestStats } from './ingest-stats.js';
import type { SealedBatch } from './point-batcher.js';

export interface BatchWriterOptions {
  concurrency: number;
  backoff: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  write: (points: NormalizedPoint[]) => Promise<WriteResult>;
  /** Called when a batch is done (written, or given up on): capacity goes back to the batcher. */
  release: (batch: SealedBatch) => void;
  onDeadLetter: ((points: NormalizedPoint[], error: StorageError) => void) | undefined;
  logger: Logger;
}

/** How a batch ended: written (inserted + duplicates), or given up on with an error. */
export interface BatchOutcome {
  persisted: number;
  error?: StorageError;
}

export class BatchWriter {
  private readonly queue: Array<{ batch: SealedBatch; done: (outcome: BatchOutcome) => void }> = [];
  private readonly pending = new Set<Promise<BatchOutcome>>();
  private active = 0;

  constructor(
    private readonly options: BatchWriterOptions,
    private readonly stats: IngestStats,
  ) {}

  /** Queues a batch; resolves with how it ended. */
  submit(batch: SealedBatch): Promise<BatchOutcome> {
    let done!: (outcome: BatchOutcome) => void;
    const outcome = new Promise<BatchOutcome>((resolve) => (done = resolve));
    this.pending.add(outcome);
    void outcome.then(() => this.pending.delete(outcome));
    this.queue.push({ batch, done });
    this.pump();
    return outcome;
  }

  /** Outcomes of every batch submitted so far and not yet finished. */
  inFlight(): Promise<BatchOutcome>[] {
    return [...this.pending];
  }

  private pump(): void {
    while (this.active < this.options.concurrency && this.queue.length > 0) {
      const next = this.queue.shift() as { batch: SealedBatch; done: (outcome: BatchOutcome) => void };
      this.active += 1;
      void this.writeUntilDone(next.batch).then((outcome) => {
        this.active -= 1;
        this.options.release(next.batch);
        next.done(outcome);
        this.pump();
      });
    }
  }

  private async writeUntilDone(batch: SealedBatch): Promise<BatchOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      const started = performance.now();
      try {
        const result = await this.options.write(batch.points);
        const finished = performance.now();
        this.stats.flushes += 1;
        this.stats.lastFlushLatencyMs = finished - started;
        if (this.stats.lastFlushLatencyMs > this.stats.maxFlushLatencyMs) this.stats.maxFlushLatencyMs = this.stats.lastFlushLatencyMs;
        this.stats.ingestLagMs = finished - batch.acceptedAt;
        return { persisted: result.inserted + result.duplicates };
      } catch (caught) {
        const error = caught as StorageError;
        this.stats.failedFlushes += 1;
        if (shouldRetry(error)) {
          const delay = backoffDelayMs(this.options.backoff, attempt);
          this.options.logger.warn(
            { err: error, points: batch.points.length, attempt: attempt + 1, retryInMs: delay },
            'metrics flush failed; retrying',
          );
          await sleep(delay);
          continue;
        }
        this.stats.deadLettered += batch.points.length;
        this.options.logger.error({ err: error, points: batch.points.length }, 'metrics flush failed permanently; batch dead-lettered');
        try {
          this.options.onDeadLetter?.(batch.points, error);
        } catch (callbackError) {
          this.options.logger.error({ err: callbackError }, 'onDeadLetter threw');
        }
        return { persisted: 0, error };
      }
    }
  }
}
