// The buffered tick paths on every engine: bufferTrades/bufferQuotes read
// back equal to what was sent, duplicates counted (never doubled), bad ticks
// refused at accept time with nothing written, close refusing new ticks and
// flushing the rest, and the spool: buffered ticks journalled, and what an earlier process left
// there replayed once.

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BackpressureError, ClosedError, SEGMENT_MAGIC, segmentFileName, SpoolRecordBuffer, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { MarketDataStore, type QuoteInput, type TradeInput, type TickFlushEvent } from '../src/index.js';
import { parseTrade } from '../src/market-data/ticks/tick-inputs.js';
import { tradeSpoolCodec } from '../src/market-data/ticks/tick-spool-codecs.js';
import { uniqueName } from './support/fixtures.js';

const T0 = Date.parse('2026-11-03T10:00:00.000Z');

function trades(symbol: string, n: number, from = 0): TradeInput[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(T0 + (from + i) * 250),
    venue: 'binance',
    symbol,
    price: `${35000 + ((from + i) % 97)}.${(from + i) % 10}5`,
    size: `0.00${1 + ((from + i) % 9)}`,
    side: (from + i) % 3 === 0 ? null : (from + i) % 2 === 0 ? 'buy' : 'sell',
    tradeId: `t-${from + i}`,
  }));
}

function quotes(symbol: string, n: number): QuoteInput[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(T0 + i * 100), venue: 'binance', symbol,
    bid: `100.${(i % 9) + 1}`, bidSize: '1.000000000000000001', ask: `101.${(i % 9) + 1}`, askSize: '2',
  }));
}

