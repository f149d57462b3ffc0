// `ag-storage bench marketdata`: tick ingest and replay. The producer is a
// bot's call site: a new object per tick, Date timestamps, each storeTrades /
// storeQuotes call (one batch) awaited. Its ticks/s is set against raw COPY
// of the same rows (text rendered before the clock starts) into a table of
// the same shape and indexes (a hypertable where the engine has one), in the
// same run. Replay is measured in rows/s over what was written.

import { MarketDataStore, type QuoteInput, type TradeInput } from '@ag/storage-execution';
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
