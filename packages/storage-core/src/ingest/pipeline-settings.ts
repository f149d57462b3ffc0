// The staged pipeline's settings read from `ingestion.*` and the engine's
// traits, once for every owner of a pipeline (metrics, the tick buffers), so
// the writer count, the retry backoff and the spool follow one rule.

import path from 'node:path';
import type { StorageConfig } from '../config/config-schema.js';
import type { EngineTraits } from '../engines/engine.js';
import type { IngestPipelineOptions } from './ingest-pipeline.js';
import type { SpoolItemCodec } from './spool-record-codec.js';

export type PipelineSettings<T> = Pick<
  IngestPipelineOptions<T>,
  'batchSize' | 'flushIntervalMs' | 'maxBufferSize' | 'backpressureTimeoutMs' | 'writerConcurrency' | 'backoff' | 'spool'
>;

/** Batching, backpressure, writers, backoff, and the spool when `spool_directory` is set (in `spoolSubdirectory` of it, if given). */
export function pipelineSettings<T>(
  ingestion: StorageConfig['ingestion'],
  traits: Pick<EngineTraits, 'singleConnection'>,
  codec: SpoolItemCodec<T>,
  spoolSubdirectory?: string,
): PipelineSettings<T> {
  const directory = ingestion.spool_directory;
  return {
    batchSize: ingestion.batch_size,
    flushIntervalMs: ingestion.flush_interval_ms,
    maxBufferSize: ingestion.max_buffer_size,
    backpressureTimeoutMs: ingestion.backpressure_timeout_ms,
    // An engine with one connection: more writers would only queue.
    writerConcurrency: traits.singleConnection ? 1 : ingestion.writer_concurrency,
    backoff: { initialDelayMs: ingestion.retry_initial_delay_ms, maxDelayMs: ingestion.retry_max_delay_ms },
    spool: directory
      ? {
          codec,
          directory: spoolSubdirectory ? path.join(directory, spoolSubdirectory) : directory,
          fsyncIntervalMs: ingestion.spool_fsync_interval_ms,
          segmentBytes: ingestion.spool_segment_bytes,
        }
      : undefined,
  };
}
