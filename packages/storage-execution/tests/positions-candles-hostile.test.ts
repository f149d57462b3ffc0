// Hostile input on the position and candle write APIs (issue #7), on every
// engine: storePosition / storePositions / upsertCandles get generated
// inputs, valid or with one or two fields made nasty. Each input is either
// stored and read back equal (queryPositions, getCandles: exact decimal
// text, names verbatim, times to the ms) or refused with a ValidationError
// with the table unchanged; a batch with one bad item writes nothing.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { hostilePropertyParameters, HostileTally } from '@ag/storage-testing/generators';
import { ExecutionStore, MarketDataStore, TIMEFRAMES, timeframeMillis, type CandleInput, type PositionInput } from '../src/index.js';
import {
  decimalArb,
  decimalText,
  enumArb,
  nameArb,
  storableNameArb,
  timeArb,
  timeMs,
  validationErrorOf,
  validPositiveDecimalArb,
  validTimeArb,
  withHostileFields,
} from './support/hostile-inputs.js';

const RUNS = 150;
/** The valid-only halves: generated valid inputs are never refused. */
const VALID_RUNS = 60;
const signed = fc.oneof(validPositiveDecimalArb, validPositiveDecimalArb.map((d) => `-${d}`), fc.constant('0'));

const validPosition = fc.record(
  { time: validTimeArb, venue: storableNameArb, market: storableNameArb, size: signed, avgEntryPrice: fc.oneof(validPositiveDecimalArb, fc.constant(null)), unrealizedPnl: signed, realizedPnl: signed },
  { requiredKeys: ['time', 'venue', 'market', 'size'] },
);

const positionArb = withHostileFields(validPosition, { time: timeArb, venue: nameArb, market: nameArb, size: decimalArb({ negative: true }), avgEntryPrice: fc.oneof(decimalArb(), fc.constant(null)), unrealizedPnl: decimalArb({ negative: true }) });

