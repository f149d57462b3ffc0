// compareCandles on every engine: the bars where the venue's candles and the
// candles built from trades disagree (one side missing, OHLCV beyond the
// tolerance, compared as exact decimals), and bad queries refused.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { MarketDataStore, type TradeInput } from '../src/index.js';
import { uniqueName } from './support/fixtures.js';

const M0 = Date.parse('2026-11-04T10:00:00.000Z');
const MIN = 60_000;

describeEachEngine('compareCandles', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => storage?.close());

  it('reports bars missing on either side and OHLCV differing beyond the tolerance, exactly', async () => {
    const symbol = uniqueName("SOL-'; --");
    const trade = (minute: number, second: number, price: string, size: string, id: string): TradeInput => ({
      time: new Date(M0 + minute * MIN + second * 1000), venue: 'kraken', symbol, price, size, side: 'buy', tradeId: id,
    });
    // Minutes 0, 1 and 2 have trades: O 100 H 105 L 99 C 101 V 4.5 each.
    const sent: TradeInput[] = [];
    for (const m of [0, 1, 2]) {
      sent.push(trade(m, 0, '100', '1', `${m}a`), trade(m, 10, '105', '2', `${m}b`), trade(m, 20, '99', '0.5', `${m}c`), trade(m, 30, '101', '1', `${m}d`));
    }
    await market.storeTrades(sent);
    const bar = (minute: number, close: string, volume = '4.5') => ({
      time: new Date(M0 + minute * MIN), venue: 'kraken', symbol, timeframe: '1m' as const, open: '100', high: '105', low: '99', close, volume,
    });
    // Minute 0 agrees (4.500 = 4.5), minute 1's close is off by 0.000000000000000001, minute 2 is missing, minute 3 has no trades.
    await market.upsertCandles([bar(0, '101', '4.500'), bar(1, '101.000000000000000001'), bar(3, '100')]);
    const query = { venue: 'kraken', symbol, timeframe: '1m' as const, start: M0, end: M0 + 10 * MIN };
    const diff = await market.compareCandles(query);
    expect(diff.map((d) => [d.time.getTime(), d.kind, d.fields])).toEqual([
      [M0 + MIN, 'differs', ['close']],
      [M0 + 2 * MIN, 'missing-venue', ['open', 'high', 'low', 'close', 'volume']],
      [M0 + 3 * MIN, 'missing-trades', ['open', 'high', 'low', 'close', 'volume']],
    ]);
    expect(diff[0]?.venue?.close.toString()).toBe('101.000000000000000001');
    expect(diff[0]?.trades?.close.toString()).toBe('101');
    // Within the tolerance the close no longer disagrees; limit cuts the list.
    expect((await market.compareCandles({ ...query, tolerance: '0.000000000000000001' })).map((d) => d.kind)).toEqual(['missing-venue', 'missing-trades']);
    expect((await market.compareCandles({ ...query, limit: 1 })).map((d) => d.kind)).toEqual(['differs']);
  });

  it('refuses bad queries with a ValidationError naming the field', async () => {
    const query = { venue: 'kraken', symbol: 'X', timeframe: '1m' as const, start: M0, end: M0 + MIN };
    for (const [bad, field] of [
      [{ tolerance: '-1' }, 'query.tolerance'],
      [{ tolerance: 'abc' }, 'query.tolerance'],
      [{ limit: 0 }, 'query.limit'],
      [{ end: M0 - 1 }, 'query.end'],
      [{ timeframe: '5m' }, 'query.timeframe'],
    ] as const) {
      const error = await market.compareCandles({ ...query, ...bad } as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });
});
