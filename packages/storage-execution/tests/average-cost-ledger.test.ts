// The average cost ledger against an independent oracle (exact BigInt
// rationals, support/rational-ledger.ts) on random fill sequences, plus
// worked examples whose results follow from the definition.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactDecimal } from '../src/index.js';
import { AverageCostLedger, type ClosedRoundTrip } from '../src/positions/average-cost-ledger.js';
import { replayWithRationals, type OracleFill } from './support/rational-ledger.js';

const decimalText = (maxWhole: number, scale: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxWhole }), fc.integer({ min: 0, max: 10 ** scale - 1 })).map(([w, f]) => `${w}.${String(f).padStart(scale, '0')}`);
const fillArb: fc.Arbitrary<OracleFill> = fc.record({
  side: fc.constantFrom('buy' as const, 'sell' as const),
  price: decimalText(50_000, 6).filter((p) => Number(p) > 0),
  // Mostly a few round sizes, so that positions often close exactly and flip.
  size: fc.oneof({ arbitrary: fc.constantFrom('0.5', '1', '1.5', '2', '0.25'), weight: 3 }, { arbitrary: decimalText(5, 8).filter((s) => Number(s) > 0), weight: 1 }),
  fee: decimalText(3, 4),
});

function runLedger(fills: readonly OracleFill[], includeFees = true) {
  const ledger = new AverageCostLedger(includeFees);
  const trips: ClosedRoundTrip[] = [];
  fills.forEach((f, i) => {
    trips.push(...ledger.apply({ time: new Date(i * 1000), side: f.side, price: new ExactDecimal(f.price), size: new ExactDecimal(f.size), fee: new ExactDecimal(f.fee) }));
  });
  return { ledger, trips };
}

const at18 = (value: InstanceType<typeof ExactDecimal>) => {
  const text = value.toDecimalPlaces(18, ExactDecimal.ROUND_HALF_EVEN).toFixed();
  return text === '-0' ? '0' : text;
};

describe('AverageCostLedger', () => {
  it('agrees with exact rational arithmetic on position, average entry and realized PnL', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (fills, includeFees) => {
        const { ledger, trips } = runLedger(fills, includeFees);
        const oracle = replayWithRationals(fills, includeFees);
        expect(ledger.size.toFixed()).toBe(oracle.position.toFixed(18));
        expect(ledger.avgEntryPrice === null ? null : at18(ledger.avgEntryPrice)).toBe(oracle.avg === null ? null : oracle.avg.toFixed(18));
        expect(at18(ledger.realizedPnl)).toBe(oracle.realized.toFixed(18));
        expect(trips.map((t) => at18(t.netPnl))).toEqual(oracle.trips.map((t) => t.netPnl.toFixed(18)));
        expect(trips.map((t) => t.closedAt.getTime())).toEqual(oracle.trips.map((t) => t.closedAtIndex * 1000));
      }),
      { numRuns: 300 },
    );
  });

  it('realizes (exit - entry) x size on a simple long round trip, less fees', () => {
    const { ledger, trips } = runLedger([
      { side: 'buy', price: '100', size: '2', fee: '0.1' },
      { side: 'buy', price: '130', size: '1', fee: '0.1' },
      { side: 'sell', price: '120', size: '3', fee: '0.2' },
    ]);
    // average entry (2 x 100 + 1 x 130) / 3 = 110; (120 - 110) x 3 = 30; fees 0.4
    expect(trips).toHaveLength(1);
    expect(trips[0]?.grossPnl.toFixed()).toBe('30');
    expect(trips[0]?.netPnl.toFixed()).toBe('29.6');
    expect(trips[0]?.direction).toBe('long');
    expect(ledger.size.isZero()).toBe(true);
    expect(ledger.avgEntryPrice).toBeNull();
  });

  it('splits a flipping fill into a closed trip and a new one on the other side', () => {
    const { ledger, trips } = runLedger([
      { side: 'sell', price: '50', size: '1', fee: '0' },
      { side: 'buy', price: '40', size: '3', fee: '0.3' },
    ]);
    // short 1 at 50 closed at 40: +10; fee 0.3 split 1/3 to the close, 2/3 to the new long
    expect(trips[0]?.direction).toBe('short');
    expect(trips[0]?.netPnl.toFixed()).toBe('9.9');
    expect(ledger.size.toFixed()).toBe('2');
    expect(ledger.avgEntryPrice?.toFixed()).toBe('40');
  });
});
