// The packed wire form of aggregate answers: JSON arrays per group, put in
// bucket order, with the float8 texts JSON cannot hold (NaN, ±Infinity)
// still read as numbers.

import { describe, expect, it } from 'vitest';
import { unpackBuckets } from '../src/query/packed-buckets.js';

describe('unpackBuckets', () => {
  it('reads buckets and values, null where the server sent NULL', () => {
    expect(unpackBuckets('[1000,1.5,null,3],[2000,-0.25,2,1e+300]')).toEqual([
      [1000, 1.5, null, 3],
      [2000, -0.25, 2, 1e300],
    ]);
  });

  it('puts a group in bucket order whatever order the server packed it in', () => {
    expect(unpackBuckets('[3000,3],[1000,1],[2000,2]').map((b) => b[0])).toEqual([1000, 2000, 3000]);
  });

  it('reads NaN and Infinity as numbers', () => {
    expect(unpackBuckets('[1000,NaN,Infinity,-Infinity,null,2]')).toEqual([[1000, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, 2]]);
  });
});
