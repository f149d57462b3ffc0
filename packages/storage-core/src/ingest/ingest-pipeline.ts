// The buffered ingest pipeline, in the shape of Promscale's ingestor, for
// items of any type: accept -> ItemBatcher (batches, capacity, backpressure)
// -> BatchWriter (writes, retries) -> the owner's sink (metric_points,
// trades, quotes). This module wires the two stages, gives them flush and
// close, and, when a spool is configured, journals accepted items to the
// IngestSpool and replays what an earlier process left there.

import { StorageError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import type { RetryPolicy } from '../retry/retry-policy.js';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import { IngestSpool, type IngestSpoolOptions } from './ingest-spool.js';
import type { IngestStageStats } from './ingest-stage-stats.js';
import { ItemBatcher, type BatcherOptions, type SealedBatch } from './item-batcher.js';
import { replaySpoolSegments } from './spool-replay.js';

export interface IngestPipelineOptions<T> extends Omit<BatcherOptions<T>, 'journal'> {
  writerConcurrency: number;
  backoff: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  sink: BatchWriterOptions<T>['sink'];
  onFlush?: BatchWriterOptions<T>['onFlush'];
  onDeadLetter: ((items: T[], error: StorageError) => void) | undefined;
  logger: Logger;
  /** The crash-safe spool; off when undefined. */
  spool: Omit<IngestSpoolOptions<T>, 'logger' | 'label'> | undefined;
}

export class IngestPipeline<T> {
  private readonly batcher: ItemBatcher<T>;
  private readonly writer: BatchWriter<T>;
  private spool: IngestSpool<T> | undefined;
  /** Opening the spool and starting its replay; started by the first buffered write or flush. */
  private spoolStart: Promise<IngestSpool<T>> | undefined;
  private replay: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: IngestPipelineOptions<T>,
    private readonly stats: IngestStageStats,
  ) {
    this.writer = new BatchWriter(
      {
        label: options.label,
        unit: options.unit,
        concurrency: options.writerConcurrency,
        backoff: options.backoff,
        sink: options.sink,
        onFlush: options.onFlush,
        release: (batch) => this.release(batch),
        onDeadLetter: options.onDeadLetter,
        logger: options.logger,
      },
      stats,
    );
    const journal = options.spool ? (items: readonly T[]) => (this.spool as IngestSpool<T>).append(items) : undefined;
    this.batcher = new ItemBatcher<T>({ ...options, journal }, stats, (batch) => void this.writer.submit(batch));
  }

  /** Resolves once the points are accepted (and, with a spool, on disk). */
  accept(points: T[]): Promise<void> {
    if (this.options.spool && !this.spool) return this.startSpool().then(() => this.batcher.accept(points));
    return this.batcher.accept(points);
  }

  /**
   * Writes every point accepted so far (and, with a spool, everything left to
   * replay); resolves with how many were persisted (inserted or found already
   * stored). Rejects, after everything settled, when a batch was dead-lettered.
   */
  async flush(): Promise<number> {
    if (this.options.spool) await this.startSpool();
    await this.replay;
    return this.flushAccepted();
  }

  /**
   * Stops accepting points, then flushes until the buffer is empty, including
   * the points of producers that were waiting for room, and closes the spool.
   * Rejects at the end when a batch was dead-lettered on the way.
   */
  async close(): Promise<number> {
    // Points that arrived while the spool was opening are taken first; a
    // spool that never opened holds nothing of this process.
    const spool = await this.spoolStart?.catch(() => undefined);
    this.batcher.close();
    let persisted = 0;
    let firstError: unknown;
    await this.replay;
    do {
      try {
        persisted += await this.flushAccepted();
      } catch (error) {
        firstError ??= error;
      }
    } while (this.stats.bufferDepth > 0 || this.batcher.waiting > 0);
    await spool?.close();
    if (firstError) throw firstError;
    return persisted;
  }

  private startSpool(): Promise<IngestSpool<T>> {
    const spoolOptions = { ...(this.options.spool as IngestSpoolOptions<T>), label: this.options.label, logger: this.options.logger };
    this.spoolStart ??= IngestSpool.open(spoolOptions, this.stats).then((spool) => {
      this.spool = spool;
      this.replay = replaySpoolSegments(spool, {
        label: this.options.label,
        batchSize: this.options.batchSize,
        submit: (batch) => this.writer.submit(batch),
        logger: this.options.logger,
        stats: this.stats,
      });
      return spool;
    });
    return this.spoolStart;
  }

  private async flushAccepted(): Promise<number> {
    this.batcher.sealCurrent();
    const outcomes = await Promise.all(this.writer.inFlight());
    const failed = outcomes.find((o) => o.error);
    if (failed?.error) {
      const lost = outcomes.filter((o) => o.error).length;
      throw new StorageError(`${lost} ${this.options.label} batch(es) could not be written: ${failed.error.message}`, {
        code: failed.error.code,
        cause: failed.error,
      });
    }
    return outcomes.reduce((sum, o) => sum + o.persisted, 0);
  }

  /** A batch is done: its capacity goes back to the batcher, and the spool may drop its points. */
  private release(batch: SealedBatch<T>): void {
    if (batch.replayed) return;
    this.batcher.release(batch.points.length);
    this.spool?.markWritten(batch.firstSequence, batch.points.length);
  }
}
