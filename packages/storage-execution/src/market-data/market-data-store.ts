// MarketDataStore: OHLCV candles. Batched idempotent upserts of validated
// bars, range and latest reads, gap detection, resampling to larger
// timeframes (time_bucket where TimescaleDB is installed, date_bin
// elsewhere), candles built from the fills (the fill_candles_1m rollup) and
// CSV import/export; and ticks (trades, quotes, book snapshots: see ticks/).

import { checkedResultLimit, ClosedError, readerFor, refreshRollup, validateConfig, ValidationError, type Logger, type Prisma, type Storage, type StorageConfig } from '@ag/storage-core';
import { toPrismaDecimal } from '../decimal/exact-decimal.js';
import { parseBatch, parseInput } from '../validation/parse-input.js';
import { candleInputSchema, type CandleInput } from './candle-input.js';
import {
  candleRangeQuerySchema,
  csvExportQuerySchema,
  csvImportDefaultsSchema,
  fillCandlesQuerySchema,
  gapQuerySchema,
  latestCandlesQuerySchema,
  resampleQuerySchema,
} from './candle-query-schemas.js';
import { candleFromRow, type Candle, type CandleRow } from './candle-row.js';
import { exportCandlesCsv, importCandlesCsv, type CsvImportDefaults, type CsvImportResult } from './candles-csv.js';
import {
  alignDown,
  alignUp,
  BAR_ORIGIN_SQL,
  barsPer,
  isCoarserMultiple,
  timeframeInterval,
  timeframeMillis,
  type Timeframe,
} from './timeframes.js';
import { writeCandles, type UpsertCandlesResult } from './write-candles.js';
import { DEFAULT_WRITE_RETRY, withWriteRetry } from '../transaction-with-retry.js';
import type { Readable } from 'node:stream';
import { parseBookSnapshot, parseQuote, parseTickBatch, parseTrade, type BookSnapshotInput, type QuoteInput, type TradeInput } from './ticks/tick-inputs.js';
import { readTradeCandles } from './ticks/trade-candles.js';
import { replayEvents, type ReplayEvent, type ReplayKind } from './ticks/replay.js';
import { replayQuerySchema, staleQuoteQuerySchema, tickGapQuerySchema, tickRangeQuerySchema } from './ticks/tick-query-schemas.js';
import { findStaleQuotes, findTickGaps, type StaleQuote, type TickGap } from './ticks/tick-quality.js';
import { readBookSnapshots, readQuotes, readTrades } from './ticks/read-ticks.js';
import type { BookSnapshot, Quote, Trade } from './ticks/tick-rows.js';
import { writeBookSnapshots, writeQuotes, writeTrades, type TickWriteResult } from './ticks/write-ticks.js';
import { checkWhole, compareCandlesQuerySchema, diffCandles, type CandleDisagreement } from './compare-candles.js';
import { TickBuffers, type TickBufferKind, type TickBufferStats, type TickFlushEvent } from './ticks/tick-buffers.js';

/** A range read of one market's ticks. */
export interface TickRangeQuery {
  venue: string;
  symbol: string;
  /** Ticks in [start, end). */
  start: Date | string | number;
  end: Date | string | number;
  /** Default and maximum: config query.max_results. */
  limit?: number;
  /** Oldest first (default) or newest first. */
  order?: 'asc' | 'desc';
}

export interface CandleSeries {
  venue: string;
  symbol: string;
  timeframe: Timeframe;
}

export interface CandleRangeQuery extends CandleSeries {
  /** Bars opening in [start, end), oldest first. */
  start: Date | string | number;
  end: Date | string | number;
  /** Default and maximum: config query.max_results. */
  limit?: number;
  /** 'venue' (default): the stored candles; 'trades': candles built from the stored trades (1m, 1h and 1d). */
  source?: 'venue' | 'trades';
}

/** A run of missing bars: bar open times in [start, end). */
export interface CandleGap {
  start: Date;
  end: Date;
  missingBars: number;
}

/** A bar built from smaller bars (or from fills), with how many it was made of. */
export interface AggregatedCandle extends Candle {
  /** Source bars (resampling) or one-minute fill buckets (fill candles) in the bar. */
  sourceBars: number;
  /** Resampling: every source bar of the period was present. */
  complete: boolean;
}

export interface FillCandle extends Candle {
  tradeCount: number;
  notional: Prisma.Decimal;
}

const SELECT_CANDLES = `
SELECT * FROM candles
 WHERE venue = $1 AND symbol = $2 AND timeframe = $3 AND time >= $4 AND time < $5
 ORDER BY time
 LIMIT $6`;

