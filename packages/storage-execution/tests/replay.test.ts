// replay() on every engine: every inserted trade, quote, book snapshot and
// candle of the chosen symbols in [start, end) comes out exactly once, in
// time order, equal times in the documented kind order, the same with any
// page size (paging is invisible), and nothing outside the filter.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { MarketDataStore, REPLAY_KINDS, type ReplayEvent } from '../src/index.js';
import { aCandle, uniqueName } from './support/fixtures.js';

const T0 = Date.parse('2026-11-02T10:00:00.000Z');
const MINUTE = 60_000;

describeEachEngine('replay', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  const venue = uniqueName('replay');
  const [a, b, other] = [uniqueName('A'), uniqueName('B'), uniqueName('OTHER')];

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
    for (const symbol of [a, b, other]) {
      // Trades every 7 s, quotes every 5 s, books every 30 s, 1m candles: many equal times across kinds.
      await market.storeTrades(Array.from({ length: 60 }, (_, i) => ({ time: T0 + i * 7000, venue, symbol, price: `${100 + i}`, size: '1', tradeId: `t${i}` })));
      // Two trades at one instant: ordered by trade id.
      await market.storeTrades([{ time: T0 + 1000, venue, symbol, price: '1', size: '1', tradeId: 'z' }, { time: T0 + 1000, venue, symbol, price: '1', size: '1', tradeId: 'y' }]);
      await market.storeQuotes(Array.from({ length: 80 }, (_, i) => ({ time: T0 + i * 5000, venue, symbol, bid: '1', bidSize: '1', ask: '2', askSize: '1' })));
      for (let i = 0; i < 14; i += 1) await market.storeBookSnapshot({ time: T0 + i * 30_000, venue, symbol, bids: [['1', '1']], asks: [['2', '1']] });
      await market.upsertCandles(Array.from({ length: 7 }, (_, i) => aCandle({ venue, symbol, time: new Date(T0 + i * MINUTE) })));
    }
  });
  afterAll(async () => storage?.close());

  const collect = async (pageSize: number) => {
    const out: ReplayEvent[] = [];
    for await (const e of market.replay({ venue, symbols: [a, b], kinds: ['trades', 'quotes', 'candles', 'book'], start: T0, end: T0 + 6 * MINUTE, pageSize })) out.push(e);
    return out;
  };
  const keyOf = (e: ReplayEvent) => {
    const d = e.kind === 'trades' ? e.trade : e.kind === 'quotes' ? e.quote : e.kind === 'book' ? e.book : e.candle;
    return `${e.kind}|${d.symbol}|${e.time.getTime()}|${e.kind === 'trades' ? e.trade.tradeId : ''}`;
  };

  it('yields every row of the chosen symbols in the range once, in time order, equal times in kind order', async () => {
    const events = await collect(5_000);
    const end = T0 + 6 * MINUTE;
    const expected = 2 * (62 - 60 + Math.ceil((end - T0) / 7000) + Math.ceil((end - T0) / 5000) + Math.ceil((end - T0) / 30_000) + 6);
    expect(events).toHaveLength(expected);
    expect(new Set(events.map(keyOf)).size).toBe(expected);
    expect(events.every((e) => e.time.getTime() >= T0 && e.time.getTime() < end)).toBe(true);
    expect(events.some((e) => keyOf(e).includes(other))).toBe(false);
    for (let i = 1; i < events.length; i += 1) {
      const [p, e] = [events[i - 1]!, events[i]!];
      expect(p.time.getTime()).toBeLessThanOrEqual(e.time.getTime());
      if (p.time.getTime() === e.time.getTime()) expect(REPLAY_KINDS.indexOf(p.kind)).toBeLessThanOrEqual(REPLAY_KINDS.indexOf(e.kind));
    }
    const sameInstant = events.filter((e) => e.kind === 'trades' && e.time.getTime() === T0 + 1000 && e.trade.symbol === a);
    expect(sameInstant.map((e) => (e.kind === 'trades' ? e.trade.tradeId : ''))).toEqual(['y', 'z']);
  });

  it('gives the same sequence whatever the page size', async () => {
    const whole = (await collect(5_000)).map(keyOf);
    expect((await collect(3)).map(keyOf)).toEqual(whole);
    expect((await collect(1)).map(keyOf)).toEqual(whole);
  });
});
