// The buffered ingest pipeline, in the shape of Promscale's ingestor:
// bufferMetric -> PointBatcher (batches, capacity, backpressure) ->
// BatchWriter (writes, retries) -> metric_points. This module wires the two
// stages and gives them flush and close.

import { StorageError, type Logger } from '@ag/storage-core';
import type { NormalizedPoint, WriteResult } from '../metric-point.js';
import { BatchWriter } from './batch-writer.js';
import type { IngestStats } from './ingest-stats.js';
import { PointBatcher, type BatcherOptions } from './point-batcher.js';
import type { BackoffPolicy } from './retry-backoff.js';

export interface IngestPipelineOptions extends BatcherOptions {
  writerConcurrency: number;
  backoff: BackoffPolicy;
  write: (points: NormalizedPoint[]) => Promise<WriteResult>;
  onDeadLetter: ((points: NormalizedPoint[], error: StorageError) => void) | undefined;
  logger: Logger;
}

export class IngestPipeline {
  private readonly batcher: PointBatcher;
  private readonly writer: BatchWriter;

  constructor(
    options: IngestPipelineOptions,
    private readonly stats: IngestStats,
  ) {
    this.writer = new BatchWriter(
      {
        concurrency: options.writerConcurrency,
        backoff: options.backoff,
        write: options.write,
        release: (count) => this.batcher.release(count),
        onDeadLetter: options.onDeadLetter,
        logger: options.logger,
      },
      stats,
    );
    this.batcher = new PointBatcher(options, stats, (batch) => this.writer.submit(batch));
  }

  accept(points: NormalizedPoint[]): Promise<void> {
    return this.batcher.accept(points);
  }

  /**
   * Writes every point accepted so far; resolves with how many were persisted
   * (inserted or found already stored). Rejects, after everything settled,
   * when a batch was dead-lettered.
   */
  async flush(): Promise<number> {
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

  /**
   * Stops accepting points, then flushes until the buffer is empty, including
   * the points of producers that were waiting for room. Rejects at the end
   * when a batch was dead-lettered on the way.
   */
  async close(): Promise<number> {
    this.batcher.close();
    let persisted = 0;
    let firstError: unknown;
    do {
      try {
        persisted += await this.flush();
      } catch (error) {
        firstError ??= error;
      }
    } while (this.stats.bufferDepth > 0 || this.batcher.waiting > 0);
    if (firstError) throw firstError;
    return persisted;
  }
}