const SELECT_LATEST_CANDLES = `
SELECT * FROM (
  SELECT * FROM candles
   WHERE venue = $1 AND symbol = $2 AND timeframe = $3
   ORDER BY time DESC
   LIMIT $4
) newest
ORDER BY time`;

// Gaps between consecutive bars, with a sentinel one bar before the first
// expected bar and one at the (aligned) end of the range.
const FIND_GAPS = `
WITH bars AS (
  SELECT time FROM candles
   WHERE venue = $1 AND symbol = $2 AND timeframe = $3 AND time >= $4::timestamptz AND time < $5::timestamptz
  UNION ALL SELECT $4::timestamptz - $6::interval
  UNION ALL SELECT $5::timestamptz
), consecutive AS (
  SELECT time, lead(time) OVER (ORDER BY time) AS next FROM bars
)
SELECT time + $6::interval AS gap_start, next AS gap_end
  FROM consecutive
 WHERE next > time + $6::interval
 ORDER BY time`;

function resampleSql(bucket: string, first: string, last: string): string {
  return `
SELECT ${bucket} AS bucket, ${first} AS open, max(high) AS high, min(low) AS low, ${last} AS close,
       sum(volume) AS volume, count(*) AS source_bars
  FROM candles
 WHERE venue = $1 AND symbol = $2 AND timeframe = $3 AND time >= $4 AND time < $5
 GROUP BY 1
 ORDER BY 1`;
}

function fillCandlesSql(bucket: string, first: string, last: string): string {
  return `
SELECT ${bucket} AS bucket, ${first} AS open, max(high) AS high, min(low) AS low, ${last} AS close,
       sum(volume) AS volume, sum(notional) AS notional, sum(trade_count) AS trade_count, count(*) AS source_bars
  FROM fill_candles_1m
 WHERE venue = $1 AND market = $2 AND bucket >= $3 AND bucket < $4
 GROUP BY 1
 ORDER BY 1`;
}

interface AggregateRow {
  bucket: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  source_bars: number | bigint;
  notional?: string;
  trade_count?: string | number | bigint;
}

export interface MarketDataStoreOptions {
  /** Overrides of storage.config.ingestion for the tick buffers (validated the same way). */
  ingestion?: Partial<StorageConfig['ingestion']>;
  logger?: Logger;
}

export class MarketDataStore {
  private buffersOf: TickBuffers | undefined;
  private closed = false;

  constructor(
    private readonly storage: Storage,
    private readonly options: MarketDataStoreOptions = {},
  ) {
    // Checked now, so that a bad override fails here rather than at the first buffered tick.
    if (options.ingestion) validateConfig({ ...storage.config, ingestion: { ...storage.config.ingestion, ...options.ingestion } });
  }

  /** Validates every bar, then upserts the batch in one statement (all or nothing); a lost connection is retried (idempotent). */
  async upsertCandles(candles: readonly CandleInput[]): Promise<UpsertCandlesResult> {
    const parsed = parseBatch(candleInputSchema, candles, 'candles');
    return withWriteRetry(DEFAULT_WRITE_RETRY, () => writeCandles(this.storage.engine, parsed));
  }

  /** Bars of one series opening in [start, end), oldest first. */
  async getCandles(query: CandleRangeQuery): Promise<Candle[]> {
    const q = parseInput(candleRangeQuerySchema, query, 'query');
    const limit = this.checkLimit(q.limit);
    if (q.source === 'trades') return readTradeCandles(readerFor(this.storage, { needsFreshRollups: true }), q, limit);
    const rows = await this.storage.readQuery<CandleRow>(SELECT_CANDLES, [q.venue, q.symbol, q.timeframe, q.start, q.end, limit]);
    return rows.map(candleFromRow);
  }

  /**
   * The bars in [start, end) where the stored venue candles and the candles
   * built from trades (getCandles({ source: 'trades' }), timeframes 1m, 1h,
   * 1d) disagree: a bar on one side only, or OHLCV differing by more than
   * `tolerance` (absolute, exact decimals; default 0), oldest first, at most
   * `limit` (default query.max_results).
   */
  async compareCandles(query: {
    venue: string;
    symbol: string;
    timeframe: CandleRangeQuery['timeframe'];
    start: Date | string | number;
    end: Date | string | number;
    tolerance?: string | number;
    limit?: number;
  }): Promise<CandleDisagreement[]> {
    const q = parseInput(compareCandlesQuerySchema, query, 'query');
    const limit = this.checkLimit(q.limit);
    const readLimit = this.storage.config.query.max_results;
    const series = { venue: q.venue, symbol: q.symbol, timeframe: q.timeframe, start: q.start, end: q.end };
    const trades = await this.getCandles({ ...series, source: 'trades' });
    const venue = await this.getCandles(series);
    checkWhole(venue, readLimit, 'venue');
    checkWhole(trades, readLimit, 'trade');
    return diffCandles(venue, trades, q.tolerance ?? '0', limit);
  }

