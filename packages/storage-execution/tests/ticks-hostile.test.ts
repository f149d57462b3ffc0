// Hostile input on the tick write APIs, on every engine: storeTrades and
// storeQuotes get generated batches, valid or with one or two fields made
// nasty. Each batch is either stored and read back equal (exact decimal
// text, names verbatim, times to the ms) or refused with a ValidationError
// with the table unchanged.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { hostilePropertyParameters, HostileTally } from '@ag/storage-testing/generators';
import { ExactDecimal, MarketDataStore, type QuoteInput, type TradeInput } from '../src/index.js';
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

const RUNS = 120;

const tradeArb = withHostileFields(
  fc.record(
    { time: validTimeArb, venue: storableNameArb, symbol: storableNameArb, price: validPositiveDecimalArb, size: validPositiveDecimalArb, side: fc.constantFrom('buy', 'sell', null), tradeId: storableNameArb },
    { requiredKeys: ['time', 'venue', 'symbol', 'price', 'size', 'tradeId'] },
  ),
  { time: timeArb, venue: nameArb, symbol: nameArb, price: decimalArb({ negative: true }), size: decimalArb({ negative: true }), side: enumArb(['buy', 'sell']), tradeId: nameArb },
);

/** A quote whose bid is below its ask most of the time (a third of them crossed or locked before the hostile changes). */
const quoteArb = withHostileFields(
  fc.record({ time: validTimeArb, venue: storableNameArb, symbol: storableNameArb, a: validPositiveDecimalArb, b: validPositiveDecimalArb, bidSize: validPositiveDecimalArb, askSize: validPositiveDecimalArb })
    .map(({ a, b, ...rest }) => {
      const [low, high] = new ExactDecimal(decimalText(a)).lessThan(decimalText(b)) ? [a, b] : [b, a];
      return { ...rest, bid: low, ask: high } as Record<string, unknown>;
    }),
  { time: timeArb, symbol: nameArb, bid: decimalArb({ negative: true }), ask: decimalArb(), bidSize: decimalArb({ negative: true }) },
);

describeEachEngine('ticks under hostile input', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let market: MarketDataStore;
  const tally = new HostileTally(`ticks [${engine}]`);
  const count = async (table: 'trades' | 'quotes') => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    market = new MarketDataStore(storage);
  });
  afterAll(async () => {
    console.log(tally.report());
    await storage?.close();
  });

  it('storeTrades: the batch is stored and read back equal, or refused writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(tradeArb, { minLength: 1, maxLength: 3 }), async (batch) => {
        await storage.execute('DELETE FROM trades');
        await storage.execute('DELETE FROM trade_keys');
        const error = await validationErrorOf(() => market.storeTrades(batch as TradeInput[]));
        if (error) {
          tally.rejected('storeTrades', batch.length);
          expect(error.field).toMatch(/^trades/);
          expect(await count('trades')).toBe(0);
          return;
        }
        tally.stored('storeTrades', batch.length);
        const first = new Map<string, TradeInput>();
        for (const t of batch as TradeInput[]) {
          const key = JSON.stringify([t.venue, t.symbol, t.tradeId]);
          if (!first.has(key)) first.set(key, t);
        }
        expect(await count('trades')).toBe(first.size);
        for (const t of first.values()) {
          const ms = timeMs(t.time);
          const read = (await market.queryTrades({ venue: t.venue, symbol: t.symbol, start: ms, end: ms + 1 })).filter((r) => r.tradeId === t.tradeId);
          expect(read.map((r) => [r.time.getTime(), r.price.toFixed(), r.size.toFixed(), r.side])).toEqual([[ms, decimalText(t.price), decimalText(t.size), t.side ?? null]]);
        }
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('storeQuotes: the batch is stored and read back equal, or refused writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(quoteArb, { minLength: 1, maxLength: 3 }), async (batch) => {
        await storage.execute('DELETE FROM quotes');
        const error = await validationErrorOf(() => market.storeQuotes(batch as QuoteInput[]));
        if (error) {
          tally.rejected('storeQuotes', batch.length);
          expect(error.field).toMatch(/^quotes/);
          expect(await count('quotes')).toBe(0);
          return;
        }
        tally.stored('storeQuotes', batch.length);
        const first = new Map<string, QuoteInput>();
        for (const q of batch as QuoteInput[]) {
          const key = JSON.stringify([q.venue, q.symbol, timeMs(q.time)]);
          if (!first.has(key)) first.set(key, q);
        }
        expect(await count('quotes')).toBe(first.size);
        for (const q of first.values()) {
          const ms = timeMs(q.time);
          const [read] = await market.queryQuotes({ venue: q.venue, symbol: q.symbol, start: ms, end: ms + 1 });
          expect([read?.bid, read?.bidSize, read?.ask, read?.askSize].map((d) => d?.toFixed())).toEqual([q.bid, q.bidSize, q.ask, q.askSize].map(decimalText));
        }
      }),
      hostilePropertyParameters(RUNS),
    );
  });
});
