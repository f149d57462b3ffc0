// `ag-storage bench marketdata`: tick ingest and replay. The producer is a
// bot's call site: a new object per tick, Date timestamps, each storeTrades /
// storeQuotes call (one batch) awaited. Its ticks/s is set against raw COPY
// of the same rows (text rendered before the clock starts) into a table of
// the same shape and indexes (a hypertable where the engine has one), in the
// same run. The buffered paths (bufferTrades / bufferQuotes, one tick per
// awaited call, then flushBuffer) are set against the best of raw COPY with
// 1, 2 and 4 concurrent streams of the same rows, with the write stage's
// share (summed flush latency) in µs per tick. Replay is measured in rows/s
// over what was written.

import { MarketDataStore, type QuoteInput, type TradeInput } from '@ag/storage-execution';
import type { Storage } from '@ag/storage-core';
import type { BenchEngine, BenchOptions, BenchRow, BenchSuite } from './bench-harness.js';
import { openBenchDatabase } from './bench-database.js';

interface Sizes {
  ticks: number;
  batch: number;
  symbols: number;
}

const FULL: Sizes = { ticks: 200_000, batch: 5_000, symbols: 10 };
const QUICK: Sizes = { ticks: 20_000, batch: 2_000, symbols: 4 };
const T0 = Date.parse('2026-11-02T00:00:00.000Z');

export const suite: BenchSuite = {
  name: 'marketdata',
  description: 'storeTrades/storeQuotes ticks/s vs raw COPY of the same rows; replay rows/s',
  async run(options, report) {
    const sizes = options.quick ? QUICK : FULL;
    for (const engine of options.engines) await runEngine(engine, options, sizes, report);
  },
};