/** Exact order of two positive decimal texts (Number() would merge 99999999999999999989 and 1e20). */
function comparePositiveDecimals(a: string, b: string): number {
  const scaled = (text: string) => {
    const plain = decimalText(text);
    const [whole = '0', fraction = ''] = plain.split('.');
    return BigInt(whole + fraction.padEnd(40, '0'));
  };
  const [x, y] = [scaled(a), scaled(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A consistent bar on its timeframe's boundary; open/close/high/low built from three positive decimals. */
const validCandle = fc
  .record({
    timeframe: fc.constantFrom(...TIMEFRAMES),
    bar: fc.integer({ min: 0, max: 80_000 }),
    venue: storableNameArb,
    symbol: storableNameArb,
    prices: fc.array(validPositiveDecimalArb.map(String), { minLength: 4, maxLength: 4 }),
    volume: fc.oneof(validPositiveDecimalArb, fc.constant('0')),
  })
  .map(({ timeframe, bar, venue, symbol, prices, volume }) => {
    const sorted = [...prices].sort(comparePositiveDecimals);
    return {
      time: new Date(Date.UTC(2000, 0, 3) + bar * timeframeMillis(timeframe)),
      venue, symbol, timeframe, open: sorted[1], close: sorted[2], low: sorted[0], high: sorted[3], volume,
    } as Record<string, unknown>;
  });

/** The bars of validCandle inside the storable time range (its weekly bars reach past 2200). */
const fitsNumeric38 = (value: unknown) => decimalText(value).replace(/^-/, '').split('.')[0]!.length <= 20;
const storableCandle = validCandle.filter(
  (c) => (c.time as Date).getTime() < Date.UTC(2200, 0, 1) && [c.open, c.high, c.low, c.close, c.volume].every(fitsNumeric38),
);

const candleArb = withHostileFields(validCandle, {
  time: timeArb,
  venue: nameArb,
  symbol: nameArb,
  timeframe: enumArb(TIMEFRAMES),
  open: decimalArb({ negative: true }),
  high: decimalArb(),
  volume: decimalArb({ negative: true }),
});

describeEachEngine('positions and candles under hostile input', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  let market: MarketDataStore;
  const tally = new HostileTally(`execution [${engine}]`);
  const count = async (table: 'positions' | 'candles') => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
    market = new MarketDataStore(storage);
  });
  afterAll(async () => {
    console.log(tally.report());
    await storage?.close();
  });

  const expectPositionReadBack = async (input: PositionInput) => {
    const ms = timeMs(input.time);
    const [stored, ...others] = await store.queryPositions({ market: input.market, venue: input.venue, start: ms, end: ms + 1 });
    expect(others).toEqual([]);
    expect([stored?.venue, stored?.market, stored?.time.getTime()]).toEqual([input.venue, input.market, ms]);
    expect(stored?.size.toFixed()).toBe(decimalText(input.size));
    expect(stored?.avgEntryPrice?.toFixed() ?? null).toBe(input.avgEntryPrice == null ? null : decimalText(input.avgEntryPrice));
    expect(stored?.unrealizedPnl.toFixed()).toBe(input.unrealizedPnl === undefined ? '0' : decimalText(input.unrealizedPnl));
    expect(stored?.realizedPnl.toFixed()).toBe(input.realizedPnl === undefined ? '0' : decimalText(input.realizedPnl));
  };

  it('storePosition: a snapshot is stored and read back equal, or refused writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(positionArb, async (position) => {
        await storage.execute('DELETE FROM positions');
        const error = await validationErrorOf(() => store.storePosition(position as PositionInput));
        if (error) {
          tally.rejected('storePosition');
          expect(await count('positions')).toBe(0);
          return;
        }
        tally.stored('storePosition');
        await expectPositionReadBack(position as PositionInput);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('storePositions: the whole batch is stored, or nothing of it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(positionArb, { maxLength: 4 }), async (positions) => {
        await storage.execute('DELETE FROM positions');
        const error = await validationErrorOf(() => store.storePositions(positions as PositionInput[]));
        if (error) {
          tally.rejected('storePositions', positions.length);
          expect(error.field).toMatch(/^positions/);
          expect(await count('positions')).toBe(0);
          return;
        }
        tally.stored('storePositions', positions.length);
        const keys = new Set((positions as PositionInput[]).map((p) => JSON.stringify([p.venue, p.market, timeMs(p.time)])));
        expect(await count('positions')).toBe(keys.size);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('upsertCandles: every bar is stored and read back equal, or nothing of the batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(candleArb, { minLength: 1, maxLength: 3 }), async (candles) => {
        await storage.execute('DELETE FROM candles');
        const error = await validationErrorOf(() => market.upsertCandles(candles as CandleInput[]));
        if (error) {
          tally.rejected('upsertCandles', candles.length);
          expect(await count('candles')).toBe(0);
          return;
        }
        tally.stored('upsertCandles', candles.length);
        // The last bar sent for a (venue, symbol, timeframe, time) is the one stored.
        const last = new Map((candles as CandleInput[]).map((c) => [JSON.stringify([c.venue, c.symbol, c.timeframe, timeMs(c.time)]), c]));
        expect(await count('candles')).toBe(last.size);
        for (const bar of last.values()) {
          const ms = timeMs(bar.time);
          const [stored] = await market.getCandles({ venue: bar.venue, symbol: bar.symbol, timeframe: bar.timeframe, start: ms, end: ms + 1 });
          expect(stored?.time.getTime()).toBe(ms);
          expect([stored?.open, stored?.high, stored?.low, stored?.close, stored?.volume].map((d) => d?.toFixed())).toEqual(
            [bar.open, bar.high, bar.low, bar.close, bar.volume].map(decimalText),
          );
        }
      }),
      hostilePropertyParameters(RUNS),
    );
  });
  it('storePosition: every valid snapshot is stored and read back equal, never refused', async () => {
    await fc.assert(
      fc.asyncProperty(validPosition, async (position) => {
        await storage.execute('DELETE FROM positions');
        const error = await validationErrorOf(() => store.storePosition(position as PositionInput));
        expect(error?.message).toBeUndefined();
        await expectPositionReadBack(position as PositionInput);
      }),
      hostilePropertyParameters(VALID_RUNS),
    );
  });

  it('upsertCandles: every valid bar is stored and read back equal, never refused', async () => {
    await fc.assert(
      fc.asyncProperty(storableCandle, async (candle) => {
        await storage.execute('DELETE FROM candles');
        const bar = candle as unknown as CandleInput;
        const error = await validationErrorOf(() => market.upsertCandles([bar]));
        expect(error?.message).toBeUndefined();
        const ms = timeMs(bar.time);
        const stored = await market.getCandles({ venue: bar.venue, symbol: bar.symbol, timeframe: bar.timeframe, start: ms, end: ms + 1 });
        expect(stored.map((c) => [c.time.getTime(), ...[c.open, c.high, c.low, c.close, c.volume].map((d) => d.toFixed())])).toEqual([
          [ms, ...[bar.open, bar.high, bar.low, bar.close, bar.volume].map(decimalText)],
        ]);
      }),
      hostilePropertyParameters(VALID_RUNS),
    );
  });
});
