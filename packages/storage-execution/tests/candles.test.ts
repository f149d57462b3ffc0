// MarketDataStore on every engine: idempotent upserts, bar validation, gaps,
// latest bars, resampling and candles from fills against oracles computed
// here, and CSV export/import.

import { text } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, isAlignedBarTime, MarketDataStore, TIMEFRAMES, timeframeMillis, type CandleInput } from '../src/index.js';
import { Rational } from './support/rational-ledger.js';
import { aCandle, anOrder, uniqueName } from './support/fixtures.js';

const MINUTE = 60_000;

describe('bar alignment', () => {
  it('accepts exactly the multiples of the width from Monday 2000-01-03', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TIMEFRAMES), fc.integer({ min: -20_000, max: 20_000 }), fc.integer({ min: 0, max: 10_000_000 }), (tf, k, offset) => {
        const width = timeframeMillis(tf);
        const aligned = new Date(Date.UTC(2000, 0, 3) + k * width);
        expect(isAlignedBarTime(aligned, tf)).toBe(true);
        expect(isAlignedBarTime(new Date(aligned.getTime() + (offset % width)), tf)).toBe(offset % width === 0);
      }),
    );
  });

  it('starts weeks on Mondays and days at UTC midnight', () => {
    expect(isAlignedBarTime(new Date('2026-11-23T00:00:00Z'), '1w')).toBe(true); // a Monday
    expect(isAlignedBarTime(new Date('2026-11-22T00:00:00Z'), '1w')).toBe(false);
    expect(isAlignedBarTime(new Date('2026-11-22T00:00:00Z'), '1d')).toBe(true);
    expect(isAlignedBarTime(new Date('2026-11-22T04:00:00Z'), '4h')).toBe(true);
  });
});

