// Tick data quality on every engine: gaps in trades and quotes longer than
// the threshold (range ends counted as ticks), and stale or missing quotes.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { MarketDataStore } from '../src/index.js';
import { uniqueName } from './support/fixtures.js';

const T0 = Date.parse('2026-11-02T10:00:00.000Z');
const S = 1000;

describeEachEngine('tick quality', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => storage?.close());

  it('finds the runs without a trade or quote longer than maxGapSeconds', async () => {
    const symbol = uniqueName('GAP');
    const seconds = [5, 6, 7, 30, 31, 90];
    await market.storeTrades(seconds.map((s, i) => ({ time: T0 + s * S, venue: 'q', symbol, price: '1', size: '1', tradeId: `g${i}` })));
    await market.storeQuotes(seconds.map((s) => ({ time: T0 + s * S, venue: 'q', symbol, bid: '1', bidSize: '1', ask: '2', askSize: '1' })));
    for (const kind of ['trades', 'quotes'] as const) {
      const gaps = await market.findTickGaps({ venue: 'q', symbol, kind, start: T0, end: T0 + 100 * S, maxGapSeconds: 10 });
      expect(gaps.map((g) => [(g.start.getTime() - T0) / S, (g.end.getTime() - T0) / S, g.seconds])).toEqual([[7, 30, 23], [31, 90, 59]]);
    }
    const whole = await market.findTickGaps({ venue: 'q', symbol: `${symbol}-none`, kind: 'trades', start: T0, end: T0 + 100 * S, maxGapSeconds: 10 });
    expect(whole.map((g) => g.seconds)).toEqual([100]);
  });

  it('reports the symbols whose latest quote is older than maxAgeSeconds, or missing', async () => {
    const fresh = uniqueName('FRESH');
    const stale = uniqueName('STALE');
    await market.storeQuotes([
      { time: T0 - 2 * S, venue: 'q', symbol: fresh, bid: '1', bidSize: '1', ask: '2', askSize: '1' },
      { time: T0 - 60 * S, venue: 'q', symbol: stale, bid: '1', bidSize: '1', ask: '2', askSize: '1' },
    ]);
    const missing = uniqueName('MISSING');
    const report = await market.findStaleQuotes({ venue: 'q', symbols: [fresh, stale, missing], maxAgeSeconds: 10, asOf: T0 });
    expect(report.map((r) => [r.symbol, r.lastQuoteAt?.getTime() ?? null]).sort()).toEqual([[missing, null], [stale, T0 - 60 * S]].sort());
    const error = await market.findStaleQuotes({ venue: 'q', symbols: [], maxAgeSeconds: 10 }).catch((e: unknown) => e);
    expect((error as ValidationError).field).toBe('query.symbols');
  });
});
