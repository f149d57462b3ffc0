// Parsing of bucket widths, without a database (the retry backoff is core's: storage-core retry tests).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { MAX_BUCKET_MS, parseBucketWidth } from '../src/index.js';

describe('parseBucketWidth', () => {
  it.each([
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['15 minutes', 900_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['250ms', 250],
    [' 30 S ', 30_000],
    [60_000, 60_000],
  ])('reads %j as %d ms', (input, ms) => {
    expect(parseBucketWidth(input)).toBe(ms);
  });

  it.each([['1 month'], ['5x'], ['m'], [''], [0], [-5], [1.5], [Number.NaN], [null], [{}], ['400d']])('refuses %j', (input) => {
    expect(() => parseBucketWidth(input, 'query.bucket')).toThrow(ValidationError);
  });

  it('reads any whole number of units as that many milliseconds, or refuses it beyond 366 days', () => {
    const units: Array<[string, number]> = [['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...units), (n, [unit, ms]) => {
        const expected = n * ms;
        try {
          return parseBucketWidth(`${n}${unit}`) === expected && expected <= MAX_BUCKET_MS;
        } catch (error) {
          return error instanceof ValidationError && expected > MAX_BUCKET_MS;
        }
      }),
    );
  });
});
