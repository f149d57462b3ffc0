// The buffered tick paths (bufferTrades, bufferQuotes): one core
// IngestPipeline per kind (batcher with backpressure at
// ingestion.max_buffer_size, batch writer retrying by core's retry policy,
// and with ingestion.spool_directory set, a spool per kind in its
// trades/ and quotes/ subdirectories), each writing through the same COPY
// writers as storeTrades/storeQuotes, so duplicates are counted, never
// doubled. Book snapshots have no buffer: storeBookSnapshot(s) writes them
// directly (they come one every second or so, not thousands a second).

import {
  emptyIngestStageStats,
  IngestPipeline,
  pipelineSettings,
  type Engine,
  type FlushEvent,
  type IngestStageStats,
  type Logger,
  type SpoolItemCodec,
  type StorageConfig,
} from '@ag/storage-core';
import type { ParsedQuote, ParsedTrade } from './tick-inputs.js';
import { quoteSpoolCodec, tradeSpoolCodec } from './tick-spool-codecs.js';
import { writeQuotes, writeTrades, type TickWriteResult } from './write-ticks.js';

export type TickBufferKind = 'trades' | 'quotes';

/** Counters of one kind's buffer: the pipeline's, plus what its batches stored. */
export interface TickBufferStats extends IngestStageStats {
  /** Ticks newly stored by the buffer's batches. */
  written: number;
  /** Ticks already stored, or repeated: counted, not written again. */
  duplicates: number;
}

/** One flush attempt of a tick buffer. */
export interface TickFlushEvent extends FlushEvent {
  kind: TickBufferKind;
}

export class TickBuffers {
  readonly trades: IngestPipeline<ParsedTrade>;
  readonly quotes: IngestPipeline<ParsedQuote>;
  private readonly counters: Record<TickBufferKind, TickBufferStats> = { trades: emptyTickStats(), quotes: emptyTickStats() };
  private readonly listeners = new Set<(event: TickFlushEvent) => void>();

  constructor(engine: Engine, ingestion: StorageConfig['ingestion'], logger: Logger) {
    this.trades = this.pipeline('trades', engine, ingestion, logger, tradeSpoolCodec, writeTrades);
    this.quotes = this.pipeline('quotes', engine, ingestion, logger, quoteSpoolCodec, writeQuotes);
  }

  onFlush(listener: (event: TickFlushEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): Record<TickBufferKind, TickBufferStats> {
    return { trades: { ...this.counters.trades }, quotes: { ...this.counters.quotes } };
  }

  /** Writes what both buffers hold; resolves with the ticks persisted (inserted or already stored). */
  async flush(): Promise<number> {
    const [trades, quotes] = await Promise.all([this.trades.flush(), this.quotes.flush()]);
    return trades + quotes;
  }

  /** Refuses new ticks, then flushes both buffers (and closes their spools). */
  async close(): Promise<number> {
    const [trades, quotes] = await Promise.allSettled([this.trades.close(), this.quotes.close()]);
    if (trades.status === 'rejected') throw trades.reason;
    if (quotes.status === 'rejected') throw quotes.reason;
    return trades.value + quotes.value;
  }

  private pipeline<T>(
    kind: TickBufferKind,
    engine: Engine,
    ingestion: StorageConfig['ingestion'],
    logger: Logger,
    codec: SpoolItemCodec<T>,
    write: (engine: Engine, items: readonly T[]) => Promise<TickWriteResult>,
  ): IngestPipeline<T> {
    const stats = this.counters[kind];
    return new IngestPipeline<T>(
      {
        label: kind,
        unit: kind,
        ...pipelineSettings(ingestion, engine.traits, codec, kind),
        sink: {
          write: async (items) => {
            const result = await write(engine, items);
            stats.written += result.inserted;
            stats.duplicates += result.duplicates;
            return result;
          },
        },
        onFlush: (event) => {
          for (const listener of this.listeners) listener({ ...event, kind });
        },
        onDeadLetter: undefined,
        logger,
      },
      stats,
    );
  }
}

function emptyTickStats(): TickBufferStats {
  return { ...emptyIngestStageStats(), written: 0, duplicates: 0 };
}