  /** The newest `count` bars (default 1) of one series, oldest first. */
  async getLatestCandles(query: CandleSeries & { count?: number }): Promise<Candle[]> {
    const q = parseInput(latestCandlesQuerySchema, query, 'query');
    const count = this.checkLimit(q.count, 'query.count');
    const rows = await this.storage.readQuery<CandleRow>(SELECT_LATEST_CANDLES, [q.venue, q.symbol, q.timeframe, count ?? 1]);
    return rows.map(candleFromRow);
  }

  /** Runs of missing bars among the bar times in [start, end) (start rounded up to a bar boundary). */
  async findGaps(query: CandleSeries & { start: Date | string | number; end: Date | string | number }): Promise<CandleGap[]> {
    const q = parseInput(gapQuerySchema, query, 'query');
    const first = alignUp(q.start, q.timeframe);
    const stop = alignUp(q.end, q.timeframe);
    if (first.getTime() >= stop.getTime()) return [];
    const width = timeframeMillis(q.timeframe);
    const rows = await this.storage.readQuery<{ gap_start: Date; gap_end: Date }>(FIND_GAPS, [
      q.venue, q.symbol, q.timeframe, first, stop, timeframeInterval(q.timeframe),
    ]);
    return rows.map((r) => ({
      start: r.gap_start,
      end: r.gap_end,
      missingBars: Math.round((r.gap_end.getTime() - r.gap_start.getTime()) / width),
    }));
  }

  /**
   * Bars of a larger timeframe computed from stored bars of a smaller one
   * (`to` must be a whole multiple of `from`), for the `to` periods
   * overlapping [start, end). Not stored: pass them to upsertCandles to keep them.
   */
  async resampleCandles(query: {
    venue: string;
    symbol: string;
    from: Timeframe;
    to: Timeframe;
    start: Date | string | number;
    end: Date | string | number;
  }): Promise<AggregatedCandle[]> {
    const q = parseInput(resampleQuerySchema, query, 'query');
    if (!isCoarserMultiple(q.from, q.to)) {
      throw new ValidationError('query.to', q.to, `must be a larger whole multiple of ${q.from}`);
    }
    const sql = resampleSql(...this.bucketFunctions('time', '$6::interval'));
    const rows = await this.storage.readQuery<AggregateRow>(sql, [
      q.venue, q.symbol, q.from, alignDown(q.start, q.to), alignUp(q.end, q.to), timeframeInterval(q.to),
    ]);
    const expected = barsPer(q.from, q.to);
    return rows.map((row) => ({
      ...aggregateCandle(row, q.venue, q.symbol, q.to),
      complete: Number(row.source_bars) === expected,
    }));
  }

  /**
   * Candles built from the fills of one market (the fill_candles_1m rollup,
   * refreshed first unless refresh is false), resampled to `timeframe`, for
   * the periods overlapping [start, end). symbol is the market.
   */
  async getCandlesFromFills(query: {
    venue: string;
    market: string;
    timeframe: Timeframe;
    start: Date | string | number;
    end: Date | string | number;
    refresh?: boolean;
  }): Promise<Array<FillCandle & { sourceBars: number }>> {
    const q = parseInput(fillCandlesQuerySchema, query, 'query');
    const db = readerFor(this.storage, { needsFreshRollups: q.refresh ?? true });
    if (q.refresh ?? true) await refreshRollup(db, 'fill_candles_1m');
    const sql = fillCandlesSql(...this.bucketFunctions('bucket', '$5::interval'));
    const { rows } = await db.query<AggregateRow>(sql, [
      q.venue, q.market, alignDown(q.start, q.timeframe), alignUp(q.end, q.timeframe), timeframeInterval(q.timeframe),
    ]);
    return rows.map((row) => {
      const { complete: _complete, ...candle } = aggregateCandle(row, q.venue, q.market, q.timeframe);
      return { ...candle, tradeCount: Number(row.trade_count), notional: toPrismaDecimal(row.notional as string) };
    });
  }

