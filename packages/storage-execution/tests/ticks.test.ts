// Trades, quotes and book snapshots on every engine: stored and read back
// exactly, duplicates counted (never doubled) on both write paths, a trade id
// unique for all time, and every kind of bad input refused with a
// ValidationError naming the field and nothing of the batch written.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { MarketDataStore, type BookSnapshotInput, type QuoteInput, type TradeInput } from '../src/index.js';
import { uniqueName } from './support/fixtures.js';

const T0 = Date.parse('2026-11-02T10:00:00.000Z');

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

function aQuote(symbol: string, overrides: Partial<QuoteInput> = {}): QuoteInput {
  return { time: new Date(T0), venue: 'binance', symbol, bid: '35000.5', bidSize: '1.25', ask: '35001', askSize: '0.5', ...overrides };
}

function aBook(symbol: string, overrides: Partial<BookSnapshotInput> = {}): BookSnapshotInput {
  return {
    time: new Date(T0), venue: 'binance', symbol,
    bids: [['100.5', '2'], ['100.25', '0.000000000000000001'], ['99', '7']],
    asks: [['101', '1.5'], ['102.125', '3']],
    depth: 10, sequence: '9007199254740993', ...overrides,
  };
}

describeEachEngine('ticks', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  const count = async (table: string, symbol: string) =>
    (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE symbol = $1`, [symbol]))[0]?.n;
  const refused = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  };
  const range = (symbol: string) => ({ venue: 'binance', symbol, start: T0 - 1, end: T0 + 86_400_000 });

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => storage?.close());

  it('stores trades and reads them back exactly, oldest first', async () => {
    const symbol = uniqueName("BTC-'; DROP TABLE trades; --");
    const sent = trades(symbol, 5);
    expect(await market.storeTrades(sent)).toEqual({ inserted: 5, duplicates: 0 });
    const read = await market.queryTrades(range(symbol));
    expect(read.map((t) => [t.time.getTime(), t.symbol, t.price.toString(), t.size.toString(), t.side, t.tradeId])).toEqual(
      sent.map((t) => [(t.time as Date).getTime(), symbol, t.price, t.size, t.side, t.tradeId]),
    );
    const newest = await market.queryTrades({ ...range(symbol), order: 'desc', limit: 2 });
    expect(newest.map((t) => t.tradeId)).toEqual(['t-4', 't-3']);
  });

  it('counts a re-sent batch as duplicates on the COPY path and the small-batch path', async () => {
    for (const n of [3, 1200]) {
      const symbol = uniqueName('ETH');
      const batch = trades(symbol, n);
      expect(await market.storeTrades(batch)).toEqual({ inserted: n, duplicates: 0 });
      expect(await market.storeTrades(batch)).toEqual({ inserted: 0, duplicates: n });
      // Half old, half new: only the new half is written.
      expect(await market.storeTrades(trades(symbol, n, Math.floor(n / 2)))).toEqual({ inserted: Math.floor(n / 2), duplicates: n - Math.floor(n / 2) });
      expect(await count('trades', symbol)).toBe(n + Math.floor(n / 2));
    }
  });

  it('keeps a trade id unique per venue and symbol for all time, and counts repeats inside a batch', async () => {
    const symbol = uniqueName('SOL');
    const [first] = trades(symbol, 1);
    await market.storeTrades([first!]);
    const later = { ...first!, time: new Date(T0 + 40 * 86_400_000), price: '1' };
    expect(await market.storeTrades([later])).toEqual({ inserted: 0, duplicates: 1 });
    const again = trades(symbol, 2, 1);
    expect(await market.storeTrades([again[0]!, again[0]!, again[1]!])).toEqual({ inserted: 2, duplicates: 1 });
    // The same trade id on another symbol or venue is another trade.
    expect(await market.storeTrades([{ ...first!, venue: 'kraken' }, { ...first!, symbol: `${symbol}-PERP` }])).toEqual({ inserted: 2, duplicates: 0 });
    expect(await count('trades', symbol)).toBe(4); // three on binance, one on kraken
  });

  it('refuses a batch with one bad trade, naming the field, and writes nothing of it', async () => {
    const symbol = uniqueName('BAD');
    const good = trades(symbol, 2);
    const cases: Array<[Partial<TradeInput> & Record<string, unknown>, string]> = [
      [{ price: '0' }, 'trades[1].price'],
      [{ price: '-1' }, 'trades[1].price'],
      [{ size: 0 }, 'trades[1].size'],
      [{ size: '1e-19' }, 'trades[1].size'],
      [{ time: new Date('2200-01-01T00:00:00Z') }, 'trades[1].time'],
      [{ time: '2026-11-02 10:00' }, 'trades[1].time'],
      [{ side: 'BUY' as never }, 'trades[1].side'],
      [{ tradeId: '' }, 'trades[1].tradeId'],
      [{ symbol: 'a\u0000b' }, 'trades[1].symbol'],
      [{ venue: ' binance' }, 'trades[1].venue'],
      [{ fee: '1' }, 'trades[1].fee'],
    ];
    for (const [change, field] of cases) {
      await refused(market.storeTrades([good[0]!, { ...good[1]!, ...change } as TradeInput]), field);
    }
    expect(await count('trades', symbol)).toBe(0);
    await refused(market.storeTrades('nope' as never), 'trades');
  });

  it('stores quotes exactly, one per venue, symbol and time, and refuses crossed and locked books', async () => {
    const symbol = uniqueName('QUOTE "x"');
    const quotes = [aQuote(symbol), aQuote(symbol, { time: new Date(T0 + 1), bid: '35000.000000000000000001' })];
    expect(await market.storeQuotes(quotes)).toEqual({ inserted: 2, duplicates: 0 });
    expect(await market.storeQuotes([...quotes, quotes[0]!])).toEqual({ inserted: 0, duplicates: 3 });
    const read = await market.queryQuotes(range(symbol));
    expect(read.map((q) => [q.time.getTime(), q.bid.toString(), q.bidSize.toString(), q.ask.toString(), q.askSize.toString()])).toEqual([
      [T0, '35000.5', '1.25', '35001', '0.5'],
      [T0 + 1, '35000.000000000000000001', '1.25', '35001', '0.5'],
    ]);
    const next = aQuote(symbol, { time: new Date(T0 + 2) });
    await refused(market.storeQuotes([next, { ...next, time: new Date(T0 + 3), bid: '35002' }]), 'quotes[1].bid');
    await refused(market.storeQuotes([next, { ...next, time: new Date(T0 + 3), bid: '35001' }]), 'quotes[1].bid');
    await refused(market.storeQuotes([next, { ...next, time: new Date(T0 + 3), askSize: '0' }]), 'quotes[1].askSize');
    await refused(market.storeQuotes([next, { ...next, time: new Date(T0 + 3), bid: '-1' }]), 'quotes[1].bid');
    expect(await count('quotes', symbol)).toBe(2);
  });

  it('stores book snapshots with their levels exactly, and refuses unsorted, crossed or too deep books', async () => {
    const symbol = uniqueName('BOOK');
    expect(await market.storeBookSnapshot(aBook(symbol))).toEqual({ inserted: 1, duplicates: 0 });
    expect(await market.storeBookSnapshot(aBook(symbol))).toEqual({ inserted: 0, duplicates: 1 });
    expect(await market.storeBookSnapshots([aBook(symbol, { time: new Date(T0 + 1), asks: [], depth: undefined, sequence: null })])).toEqual({ inserted: 1, duplicates: 0 });
    const [book, oneSided] = await market.queryBookSnapshots(range(symbol));
    expect(book).toMatchObject({ depth: 10, sequence: '9007199254740993' });
    expect(book!.bids.map(([p, s]) => [p.toString(), s.toString()])).toEqual([['100.5', '2'], ['100.25', '0.000000000000000001'], ['99', '7']]);
    expect(book!.asks.map(([p, s]) => [p.toString(), s.toString()])).toEqual([['101', '1.5'], ['102.125', '3']]);
    expect(oneSided).toMatchObject({ depth: 3, asks: [], sequence: null });

    const next = (overrides: Partial<BookSnapshotInput>) => [aBook(symbol, { time: new Date(T0 + 5) }), aBook(symbol, { time: new Date(T0 + 6), ...overrides })];
    await refused(market.storeBookSnapshots(next({ bids: [['100', '1'], ['100.5', '1']] })), 'snapshots[1].bids[1][0]');
    await refused(market.storeBookSnapshots(next({ bids: [['100', '1'], ['100', '1']] })), 'snapshots[1].bids[1][0]');
    await refused(market.storeBookSnapshots(next({ asks: [['102', '1'], ['101.5', '1']] })), 'snapshots[1].asks[1][0]');
    await refused(market.storeBookSnapshots(next({ asks: [['100.5', '1']] })), 'snapshots[1].bids[0][0]');
    await refused(market.storeBookSnapshots(next({ bids: [['100', '0']] })), 'snapshots[1].bids[0][1]');
    await refused(market.storeBookSnapshots(next({ bids: [['100']] as never })), 'snapshots[1].bids[0]');
    await refused(market.storeBookSnapshots(next({ depth: 2 })), 'snapshots[1].depth');
    await refused(market.storeBookSnapshots(next({ bids: [], asks: [] })), 'snapshots[1].bids');
    await refused(market.storeBookSnapshots(next({ sequence: -1 })), 'snapshots[1].sequence');
    expect(await count('book_snapshots', symbol)).toBe(2);
  });

  it('refuses bad read queries with a ValidationError naming the field', async () => {
    await refused(market.queryTrades({ ...range('X'), end: T0 - 2 }), 'query.end');
    await refused(market.queryQuotes({ ...range('X'), limit: 0 }), 'query.limit');
    await refused(market.queryBookSnapshots({ ...range('X'), order: 'up' as never }), 'query.order');
  });
});
