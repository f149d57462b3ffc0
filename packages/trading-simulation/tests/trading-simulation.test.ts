// The simulation is reproducible (the bot's restart and the CLI's seed rely
// on it): the same seed and start give the same output, another seed other
// output, and money comes out as plain decimal text.

import { describe, expect, it } from 'vitest';
import { SIMULATED_MARKETS, TradingSimulation, generateSeriesSet, hash32, seededRandom } from '../src/index.js';

const START = Date.UTC(2026, 10, 20);
const run = (seed: number) => new TradingSimulation({ markets: SIMULATED_MARKETS.slice(0, 2), seed, startTime: START }).advanceTo(START + 30 * 60_000);

describe('TradingSimulation', () => {
  it('gives the same output for the same seed and start, and other output for another seed', () => {
    const a = run(7);
    expect(a.fills.length).toBeGreaterThan(0);
    expect(a.points.length).toBeGreaterThan(0);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });

  it('writes prices and sizes as plain decimal text, never exponent notation', () => {
    const out = run(7);
    for (const fill of out.fills) {
      for (const value of Object.values(fill)) if (typeof value === 'string') expect(value).not.toMatch(/\d[eE][+-]?\d/);
    }
  });

  it('prints trades and quotes only from ticksFrom on, without changing the rest of the output', () => {
    const ticksFrom = START + 20 * 60_000;
    const plain = run(7);
    const withTicks = new TradingSimulation({ markets: SIMULATED_MARKETS.slice(0, 2), seed: 7, startTime: START, ticksFrom }).advanceTo(START + 30 * 60_000);
    expect(plain.trades).toEqual([]);
    expect(plain.quotes).toEqual([]);
    expect({ ...withTicks, trades: [], quotes: [] }).toEqual(plain);
    // 10 minutes of 10 s steps, 2 markets: 3 trades and a quote per step.
    expect(withTicks.trades).toHaveLength(2 * 60 * 3);
    expect(withTicks.quotes).toHaveLength(2 * 60);
    for (const t of withTicks.trades) {
      expect(t.time.getTime()).toBeGreaterThanOrEqual(ticksFrom);
      expect(Number(t.price)).toBeGreaterThan(0);
      expect(Number(t.size)).toBeGreaterThan(0);
    }
    for (const q of withTicks.quotes) expect(Number(q.bid)).toBeLessThan(Number(q.ask));
    expect(new Set(withTicks.trades.map((t) => `${t.venue}/${t.symbol}/${t.tradeId}`)).size).toBe(withTicks.trades.length);
  });

  it('refuses a simulation without markets', () => {
    expect(() => new TradingSimulation({ markets: [], seed: 1, startTime: START })).toThrow(RangeError);
  });
});

describe('seeded generators', () => {
  it('repeat for a seed', () => {
    const [r1, r2] = [seededRandom(3), seededRandom(3)];
    expect(Array.from({ length: 5 }, r1)).toEqual(Array.from({ length: 5 }, r2));
    expect(hash32(1, 2)).toBe(hash32(1, 2));
    expect(generateSeriesSet(20, 5)).toEqual(generateSeriesSet(20, 5));
    expect(generateSeriesSet(20, 5)).toHaveLength(20);
  });
});
