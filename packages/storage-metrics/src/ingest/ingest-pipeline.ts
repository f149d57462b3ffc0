// The buffered ingest pipeline, in the shape of Promscale's ingestor:
// bufferMetric -> PointBatcher (batches, capacity, backpressure) ->
// BatchWriter (writes, retries) -> metric_points. This module wires the two
// stages, gives them flush and close, and, when a spool directory is set,
// journals accepted points to the PointSpool and replays what an earlier
// process left there.

import { StorageError, type Logger, type RetryPolicy } from '@ag/storage-core';
import type { NormalizedPoint } from '../metric-point.js';
import { BatchWriter, type BatchWriterOptions } from './batch-writer.js';
import type { IngestStats } from './ingest-stats.js';
import { PointBatcher, type BatcherOptions, type SealedBatch } from './point-batcher.js';
import { PointSpool, type PointSpoolOptions } from './point-spool.js';
import { replaySpoolSegments } from './spool-replay.js';

export interface IngestPipelineOptions extends Omit<BatcherOptions, 'journal'> {
  writerConcurrency: number;
  backoff: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  sink: BatchWriterOptions['sink'];
  onFlush?: BatchWriterOptions['onFlush'];
  onDeadLetter: ((points: NormalizedPoint[], error: StorageError) => void) | undefined;
  logger: Logger;
  /** The crash-safe spool; off when undefined. */
  spool: Omit<PointSpoolOptions, 'logger'> | undefined;
}

export class IngestPipeline {
  private readonly batcher: PointBatcher;
  private readonly writer: BatchWriter;
  private spool: PointSpool | undefined;
  /** Opening the spool and starting its replay; started by the first buffered write or flush. */
  private spoolStart: Promise<PointSpool> | undefined;
  private replay: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: IngestPipelineOptions,
    private readonly stats: IngestStats,
  ) {
    this.writer = new BatchWriter(
      {
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
    const journal = options.spool ? (points: readonly NormalizedPoint[]) => (this.spool as PointSpool).append(points) : undefined;
    this.batcher = new PointBatcher({ ...options, journal }, stats, (batch) => void this.writer.submit(batch));
  }

  /** Resolves once the points are accepted (and, with a spool, on disk). */
  accept(points: NormalizedPoint[]): Promise<void> {
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

  private startSpool(): Promise<PointSpool> {
    this.spoolStart ??= PointSpool.open({ ...(this.options.spool as PointSpoolOptions), logger: this.options.logger }, this.stats).then((spool) => {
      this.spool = spool;
      this.replay = replaySpoolSegments(spool, {
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
      throw new StorageError(`${lost} metrics batch(es) could not be written: ${failed.error.message}`, {
        code: failed.error.code,
        cause: failed.error,
      });
    }
    return outcomes.reduce((sum, o) => sum + o.persisted, 0);
  }

  /** A batch is done: its capacity goes back to the batcher, and the spool may drop its points. */
  private release(batch: SealedBatch): void {
    if (batch.replayed) return;
    this.batcher.release(batch.points.length);
    this.spool?.markWritten(batch.firstSequence, batch.points.length);
  }
}
