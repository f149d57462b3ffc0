// `ag-storage query trades|quotes|book|tick-gaps|stale-quotes` and `query
// candles --source trades` on every engine, against ticks written in the
// test through MarketDataStore: what they print equals what was inserted,
// a symbol with quotes and SQL in it is data, and a bad option is a usage
// error (exit 2) naming it. `query statistics` is the trade statistics.

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage } from '@ag/storage-core';
import { MarketDataStore, type QuoteInput, type TradeInput } from '@ag/storage-execution';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOSTILE = `ETH'; DROP TABLE quotes; --"`;
const iso = (ms: number) => new Date(ms).toISOString();
const RANGE = ['--start', iso(T0), '--end', iso(T0 + 10 * MINUTE)];

function knownTicks() {
  const trades: TradeInput[] = [];
  const quotes: QuoteInput[] = [];
  for (const symbol of ['BTC-USD', HOSTILE]) {
    for (let i = 0; i < 40; i += 1) {
      if (i >= 20 && i < 26) continue; // no trade from 200 s to 260 s
      trades.push({ time: new Date(T0 + i * 10 * SECOND), venue: 'kraken', symbol, price: `${200 + (i % 5)}.5`, size: `0.0${(i % 8) + 1}`, side: i % 3 ? 'buy' : 'sell', tradeId: `t-${i}` });
    }
    for (let i = 0; i < 20; i += 1) {
      quotes.push({ time: new Date(T0 + i * 20 * SECOND), venue: 'kraken', symbol, bid: `${200 + (i % 4)}.25`, bidSize: '3', ask: `${200 + (i % 4)}.75`, askSize: '4' });
    }
  }
  return { trades, quotes };
}

describeEachEngine('ag-storage query ticks', ({ engine, adminUrl }) => {
  let database: TestDatabaseUrl | undefined;
  let url: string;
  const ticks = knownTicks();
  const cli = (...args: string[]) => runCli(['--url', url, ...args]);

  beforeAll(async () => {
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    try {
      await storage.migrate();
      const store = new MarketDataStore(storage);
      await store.storeTrades(ticks.trades);
      await store.storeQuotes(ticks.quotes);
      await store.storeBookSnapshot({ time: T0, venue: 'kraken', symbol: HOSTILE, bids: [['200.25', '1.5']], asks: [['200.75', '2'], ['201', '7']], sequence: 42 });
    } finally {
      // The embedded database is one process's: closed before the commands open it.
      await storage.close();
    }
  });
  afterAll(async () => database?.drop());

  it('query trades prints the trades of one market as inserted (CSV and JSON), the symbol as data', async () => {
    const csv = await cli('query', 'trades', '--venue', 'kraken', '--symbol', HOSTILE, ...RANGE, '--csv');
    expect(csv.code).toBe(0);
    const expected = ticks.trades.filter((t) => t.symbol === HOSTILE);
    expect(parse(csv.out, { columns: true })).toEqual(
      expected.map((t) => ({ time: iso((t.time as Date).getTime()), venue: 'kraken', symbol: HOSTILE, price: t.price, size: t.size, side: t.side, tradeId: t.tradeId })),
    );
    const json = JSON.parse((await cli('query', 'trades', '--venue', 'kraken', '--symbol', 'BTC-USD', ...RANGE, '--limit', '3', '--order', 'desc', '--json')).out);
    expect(json.data.map((t: { tradeId: string }) => t.tradeId)).toEqual(['t-39', 't-38', 't-37']);
    expect(json.truncated).toBe(true);
  });

  it('query quotes and query book print the quotes and snapshots as inserted', async () => {
    const quotes = await cli('query', 'quotes', '--venue', 'kraken', '--symbol', 'BTC-USD', ...RANGE, '--json');
    expect(JSON.parse(quotes.out).data).toEqual(
      ticks.quotes.filter((q) => q.symbol === 'BTC-USD').map((q) => ({ time: iso((q.time as Date).getTime()), venue: 'kraken', symbol: 'BTC-USD', bid: q.bid, bidSize: q.bidSize, ask: q.ask, askSize: q.askSize })),
    );
    const book = await cli('query', 'book', '--venue', 'kraken', '--symbol', HOSTILE, ...RANGE, '--csv');
    expect(parse(book.out, { columns: true })).toEqual([
      { time: iso(T0), venue: 'kraken', symbol: HOSTILE, depth: '2', bids: '[["200.25","1.5"]]', asks: '[["200.75","2"],["201","7"]]', sequence: '42' },
    ]);
  });

  it('query tick-gaps finds the silence in the trades; stale-quotes names the symbols without a fresh quote', async () => {
    const gaps = JSON.parse((await cli('query', 'tick-gaps', '--venue', 'kraken', '--symbol', 'BTC-USD', '--max-gap-seconds', '30', ...RANGE, '--json')).out);
    // Trades end at 390 s: the silence up to the range end (600 s) is a gap too.
    expect(gaps.data).toEqual([
      { start: iso(T0 + 190 * SECOND), end: iso(T0 + 260 * SECOND), seconds: 70 },
      { start: iso(T0 + 390 * SECOND), end: iso(T0 + 600 * SECOND), seconds: 210 },
    ]);
    const stale = JSON.parse((await cli('query', 'stale-quotes', '--venue', 'kraken', '--symbols', `BTC-USD,SOL-USD`, '--max-age-seconds', '60', '--as-of', iso(T0 + 400 * SECOND), '--json')).out);
    expect(stale.data).toEqual([{ symbol: 'SOL-USD', lastQuoteAt: null }]);
  });

  it('query candles --source trades prints the 1m bars built from the trades', async () => {
    const result = JSON.parse((await cli('query', 'candles', '--venue', 'kraken', '--symbol', 'BTC-USD', '--source', 'trades', ...RANGE, '--json')).out);
    const byMinute = new Map<number, TradeInput[]>();
    for (const t of ticks.trades.filter((x) => x.symbol === 'BTC-USD')) {
      const bucket = Math.floor((t.time as Date).getTime() / MINUTE) * MINUTE;
      byMinute.set(bucket, [...(byMinute.get(bucket) ?? []), t]);
    }
    expect(result.data.map((c: Record<string, string>) => [c.time, c.open, c.close, Number(c.high), Number(c.low)])).toEqual(
      [...byMinute].map(([bucket, trades]) => [iso(bucket), trades[0]?.price, trades.at(-1)?.price, Math.max(...trades.map((t) => Number(t.price))), Math.min(...trades.map((t) => Number(t.price)))]),
    );
  });

  it.each([
    [['trades', '--venue', 'kraken'], 'symbol'],
    [['quotes', '--venue', 'kraken', '--symbol', 'BTC-USD', '--limit', '0'], 'limit'],
    [['book', '--venue', 'kraken', '--symbol', 'BTC-USD', '--start', 'yesterday'], 'start'],
    [['tick-gaps', '--venue', 'kraken', '--symbol', 'BTC-USD'], 'max-gap-seconds: required'],
    [['tick-gaps', '--venue', 'kraken', '--symbol', 'BTC-USD', '--max-gap-seconds', '-1'], 'max-gap-seconds'],
    [['stale-quotes', '--venue', 'kraken', '--max-age-seconds', '5'], 'symbols'],
    [['candles', '--venue', 'kraken', '--symbol', 'BTC-USD', '--source', 'fills'], 'source'],
  ])('query %j is a usage error naming %s', async (args, field) => {
    const result = await cli('query', ...args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(field);
  });

  it('query statistics is the trade statistics (formerly query trades)', async () => {
    const result = await cli('query', 'statistics', ...RANGE, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).data).toEqual([]);
  });
});