  /**
   * Stores trades: every one checked first (a bad one refuses the whole
   * batch, naming its field); a trade id already stored for its venue and
   * symbol, at any time, or repeated in the batch, counts as a duplicate.
   * Retried on a lost connection (idempotent by key).
   */
  async storeTrades(trades: readonly TradeInput[]): Promise<TickWriteResult> {
    const parsed = parseTickBatch(trades, 'trades', parseTrade);
    return withWriteRetry(DEFAULT_WRITE_RETRY, () => writeTrades(this.storage.engine, parsed));
  }

  /** Stores top-of-book quotes (bid < ask: crossed and locked quotes are refused); one per venue, symbol and time. */
  async storeQuotes(quotes: readonly QuoteInput[]): Promise<TickWriteResult> {
    const parsed = parseTickBatch(quotes, 'quotes', parseQuote);
    return withWriteRetry(DEFAULT_WRITE_RETRY, () => writeQuotes(this.storage.engine, parsed));
  }

  /**
   * Buffers trades (one, or a batch) for the staged pipeline: each is checked
   * now with storeTrades' rules (a bad one refuses the call, naming its
   * field, and nothing of it is buffered). Resolves once accepted (with a
   * spool: on disk); waits while the buffer is full, and rejects with
   * BackpressureError after ingestion.backpressure_timeout_ms. Duplicates are
   * counted (bufferStats), never doubled.
   */
  async bufferTrades(trades: TradeInput | readonly TradeInput[]): Promise<void> {
    this.assertOpen();
    const parsed = Array.isArray(trades) ? parseTickBatch(trades, 'trades', parseTrade) : [parseTrade(trades, 'trade')];
    return this.buffers().trades.accept(parsed);
  }

  /** Buffers quotes (one, or a batch), checked now with storeQuotes' rules; see bufferTrades. */
  async bufferQuotes(quotes: QuoteInput | readonly QuoteInput[]): Promise<void> {
    this.assertOpen();
    const parsed = Array.isArray(quotes) ? parseTickBatch(quotes, 'quotes', parseQuote) : [parseQuote(quotes, 'quote')];
    return this.buffers().quotes.accept(parsed);
  }

  /** Writes every buffered trade and quote; resolves with how many were persisted (inserted or already stored). */
  async flushBuffer(): Promise<number> {
    return this.buffersOf ? this.buffersOf.flush() : 0;
  }

  /** Calls `listener` after every flush attempt of a tick buffer (latency, rows, outcome, kind); returns the unsubscribe. */
  onFlush(listener: (event: TickFlushEvent) => void): () => void {
    return this.buffers().onFlush(listener);
  }

  /** Counters of the trade and quote buffers. */
  bufferStats(): Record<TickBufferKind, TickBufferStats> {
    return this.buffers().stats();
  }

  /**
   * Refuses buffered ticks from now on (ClosedError, code CLOSED), then
   * flushes what the buffers hold, producers already waiting included. The
   * direct writes and the reads keep working (the Storage is not closed).
   */
  async close(): Promise<number> {
    this.closed = true;
    return this.buffersOf ? this.buffersOf.close() : 0;
  }

  /** Stores one order-book snapshot (see storeBookSnapshots). */
  async storeBookSnapshot(snapshot: BookSnapshotInput): Promise<TickWriteResult> {
    return this.storeBookSnapshots([snapshot]);
  }

  /** Stores depth snapshots: levels sorted best first, best bid below best ask; one per venue, symbol and time. */
  async storeBookSnapshots(snapshots: readonly BookSnapshotInput[]): Promise<TickWriteResult> {
    const parsed = parseTickBatch(snapshots, 'snapshots', parseBookSnapshot);
    return withWriteRetry(DEFAULT_WRITE_RETRY, () => writeBookSnapshots(this.storage.engine, parsed));
  }

  /** One market's trades in [start, end), oldest first (equal times by trade id). */
  async queryTrades(query: TickRangeQuery): Promise<Trade[]> {
    const q = parseInput(tickRangeQuerySchema, query, 'query');
    return readTrades(this.storage.reader, q, this.checkLimit(q.limit));
  }

  /** One market's quotes in [start, end), oldest first. */
  async queryQuotes(query: TickRangeQuery): Promise<Quote[]> {
    const q = parseInput(tickRangeQuerySchema, query, 'query');
    return readQuotes(this.storage.reader, q, this.checkLimit(q.limit));
  }

