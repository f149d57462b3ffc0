// Every property test of a run uses one fixed seed (AG_TEST_SEED to change
// it), so a run is repeatable, and a failing property names the seed.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROPERTY_SEED, propertySeed } from '../src/index.js';

describe('the property seed', () => {
  it('is fixed unless AG_TEST_SEED gives an integer', () => {
    expect(propertySeed({})).toBe(DEFAULT_PROPERTY_SEED);
    expect(propertySeed({ AG_TEST_SEED: '42' })).toBe(42);
    expect(propertySeed({ AG_TEST_SEED: 'soon' })).toBe(DEFAULT_PROPERTY_SEED);
    expect(propertySeed({ AG_TEST_SEED: '1.5' })).toBe(DEFAULT_PROPERTY_SEED);
  });

  it('is applied to every fc.assert of the run by the shared setup file', () => {
    expect(fc.readConfigureGlobal().seed).toBe(propertySeed());
  });

  it('makes two runs of a property see the same inputs', () => {
    const seen = (): number[] => {
      const values: number[] = [];
      fc.assert(fc.property(fc.integer(), (n) => void values.push(n)), { numRuns: 20 });
      return values;
    };
    expect(seen()).toEqual(seen());
  });

  it('prints the seed when a property fails', () => {
    expect(() => fc.assert(fc.property(fc.integer({ min: 0 }), (n) => n < 0))).toThrow(new RegExp(`seed: ${propertySeed()}`));
  });
});
