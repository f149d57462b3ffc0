// The input schemas under arbitrary input (fast-check): anything is either a
// well-formed parsed value or a ValidationError naming a field of the input
// -- never another exception, never a half-checked value.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { ExactDecimal, isAlignedBarTime } from '../src/index.js';
import { candleInputSchema } from '../src/market-data/candle-input.js';
import { fillInputSchema } from '../src/fills/fill-input.js';
import { orderInputSchema } from '../src/orders/order-input.js';
import { positionInputSchema } from '../src/positions/position-input.js';
import { parseBatch, parseInput } from '../src/validation/parse-input.js';
import { aCandle, aFill, anOrder } from './support/fixtures.js';

/** Runs parse and returns the parsed value, or null after checking the error is a ValidationError rooted at `field`. */
function parseOrReject<T>(parse: () => T, field: string): T | null {
  try {
    return parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field.startsWith(field)).toBe(true);
    return null;
  }
}

const junk = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, '', ' ', 'NaN', '1e400', '-0', '0.1', "'; DROP TABLE orders; --", new Date(Number.NaN), null, undefined),
);

describe('input schemas under arbitrary input', () => {
  it('orders: any field replaced by junk parses to a consistent order or is a ValidationError', () => {
    const keys = ['id', 'clientOrderId', 'time', 'venue', 'market', 'side', 'orderType', 'price', 'size', 'filledSize', 'status', 'venueOrderId', 'timeInForce', 'stateTime'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, (key, value) => {
        const parsed = parseOrReject(() => parseInput(orderInputSchema, { ...anOrder(), [key]: value }, 'order'), 'order');
        if (parsed) {
          expect(new ExactDecimal(parsed.size).greaterThan(0)).toBe(true);
          if (parsed.filledSize !== undefined) expect(new ExactDecimal(parsed.filledSize).lessThanOrEqualTo(parsed.size)).toBe(true);
          if (parsed.price !== undefined && parsed.price !== null) expect(new ExactDecimal(parsed.price).greaterThan(0)).toBe(true);
          expect(Number.isNaN(parsed.time.getTime())).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fills: junk in any field parses to a positive-size fill or is a ValidationError', () => {
    const keys = ['id', 'orderId', 'clientOrderId', 'venueFillId', 'time', 'price', 'size', 'fee', 'feeCurrency', 'venue', 'market', 'side'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, (key, value) => {
        const parsed = parseOrReject(() => parseInput(fillInputSchema, { ...aFill({ clientOrderId: 'c' }), [key]: value }, 'fill'), 'fill');
        if (parsed) {
          expect(new ExactDecimal(parsed.size).greaterThan(0)).toBe(true);
          expect(parsed.orderId !== undefined || parsed.clientOrderId !== undefined).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('candles: any accepted bar is consistent and aligned', () => {
    const price = fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.double({ noNaN: false }), junk);
    fc.assert(
      fc.property(price, price, price, price, fc.oneof(price, fc.constant('1')), fc.constantFrom('1m', '5m', '1h', '1d', '1w', '2m', ''), fc.integer({ min: 0, max: 4e12 }), (open, high, low, close, volume, timeframe, ms) => {
        const bar = { ...aCandle(), open, high, low, close, volume, timeframe, time: new Date(ms) };
        const parsed = parseOrReject(() => parseInput(candleInputSchema, bar, 'candle'), 'candle');
        if (parsed) {
          const [o, h, l, c] = [parsed.open, parsed.high, parsed.low, parsed.close].map((v) => new ExactDecimal(v));
          expect(h?.greaterThanOrEqualTo(ExactDecimal.max(o as ExactDecimal, c as ExactDecimal))).toBe(true);
          expect(l?.lessThanOrEqualTo(ExactDecimal.min(o as ExactDecimal, c as ExactDecimal))).toBe(true);
          expect(new ExactDecimal(parsed.volume).greaterThanOrEqualTo(0)).toBe(true);
          expect(isAlignedBarTime(parsed.time, parsed.timeframe)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('positions: junk anywhere is a ValidationError or a valid snapshot', () => {
    const keys = ['time', 'venue', 'market', 'size', 'avgEntryPrice', 'unrealizedPnl', 'realizedPnl'];
    const base = { time: new Date('2026-11-02T00:00:00Z'), venue: 'v', market: 'm', size: '1' };
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, (key, value) => {
        parseOrReject(() => parseInput(positionInputSchema, { ...base, [key]: value }, 'position'), 'position');
      }),
      { numRuns: 300 },
    );
  });

  it('batches name the index of the first bad item', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), (bad) => {
        const orders = Array.from({ length: 10 }, (_, i) => (i === bad ? { ...anOrder(), size: '-1' } : anOrder()));
        const error = (() => {
          try {
            parseBatch(orderInputSchema, orders, 'orders');
          } catch (e) {
            return e as ValidationError;
          }
          return null;
        })();
        expect(error?.field).toBe(`orders[${bad}].size`);
      }),
    );
  });
});