  /** One market's book snapshots in [start, end), oldest first. */
  async queryBookSnapshots(query: TickRangeQuery): Promise<BookSnapshot[]> {
    const q = parseInput(tickRangeQuerySchema, query, 'query');
    return readBookSnapshots(this.storage.reader, q, this.checkLimit(q.limit));
  }

  /** Runs of more than maxGapSeconds without a trade (or quote) of one market in [start, end); the range ends count as ticks. */
  async findTickGaps(query: {
    venue: string;
    symbol: string;
    kind: 'trades' | 'quotes';
    start: Date | string | number;
    end: Date | string | number;
    maxGapSeconds: number;
  }): Promise<TickGap[]> {
    return findTickGaps(this.storage.reader, parseInput(tickGapQuerySchema, query, 'query'));
  }

  /** The symbols whose latest quote at asOf (default now) is older than maxAgeSeconds, or that have none. */
  async findStaleQuotes(query: { venue: string; symbols: string[]; maxAgeSeconds: number; asOf?: Date | string | number }): Promise<StaleQuote[]> {
    const q = parseInput(staleQuoteQuerySchema, query, 'query');
    return findStaleQuotes(this.storage.reader, { ...q, asOf: q.asOf ?? new Date() });
  }

  /**
   * The ticks (and candles of `timeframe`, default 1m) of the given symbols
   * in [start, end) as one stream in time order, paged (pageSize rows per
   * kind at a time, default 5000); equal times: candles, book, quotes, trades.
   */
  replay(query: {
    venue?: string;
    symbols: string[];
    kinds: ReplayKind[];
    start: Date | string | number;
    end: Date | string | number;
    timeframe?: Timeframe;
    pageSize?: number;
  }): AsyncIterable<ReplayEvent> {
    const q = parseInput(replayQuerySchema, query, 'query');
    return replayEvents(this.storage.reader, { ...q, venue: q.venue, timeframe: q.timeframe ?? '1m', pageSize: q.pageSize ?? 5_000 });
  }

  /** The bars of one series in [start, end) as CSV (see candles-csv.ts for the format). */
  exportCandlesCsv(query: CandleSeries & { start: Date | string | number; end: Date | string | number }): Readable {
    const q = parseInput(csvExportQuerySchema, query, 'query');
    return exportCandlesCsv(this.storage.reader, q);
  }

  /** Imports bars from CSV, all or nothing; venue/symbol/timeframe columns may be given as defaults instead. */
  async importCandlesCsv(
    source: string | Buffer | NodeJS.ReadableStream | AsyncIterable<string | Buffer>,
    defaults: CsvImportDefaults = {},
  ): Promise<CsvImportResult> {
    const d = parseInput(csvImportDefaultsSchema, defaults, 'defaults');
    return importCandlesCsv(this.storage, source, d);
  }

  /** [bucket, first, last] SQL for the engine: time_bucket/first/last with TimescaleDB, date_bin/array_agg without. */
  private buffers(): TickBuffers {
    if (!this.buffersOf) {
      const ingestion = { ...this.storage.config.ingestion, ...this.options.ingestion };
      this.buffersOf = new TickBuffers(this.storage.engine, ingestion, this.options.logger ?? this.storage.logger);
    }
    return this.buffersOf;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('the market-data tick buffer');
  }

  private bucketFunctions(column: string, width: string): [string, string, string] {
    if (this.storage.capabilities.timescale) {
      return [`time_bucket(${width}, ${column}, ${BAR_ORIGIN_SQL})`, `first(open, ${column})`, `last(close, ${column})`];
    }
    return [
      `date_bin(${width}, ${column}, ${BAR_ORIGIN_SQL})`,
      `(array_agg(open ORDER BY ${column} ASC))[1]`,
      `(array_agg(close ORDER BY ${column} DESC))[1]`,
    ];
  }

  private checkLimit(limit: number | undefined, field = 'query.limit'): number {
    return checkedResultLimit(limit, this.storage.config.query.max_results, field);
  }
}

function aggregateCandle(row: AggregateRow, venue: string, symbol: string, timeframe: Timeframe): AggregatedCandle {
  return {
    time: row.bucket,
    venue,
    symbol,
    timeframe,
    open: toPrismaDecimal(row.open),
    high: toPrismaDecimal(row.high),
    low: toPrismaDecimal(row.low),
    close: toPrismaDecimal(row.close),
    volume: toPrismaDecimal(row.volume),
    sourceBars: Number(row.source_bars),
    complete: false,
  };
}