describeEachEngine('tick buffers', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const range = (symbol: string) => ({ venue: 'binance', symbol, start: T0 - 1, end: T0 + 86_400_000, limit: 10_000 });
  const count = async (table: string, symbol: string) =>
    (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE symbol = $1`, [symbol]))[0]?.n;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('buffers trades and quotes one call at a time and reads them back equal', async () => {
    const market = new MarketDataStore(storage, { ingestion: { batch_size: 100, max_buffer_size: 300 } });
    const events: TickFlushEvent[] = [];
    market.onFlush((e) => events.push(e));
    const symbol = uniqueName("ETH-'; DROP TABLE trades; --");
    const sentTrades = trades(symbol, 1000);
    const sentQuotes = quotes(symbol, 250);
    for (const t of sentTrades) await market.bufferTrades(t);
    for (const q of sentQuotes) await market.bufferQuotes(q);
    await market.flushBuffer();
    const read = await market.queryTrades(range(symbol));
    expect(read.map((t) => [t.time.getTime(), t.price.toString(), t.size.toString(), t.side, t.tradeId])).toEqual(
      sentTrades.map((t) => [(t.time as Date).getTime(), t.price, t.size, t.side, t.tradeId]),
    );
    const readQuotes = await market.queryQuotes(range(symbol));
    expect(readQuotes.map((q) => [q.time.getTime(), q.bid.toString(), q.bidSize.toString(), q.ask.toString(), q.askSize.toString()])).toEqual(
      sentQuotes.map((q) => [(q.time as Date).getTime(), q.bid, q.bidSize, q.ask, q.askSize]),
    );
    const stats = market.bufferStats();
    expect(stats.trades).toMatchObject({ accepted: 1000, written: 1000, duplicates: 0, bufferDepth: 0 });
    expect(stats.quotes).toMatchObject({ accepted: 250, written: 250, duplicates: 0, bufferDepth: 0 });
    expect(events.filter((e) => e.kind === 'trades' && e.outcome === 'written').reduce((n, e) => n + e.rows, 0)).toBe(1000);
    expect(events.every((e) => e.latencyMs >= 0)).toBe(true);
    await market.close();
  });

  it('counts re-sent and repeated trades as duplicates, never doubled', async () => {
    const market = new MarketDataStore(storage);
    const symbol = uniqueName('BTC-DUP');
    await market.storeTrades(trades(symbol, 10));
    await market.bufferTrades([...trades(symbol, 20), ...trades(symbol, 5)]);
    await market.bufferTrades(trades(symbol, 1, 3)[0] as TradeInput);
    await market.flushBuffer();
    expect(await count('trades', symbol)).toBe(20);
    expect(market.bufferStats().trades).toMatchObject({ accepted: 26, written: 10, duplicates: 16 });
    await market.close();
  });

  it('refuses a bad tick at accept time, naming the field, and nothing is written', async () => {
    const market = new MarketDataStore(storage);
    const symbol = uniqueName('BAD');
    const [good] = trades(symbol, 1) as [TradeInput];
    const refused = async (promise: Promise<unknown>, field: string) => {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    };
    await refused(market.bufferTrades({ ...good, price: '-1' }), 'trade.price');
    await refused(market.bufferTrades({ ...good, size: '0' }), 'trade.size');
    await refused(market.bufferTrades([good, { ...good, tradeId: 'x', time: 'yesterday' }]), 'trades[1].time');
    const [q] = quotes(symbol, 1) as [QuoteInput];
    await refused(market.bufferQuotes({ ...q, bid: '102' }), 'quote.bid');
    await market.flushBuffer();
    expect(await count('trades', symbol)).toBe(0);
    expect(await count('quotes', symbol)).toBe(0);
    expect(market.bufferStats().trades.accepted).toBe(0);
    await market.close();
  });

  it('applies backpressure at ingestion.max_buffer_size and refuses a call larger than the buffer', async () => {
    const market = new MarketDataStore(storage, { ingestion: { batch_size: 10, max_buffer_size: 10, backpressure_timeout_ms: 50 } });
    const symbol = uniqueName('BP');
    const error = await market.bufferTrades(trades(symbol, 11)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('trades');
    // The writer is held up (trade_keys locked; on the embedded engine its one connection busy): ten fill the
    // buffer, and the next producer waits backpressure_timeout_ms for room, then gives up.
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = storage.engine.transaction(async (tx) => {
      await tx.exec('LOCK TABLE trade_keys IN EXCLUSIVE MODE');
      locked();
      await new Promise((resolve) => setTimeout(resolve, 400));
    });
    await isLocked;
    await market.bufferTrades(trades(symbol, 10));
    expect(await market.bufferTrades(trades(symbol, 1, 10)[0] as TradeInput).catch((e: unknown) => e)).toBeInstanceOf(BackpressureError);
    await holder;
    await market.flushBuffer();
    expect(await count('trades', symbol)).toBe(10);
    expect(market.bufferStats().trades).toMatchObject({ backpressureRejections: 1, accepted: 10, bufferDepth: 0 });
    await market.close();
  });

  it('close refuses new ticks with ClosedError (CLOSED) and flushes what it held', async () => {
    const market = new MarketDataStore(storage, { ingestion: { flush_interval_ms: 60_000, batch_size: 1000 } });
    const symbol = uniqueName('CLOSE');
    for (const t of trades(symbol, 50)) await market.bufferTrades(t);
    expect(await count('trades', symbol)).toBe(0);
    expect(await market.close()).toBe(50);
    expect(await count('trades', symbol)).toBe(50);
    const error = await market.bufferTrades(trades(symbol, 1, 99)[0] as TradeInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).code).toBe('CLOSED');
    await expect(market.bufferQuotes(quotes(symbol, 1)[0] as QuoteInput)).rejects.toBeInstanceOf(ClosedError);
    expect(await count('trades', symbol)).toBe(50);
  });

  it('spools buffered trades, and replays trades an earlier process left in its spool exactly once', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'ag-tick-spool-'));
    try {
      const symbol = uniqueName('SPOOL');
      const ingestion = { spool_directory: directory, spool_fsync_interval_ms: 0 };
      // A segment left by a process killed before its batch was written: 30 trades, 10 of them already stored.
      const left = trades(symbol, 30).map((t) => parseTrade(t, 'trade'));
      const records = new SpoolRecordBuffer(tradeSpoolCodec);
      records.append(left.slice(0, 20));
      records.append(left.slice(20));
      await mkdir(path.join(directory, 'trades'), { recursive: true });
      await writeFile(path.join(directory, 'trades', segmentFileName(1)), Buffer.concat([SEGMENT_MAGIC, records.take()]));
      const first = new MarketDataStore(storage, { ingestion });
      await first.storeTrades(trades(symbol, 10));
      for (const t of trades(symbol, 5, 30)) await first.bufferTrades(t);
      await first.flushBuffer();
      expect(await count('trades', symbol)).toBe(35);
      expect(first.bufferStats().trades).toMatchObject({ replayedPoints: 30, spooledPoints: 5, written: 25, duplicates: 10 });
      expect((await first.queryTrades(range(symbol))).map((t) => t.tradeId)).toEqual(trades(symbol, 35).map((t) => t.tradeId));
      await first.close();
      expect((await readdir(path.join(directory, 'trades'))).filter((f) => f.endsWith('.spool'))).toEqual([]);
      const second = new MarketDataStore(storage, { ingestion });
      await second.flushBuffer();
      expect(second.bufferStats().trades.replayedPoints).toBe(0);
      await second.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