async function runEngine(engine: BenchEngine, options: BenchOptions, sizes: Sizes, report: (row: BenchRow) => void): Promise<void> {
  const db = await openBenchDatabase(engine, options);
  try {
    const { storage } = db;
    const market = new MarketDataStore(storage);
    const symbol = (i: number) => `SYM-${i % sizes.symbols}`;

    // Raw COPY baseline: the same rows, text rendered up front, into a copy of trades.
    await storage.execute(`CREATE TABLE trades_raw (LIKE trades INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    if (storage.capabilities.timescale) await storage.execute(`SELECT create_hypertable('trades_raw', by_range('time', INTERVAL '1 day'))`);
    const lines: string[] = [];
    for (let i = 0; i < sizes.ticks; i += 1) {
      lines.push(`${new Date(T0 + i * 10).toISOString()}\traw\t${symbol(i)}\t${35000 + (i % 500)}.5\t0.0${1 + (i % 9)}\t${i % 2 ? 'buy' : 'sell'}\tt${i}\n`);
    }
    let t = performance.now();
    for (let i = 0; i < lines.length; i += sizes.batch) {
      await storage.engine.copyFrom('COPY trades_raw (time, venue, symbol, price, size, side, trade_id) FROM STDIN', lines.slice(i, i + sizes.batch).join(''));
    }
    const rawPerSecond = sizes.ticks / ((performance.now() - t) / 1000);
    report({ engine, case: 'raw COPY trades (same rows, same indexes)', perSecond: rawPerSecond, unit: 'rows/s', notes: { rows: sizes.ticks, batch: sizes.batch } });

    // Best of 1, 2 and 4 raw COPY streams, for trades and quotes (fresh tables each).
    const tradeRawBest = await bestRawCopy(storage, 'trades', sizes, (i) =>
      `${new Date(T0 + i * 10).toISOString()}\traw\t${symbol(i)}\t${35000 + (i % 500)}.5\t0.0${1 + (i % 9)}\t${i % 2 ? 'buy' : 'sell'}\tt${i}\n`, '(time, venue, symbol, price, size, side, trade_id)');
    report({ engine, case: 'raw COPY trades, best of 1/2/4 streams', perSecond: tradeRawBest.perSecond, unit: 'rows/s', notes: { rows: sizes.ticks, streams: tradeRawBest.streams } });
    const quoteRawBest = await bestRawCopy(storage, 'quotes', sizes, (i) =>
      `${new Date(T0 + i * 10 + 5).toISOString()}\traw\t${symbol(i)}\t${35000 + (i % 500)}.5\t1.5\t${35001 + (i % 500)}\t0.25\n`, '(time, venue, symbol, bid, bid_size, ask, ask_size)');
    report({ engine, case: 'raw COPY quotes, best of 1/2/4 streams', perSecond: quoteRawBest.perSecond, unit: 'rows/s', notes: { rows: sizes.ticks, streams: quoteRawBest.streams } });

    // The buffered producer: a new object per tick, Date timestamps, each call awaited.
    const buffered = new MarketDataStore(storage);
    let flushMs = { trades: 0, quotes: 0 };
    buffered.onFlush((e) => {
      if (e.outcome === 'written') flushMs[e.kind] += e.latencyMs;
    });
    t = performance.now();
    for (let j = 0; j < sizes.ticks; j += 1) {
      await buffered.bufferTrades({ time: new Date(T0 + j * 10), venue: 'bench-buf', symbol: symbol(j), price: `${35000 + (j % 500)}.5`, size: `0.0${1 + (j % 9)}`, side: j % 2 ? 'buy' : 'sell', tradeId: `t${j}` });
    }
    await buffered.flushBuffer();
    let elapsed = performance.now() - t;
    const bufTrades = sizes.ticks / (elapsed / 1000);
    report({ engine, case: 'bufferTrades (one tick per awaited call)', perSecond: bufTrades, unit: 'ticks/s', notes: {
      rows: sizes.ticks, vsRawCopyBest: ratio(bufTrades, tradeRawBest.perSecond), usPerTick: us(elapsed, sizes.ticks), writeStageUsPerTick: us(flushMs.trades, sizes.ticks),
    } });
    t = performance.now();
    for (let j = 0; j < sizes.ticks; j += 1) {
      await buffered.bufferQuotes({ time: new Date(T0 + j * 10 + 5), venue: 'bench-buf', symbol: symbol(j), bid: `${35000 + (j % 500)}.5`, bidSize: '1.5', ask: `${35001 + (j % 500)}`, askSize: '0.25' });
    }
    await buffered.flushBuffer();
    elapsed = performance.now() - t;
    const bufQuotes = sizes.ticks / (elapsed / 1000);
    report({ engine, case: 'bufferQuotes (one tick per awaited call)', perSecond: bufQuotes, unit: 'ticks/s', notes: {
      rows: sizes.ticks, vsRawCopyBest: ratio(bufQuotes, quoteRawBest.perSecond), usPerTick: us(elapsed, sizes.ticks), writeStageUsPerTick: us(flushMs.quotes, sizes.ticks),
    } });
    const stats = buffered.bufferStats();
    if (stats.trades.written !== sizes.ticks || stats.quotes.written !== sizes.ticks) {
      throw new Error(`buffered ${stats.trades.written} trades and ${stats.quotes.written} quotes, expected ${sizes.ticks} each`);
    }
    await buffered.close();
    flushMs = { trades: 0, quotes: 0 };

    // The producer: objects built per tick, each batch awaited.
    t = performance.now();
    for (let i = 0; i < sizes.ticks; i += sizes.batch) {
      const batch: TradeInput[] = [];
      for (let j = i; j < Math.min(i + sizes.batch, sizes.ticks); j += 1) {
        batch.push({ time: new Date(T0 + j * 10), venue: 'bench', symbol: symbol(j), price: `${35000 + (j % 500)}.5`, size: `0.0${1 + (j % 9)}`, side: j % 2 ? 'buy' : 'sell', tradeId: `t${j}` });
      }
      await market.storeTrades(batch);
    }
    const tradesPerSecond = sizes.ticks / ((performance.now() - t) / 1000);
    report({ engine, case: 'storeTrades (bot-like producer)', perSecond: tradesPerSecond, unit: 'ticks/s', notes: { rows: sizes.ticks, batch: sizes.batch, vsRawCopy: Number((tradesPerSecond / rawPerSecond).toFixed(3)) } });

    t = performance.now();
    for (let i = 0; i < sizes.ticks; i += sizes.batch) {
      const batch: QuoteInput[] = [];
      for (let j = i; j < Math.min(i + sizes.batch, sizes.ticks); j += 1) {
        batch.push({ time: new Date(T0 + j * 10 + 5), venue: 'bench', symbol: symbol(j), bid: `${35000 + (j % 500)}.5`, bidSize: '1.5', ask: `${35001 + (j % 500)}`, askSize: '0.25' });
      }
      await market.storeQuotes(batch);
    }
    const quotesPerSecond = sizes.ticks / ((performance.now() - t) / 1000);
    report({ engine, case: 'storeQuotes (bot-like producer)', perSecond: quotesPerSecond, unit: 'ticks/s', notes: { rows: sizes.ticks, vsRawCopyTrades: Number((quotesPerSecond / rawPerSecond).toFixed(3)) } });

    t = performance.now();
    let rows = 0;
    const symbols = Array.from({ length: sizes.symbols }, (_, i) => `SYM-${i}`);
    for await (const _event of market.replay({ venue: 'bench', symbols, kinds: ['trades', 'quotes'], start: T0, end: T0 + sizes.ticks * 10 + 10 })) rows += 1;
    const replayPerSecond = rows / ((performance.now() - t) / 1000);
    if (rows !== 2 * sizes.ticks) throw new Error(`replay returned ${rows} rows, expected ${2 * sizes.ticks}`);
    report({ engine, case: 'replay trades + quotes', perSecond: replayPerSecond, unit: 'rows/s', notes: { rows } });
  } finally {
    await db.dispose();
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
const us = (ms: number, ticks: number) => Number(((ms * 1000) / ticks).toFixed(2));

/** Raw COPY of `sizes.ticks` rows (text rendered before the clock) into a fresh copy of `table`, with 1, 2 and 4 streams: the best. */
async function bestRawCopy(
  storage: Storage,
  table: 'trades' | 'quotes',
  sizes: Sizes,
  line: (i: number) => string,
  columns: string,
): Promise<{ perSecond: number; streams: number }> {
  const chunks: string[] = [];
  for (let i = 0; i < sizes.ticks; i += sizes.batch) {
    let text = '';
    for (let j = i; j < Math.min(i + sizes.batch, sizes.ticks); j += 1) text += line(j);
    chunks.push(text);
  }
  let best = { perSecond: 0, streams: 1 };
  for (const streams of [1, 2, 4]) {
    const name = `${table}_raw_${streams}`;
    await storage.execute(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    if (storage.capabilities.timescale) await storage.execute(`SELECT create_hypertable('${name}', by_range('time', INTERVAL '1 day'))`);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: streams }, async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++] as string;
          await storage.engine.copyFrom(`COPY ${name} ${columns} FROM STDIN`, chunk);
        }
      }),
    );
    const perSecond = sizes.ticks / ((performance.now() - started) / 1000);
    if (perSecond > best.perSecond) best = { perSecond, streams };
  }
  return best;
}
