// getCandles({ source: 'trades' }) on every engine: 1m, 1h and 1d bars built
// from the stored trades equal an oracle computed here over the inserted
// trades (open/close = first/last trade by time, exact sums), also after
// late trades land in bars already read.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExactDecimal, MarketDataStore, timeframeMillis, type TradeInput } from '../src/index.js';
import { uniqueName } from './support/fixtures.js';

const DAY0 = Date.parse('2026-11-02T00:00:00.000Z');

/** Trades at distinct times over two days, with prices and sizes from a deterministic walk. */
function tradeWalk(symbol: string, n: number, seed: number): TradeInput[] {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(DAY0 + ((i * 7919 + seed * 104_729) % (2 * 86_400)) * 1000 + (i % 1000)),
    venue: 'oracle', symbol,
    price: `${100 + ((i * 37 + seed) % 50)}.${(i * 13) % 100}`,
    size: `0.${1 + ((i * 11 + seed) % 97)}`,
    tradeId: `s${seed}-${i}`,
  }));
}

function oracle(trades: TradeInput[], width: number) {
  const bars = new Map<number, TradeInput[]>();
  for (const t of trades) {
    const ms = (t.time as Date).getTime();
    const bucket = ms - (((ms % width) + width) % width);
    bars.set(bucket, [...(bars.get(bucket) ?? []), t]);
  }
  return [...bars.entries()].sort(([a], [b]) => a - b).map(([bucket, ts]) => {
    const byTime = [...ts].sort((a, b) => (a.time as Date).getTime() - (b.time as Date).getTime());
    const prices = ts.map((t) => new ExactDecimal(t.price as string));
    return [
      bucket,
      new ExactDecimal(byTime[0]!.price as string).toFixed(),
      ExactDecimal.max(...prices).toFixed(),
      ExactDecimal.min(...prices).toFixed(),
      new ExactDecimal(byTime[byTime.length - 1]!.price as string).toFixed(),
      ts.reduce((sum, t) => sum.plus(t.size as string), new ExactDecimal(0)).toFixed(),
    ];
  });
}

describeEachEngine('candles from trades', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => storage?.close());

  const bars = async (symbol: string, timeframe: '1m' | '1h' | '1d') =>
    (await market.getCandles({ venue: 'oracle', symbol, timeframe, start: DAY0, end: DAY0 + 2 * 86_400_000, source: 'trades' }))
      .map((c) => [c.time.getTime(), c.open.toFixed(), c.high.toFixed(), c.low.toFixed(), c.close.toFixed(), c.volume.toFixed()]);

  it('builds 1m, 1h and 1d bars equal to the oracle, and again after late trades', async () => {
    const symbol = uniqueName('CANDLE');
    const first = tradeWalk(symbol, 600, 1);
    await market.storeTrades(first);
    for (const tf of ['1m', '1h', '1d'] as const) expect(await bars(symbol, tf)).toEqual(oracle(first, timeframeMillis(tf)));
    const late = tradeWalk(symbol, 300, 2);
    await market.storeTrades(late);
    for (const tf of ['1m', '1h', '1d'] as const) expect(await bars(symbol, tf)).toEqual(oracle([...first, ...late], timeframeMillis(tf)));
  });

  it('refuses a timeframe trades are not rolled up to', async () => {
    const error = await market.getCandles({ venue: 'oracle', symbol: 'X', timeframe: '5m', start: DAY0, end: DAY0 + 1, source: 'trades' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('query.timeframe');
  });
});
