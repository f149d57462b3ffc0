// The second stage of the buffered pipeline: writes sealed batches of any
// item type, up to
// `concurrency` at a time, in the order they were sealed. A batch that fails
// with an error core's retry policy retries (shouldRetry: connection lost,
// timeout, serialization) is retried with core's backoff (backoffDelayMs)
// until it succeeds: never dropped, and
// never doubled, because a batch whose commit outcome is unknown is simply
// sent again and the primary key turns the repeat into duplicates. A
// non-retryable error (the database refusing the data itself) cannot succeed
// by retrying: the batch is dead-lettered (counted, logged and handed to
// `onDeadLetter`) so that it does not block the points behind it.

import type { StorageError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import { backoffDelayMs, shouldRetry, sleep, type RetryPolicy } from '../retry/retry-policy.js';
import type { IngestStageStats } from './ingest-stage-stats.js';
import type { SealedBatch } from './item-batcher.js';

/** The last stage: writes a batch (all or nothing) and counts what was stored. */
export interface BatchSink<T> {
  write(items: readonly T[]): Promise<{ inserted: number; duplicates: number }>;
}

export interface BatchWriterOptions<T> {
  /** Names the pipeline in logs ("metrics", "trades"). */
  label: string;
  unit: string;
  concurrency: number;
  backoff: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  /** The last stage: writes the rows. */
  sink: BatchSink<T>;
  /** Called after every flush attempt (see FlushEvent). */
  onFlush?: ((event: FlushEvent) => void) | undefined;
  /** Called when a batch is done (written, or given up on): capacity goes back to the batcher. */
  release: (batch: SealedBatch<T>) => void;
  onDeadLetter: ((items: T[], error: StorageError) => void) | undefined;
  logger: Logger;
}

/** One flush attempt of the pipeline, as the per-flush hook sees it. */
export interface FlushEvent {
  /** Duration of the attempt, in milliseconds. */
  latencyMs: number;
  /** Items in the batch. */
  rows: number;
  /** written; failed and will be retried; or failed for good (dead-lettered). */
  outcome: 'written' | 'retrying' | 'dead-lettered';
  /** Of a written batch: items newly stored and items already there. */
  inserted: number;
  duplicates: number;
  error?: StorageError;
}

/** How a batch ended: written (inserted + duplicates), or given up on with an error. */
export interface BatchOutcome {
  persisted: number;
  error?: StorageError;
}

export class BatchWriter<T> {
  private readonly queue: Array<{ batch: SealedBatch<T>; done: (outcome: BatchOutcome) => void }> = [];
  private readonly pending = new Set<Promise<BatchOutcome>>();
  private active = 0;

  constructor(
    private readonly options: BatchWriterOptions<T>,
    private readonly stats: IngestStageStats,
  ) {}

  /** Queues a batch; resolves with how it ended. */
  submit(batch: SealedBatch<T>): Promise<BatchOutcome> {
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
      const next = this.queue.shift() as { batch: SealedBatch<T>; done: (outcome: BatchOutcome) => void };
      this.active += 1;
      void this.writeUntilDone(next.batch).then((outcome) => {
        this.active -= 1;
        this.options.release(next.batch);
        next.done(outcome);
        this.pump();
      });
    }
  }

  private async writeUntilDone(batch: SealedBatch<T>): Promise<BatchOutcome> {
    for (let attempt = 0; ; attempt += 1) {
      const started = performance.now();
      try {
        const result = await this.options.sink.write(batch.points);
        const finished = performance.now();
        this.notify({ latencyMs: finished - started, rows: batch.points.length, outcome: 'written', inserted: result.inserted, duplicates: result.duplicates });
        this.stats.flushes += 1;
        this.stats.lastFlushLatencyMs = finished - started;
        if (this.stats.lastFlushLatencyMs > this.stats.maxFlushLatencyMs) this.stats.maxFlushLatencyMs = this.stats.lastFlushLatencyMs;
        this.stats.ingestLagMs = finished - batch.acceptedAt;
        return { persisted: result.inserted + result.duplicates };
      } catch (caught) {
        const error = caught as StorageError;
        this.stats.failedFlushes += 1;
        const retrying = shouldRetry(error);
        const failure = { latencyMs: performance.now() - started, rows: batch.points.length, inserted: 0, duplicates: 0, error };
        this.notify({ ...failure, outcome: retrying ? 'retrying' : 'dead-lettered' });
        if (retrying) {
          const delay = backoffDelayMs(this.options.backoff, attempt);
          this.options.logger.warn(
            { err: error, [this.options.unit]: batch.points.length, attempt: attempt + 1, retryInMs: delay },
            `${this.options.label} flush failed; retrying`,
          );
          await sleep(delay);
          continue;
        }
        this.stats.deadLettered += batch.points.length;
        this.options.logger.error({ err: error, [this.options.unit]: batch.points.length }, `${this.options.label} flush failed permanently; batch dead-lettered`);
        try {
          this.options.onDeadLetter?.(batch.points, error);
        } catch (callbackError) {
          this.options.logger.error({ err: callbackError }, 'onDeadLetter threw');
        }
        return { persisted: 0, error };
      }
    }
  }

  private notify(event: FlushEvent): void {
    if (!this.options.onFlush) return;
    try {
      this.options.onFlush(event);
    } catch (callbackError) {
      this.options.logger.error({ err: callbackError }, 'onFlush threw');
    }
  }
}