describeEachEngine('MarketDataStore', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  const countCandles = async () => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM candles`))[0]?.n;
  const rejects = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    return error as ValidationError;
  };
  /** n one-minute bars from `start`, skipping the given indexes; prices from a deterministic walk. */
  const minuteBars = (symbol: string, start: Date, n: number, skip: number[] = []): CandleInput[] => {
    const bars: CandleInput[] = [];
    for (let i = 0; i < n; i += 1) {
      if (skip.includes(i)) continue;
      const open = 100 + ((i * 37) % 11);
      const close = 100 + ((i * 53) % 13);
      bars.push(aCandle({
        symbol, time: new Date(start.getTime() + i * MINUTE), open: `${open}.25`, close: `${close}.5`,
        high: `${Math.max(open, close) + 1}.125`, low: `${Math.min(open, close) - 1}`, volume: `${i + 1}.001`,
      }));
    }
    return bars;
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => storage?.close());

  describe('upsertCandles', () => {
    it('stores a bar once however often it is sent, and replaces it when corrected', async () => {
      const bar = aCandle({ symbol: uniqueName('s') });
      expect(await market.upsertCandles([bar])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      expect(await market.upsertCandles([bar, bar])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      expect(await market.upsertCandles([{ ...bar, close: '106', high: '111' }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      const stored = await market.getCandles({ venue: bar.venue, symbol: bar.symbol, timeframe: '1m', start: bar.time, end: new Date(Date.UTC(2027, 0)) });
      expect(stored).toHaveLength(1);
      expect([stored[0]?.close.toFixed(), stored[0]?.high.toFixed(), stored[0]?.volume.toFixed()]).toEqual(['106', '111', '12.5']);
      expect(stored[0]?.open).toBeInstanceOf(Prisma.Decimal);
    });

    it('keeps exact decimals such as 0.1 + 0.2 and 0.0000001', async () => {
      const bar = aCandle({ symbol: uniqueName('d'), open: 0.1, high: '0.30000000000000004', low: '0.0000001', close: 0.1 + 0.2, volume: '0.0000001' });
      await market.upsertCandles([bar]);
      const [stored] = await market.getLatestCandles({ venue: bar.venue, symbol: bar.symbol, timeframe: '1m' });
      expect([stored?.open.toFixed(), stored?.close.toFixed(), stored?.low.toFixed(), stored?.volume.toFixed()])
        .toEqual(['0.1', '0.30000000000000004', '0.0000001', '0.0000001']);
    });

    const bad: Array<[string, Partial<CandleInput>, string]> = [
      ['high below the close', { high: '104' }, 'candles[0].high'],
      ['high below the open', { open: '111' }, 'candles[0].high'],
      ['low above the open', { low: '101' }, 'candles[0].low'],
      ['a negative volume', { volume: '-1' }, 'candles[0].volume'],
      ['an unknown timeframe', { timeframe: '2m' as never }, 'candles[0].timeframe'],
      ['a misaligned bar time', { time: new Date('2026-11-02T10:00:30Z') }, 'candles[0].time'],
      ['a 1h bar at half past', { timeframe: '1h', time: new Date('2026-11-02T10:30:00Z') }, 'candles[0].time'],
      ['a NaN open', { open: Number.NaN }, 'candles[0].open'],
      ['a missing symbol', { symbol: undefined as never }, 'candles[0].symbol'],
      ['an out-of-range time', { time: new Date('2300-01-01T00:00:00Z') }, 'candles[0].time'],
    ];
    for (const [name, change, field] of bad) {
      it(`refuses ${name} and writes nothing of the batch`, async () => {
        const before = await countCandles();
        await rejects(market.upsertCandles([{ ...aCandle({ symbol: uniqueName('bad') }), ...change }, aCandle({ symbol: uniqueName('ok') })]), field);
        expect(await countCandles()).toBe(before);
      });
    }

    it('accepts an empty batch and refuses a non-array', async () => {
      expect(await market.upsertCandles([])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
      await rejects(market.upsertCandles('bars' as never), 'candles');
    });

    it('round-trips quotes and SQL in venue and symbol', async () => {
      const bar = aCandle({ venue: `v'; DROP TABLE candles; --`, symbol: `"BTC"/'USD'` });
      await market.upsertCandles([bar]);
      const [stored] = await market.getLatestCandles({ venue: bar.venue, symbol: bar.symbol, timeframe: '1m' });
      expect([stored?.venue, stored?.symbol]).toEqual([bar.venue, bar.symbol]);
    });
  });

  describe('reads', () => {
    const symbol = uniqueName('reads');
    const start = new Date('2026-11-05T00:00:00Z');
    const missing = [0, 7, 8, 9, 30, 59];

    beforeAll(async () => {
      await market.upsertCandles(minuteBars(symbol, start, 60, missing));
    });

    it('returns the bars of a range oldest first', async () => {
      const bars = await market.getCandles({ venue: 'binance', symbol, timeframe: '1m', start: new Date(start.getTime() + 10 * MINUTE), end: new Date(start.getTime() + 15 * MINUTE) });
      expect(bars.map((b) => (b.time.getTime() - start.getTime()) / MINUTE)).toEqual([10, 11, 12, 13, 14]);
    });

    it('returns the newest bars, oldest first', async () => {
      const bars = await market.getLatestCandles({ venue: 'binance', symbol, timeframe: '1m', count: 3 });
      expect(bars.map((b) => (b.time.getTime() - start.getTime()) / MINUTE)).toEqual([56, 57, 58]);
    });

    it('finds every run of missing bars in a range', async () => {
      const gaps = await market.findGaps({ venue: 'binance', symbol, timeframe: '1m', start, end: new Date(start.getTime() + 60 * MINUTE) });
      // Oracle: group the skipped indexes into runs.
      const runs: Array<[number, number]> = [];
      for (const i of missing) {
        const last = runs[runs.length - 1];
        if (last && last[1] === i) last[1] = i + 1;
        else runs.push([i, i + 1]);
      }
      expect(gaps.map((g) => [(g.start.getTime() - start.getTime()) / MINUTE, (g.end.getTime() - start.getTime()) / MINUTE, g.missingBars]))
        .toEqual(runs.map(([a, b]) => [a, b, b - a]));
    });

    it('reports a range without any bar as one gap, and a complete range as none', async () => {
      const empty = await market.findGaps({ venue: 'binance', symbol, timeframe: '1m', start: '2026-11-06T00:00:00Z', end: '2026-11-06T00:10:00Z' });
      expect(empty.map((g) => g.missingBars)).toEqual([10]);
      const full = await market.findGaps({ venue: 'binance', symbol, timeframe: '1m', start: new Date(start.getTime() + 10 * MINUTE), end: new Date(start.getTime() + 30 * MINUTE) });
      expect(full).toEqual([]);
    });

    it('rounds an unaligned range start up to the next bar', async () => {
      const gaps = await market.findGaps({ venue: 'binance', symbol, timeframe: '1m', start: new Date(start.getTime() + 6.5 * MINUTE), end: new Date(start.getTime() + 12 * MINUTE) });
      expect(gaps.map((g) => (g.start.getTime() - start.getTime()) / MINUTE)).toEqual([7]);
    });

    it('resamples to 15m with first open, max high, min low, last close and summed volume', async () => {
      const bars = minuteBars(symbol, start, 60, missing);
      const resampled = await market.resampleCandles({ venue: 'binance', symbol, from: '1m', to: '15m', start, end: new Date(start.getTime() + 60 * MINUTE) });
      expect(resampled).toHaveLength(4);
      for (const [k, bar] of resampled.entries()) {
        const group = bars.filter((b) => {
          const t = (b.time as Date).getTime();
          return t >= start.getTime() + k * 15 * MINUTE && t < start.getTime() + (k + 1) * 15 * MINUTE;
        });
        const max = (xs: string[]) => xs.reduce((a, b) => (Rational.of(a).compare(Rational.of(b)) >= 0 ? a : b));
        const min = (xs: string[]) => xs.reduce((a, b) => (Rational.of(a).compare(Rational.of(b)) <= 0 ? a : b));
        expect(bar.time.getTime()).toBe(start.getTime() + k * 15 * MINUTE);
        expect(bar.open.toFixed()).toBe(Rational.of(group[0]?.open as string).toFixed(18));
        expect(bar.close.toFixed()).toBe(Rational.of(group[group.length - 1]?.close as string).toFixed(18));
        expect(bar.high.toFixed()).toBe(Rational.of(max(group.map((b) => b.high as string))).toFixed(18));
        expect(bar.low.toFixed()).toBe(Rational.of(min(group.map((b) => b.low as string))).toFixed(18));
        expect(bar.volume.toFixed()).toBe(group.reduce((s, b) => s.plus(Rational.of(b.volume as string)), new Rational(0n)).toFixed(18));
        expect([bar.sourceBars, bar.complete]).toEqual([group.length, group.length === 15]);
      }
    });

    it('refuses resampling to a timeframe that is not a larger multiple', async () => {
      await rejects(market.resampleCandles({ venue: 'binance', symbol, from: '1h', to: '15m', start, end: new Date(start.getTime() + MINUTE) }), 'query.to');
    });

    it('refuses bad read queries', async () => {
      await rejects(market.getCandles({ venue: 'binance', symbol, timeframe: '3m' as never, start, end: new Date(start.getTime() + MINUTE) }), 'query.timeframe');
      await rejects(market.getLatestCandles({ venue: 'binance', symbol, timeframe: '1m', count: 0 }), 'query.count');
      await rejects(market.findGaps({ venue: 'binance', symbol, timeframe: '1m', start, end: start }), 'query.end');
    });
  });

  describe('candles from fills', () => {
    it('builds OHLCV bars from the fills of a market, per timeframe', async () => {
      const executions = new ExecutionStore(storage);
      const venue = uniqueName('fv');
      const order = anOrder({ venue, market: 'SOL-USD', size: '1000', status: 'open' });
      await executions.storeOrder(order);
      const base = Date.UTC(2026, 10, 20, 12, 0);
      const fills = Array.from({ length: 40 }, (_, i) => ({
        clientOrderId: order.clientOrderId, venueFillId: `f${i}`, time: new Date(base + i * 37_000),
        price: `${20 + ((i * 7) % 9)}.5`, size: `${(i % 4) + 1}.25`,
      }));
      await executions.storeFills(fills);
      const bars = await market.getCandlesFromFills({ venue, market: 'SOL-USD', timeframe: '5m', start: new Date(base), end: new Date(base + 3600_000) });
      const buckets = new Map<number, typeof fills>();
      for (const f of fills) {
        const bucket = Math.floor(f.time.getTime() / (5 * MINUTE)) * 5 * MINUTE;
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), f]);
      }
      expect(bars.map((b) => b.time.getTime())).toEqual([...buckets.keys()]);
      for (const bar of bars) {
        const group = buckets.get(bar.time.getTime()) ?? [];
        const prices = group.map((f) => Number(f.price));
        expect([bar.open.toNumber(), bar.close.toNumber()]).toEqual([prices[0], prices[prices.length - 1]]);
        expect([bar.high.toNumber(), bar.low.toNumber()]).toEqual([Math.max(...prices), Math.min(...prices)]);
        expect(bar.volume.toFixed()).toBe(group.reduce((s, f) => s.plus(Rational.of(f.size)), new Rational(0n)).toFixed(18));
        expect(bar.tradeCount).toBe(group.length);
        expect(bar.symbol).toBe('SOL-USD');
      }
    });
  });

  describe('CSV', () => {
    it('exports a series and imports it back identically', async () => {
      const symbol = `${uniqueName('csv')},"quoted"'s`;
      const start = new Date('2026-11-07T00:00:00Z');
      await market.upsertCandles(minuteBars(symbol, start, 30));
      const range = { venue: 'binance', timeframe: '1m' as const, start, end: new Date(start.getTime() + 30 * MINUTE) };
      const csv = await text(market.exportCandlesCsv({ ...range, symbol }));
      expect(csv.split('\n')[0]).toBe('time,venue,symbol,timeframe,open,high,low,close,volume');
      const copy = `${symbol}-copy`;
      const imported = await market.importCandlesCsv(csv.replaceAll(JSON.stringify(symbol).replace(/\\"/g, '""'), JSON.stringify(copy).replace(/\\"/g, '""')));
      expect(imported).toEqual({ records: 30, inserted: 30, updated: 0, unchanged: 0 });
      const original = await market.getCandles({ ...range, symbol });
      const restored = await market.getCandles({ ...range, symbol: copy });
      expect(restored.map(({ symbol: _s, ...rest }) => rest)).toEqual(original.map(({ symbol: _s, ...rest }) => rest));
    });

    it('imports a file without series columns using defaults, and re-importing changes nothing', async () => {
      const symbol = uniqueName('def');
      const csv = 'time,open,high,low,close,volume\n2026-11-08T00:00:00Z,1,2,0.5,1.5,10\n2026-11-08T00:01:00.000Z,1.5,1.5,1.5,1.5,0\n';
      const defaults = { venue: 'kraken', symbol, timeframe: '1m' as const };
      expect(await market.importCandlesCsv(csv, defaults)).toEqual({ records: 2, inserted: 2, updated: 0, unchanged: 0 });
      expect(await market.importCandlesCsv(Buffer.from(csv), defaults)).toEqual({ records: 2, inserted: 0, updated: 0, unchanged: 2 });
    });

    it('rejects a bad record naming its line, and imports nothing of the file', async () => {
      const symbol = uniqueName('badcsv');
      const before = await countCandles();
      const csv = [
        'time,venue,symbol,timeframe,open,high,low,close,volume',
        `2026-11-08T00:00:00Z,binance,${symbol},1m,1,2,0.5,1.5,10`,
        `2026-11-08T00:01:00Z,binance,${symbol},1m,1,2,0.5,1.5,10`,
        `2026-11-08T00:02:00Z,binance,${symbol},1m,1,1.2,0.5,1.5,10`,
      ].join('\n');
      const error = await rejects(market.importCandlesCsv(csv), 'csv line 4.high');
      expect(error.message).toMatch(/below max\(open, close\)/);
      expect(await countCandles()).toBe(before);
    });

    it('rejects unknown and missing columns, and malformed CSV', async () => {
      await rejects(market.importCandlesCsv('time,open,high,low,close,volume,vwap\n'), 'csv header');
      await rejects(market.importCandlesCsv('time,open,high,low,close\n'), 'csv header');
      await rejects(market.importCandlesCsv('time,open,high,low,close,volume\n2026-11-08T00:00:00Z,1,2,0.5,1.5,10\n'), 'csv header');
      const malformed = 'time,venue,symbol,timeframe,open,high,low,close,volume\n"2026-11-08T00:00:00Z,binance\n';
      const error = await market.importCandlesCsv(malformed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    });
  });
});
