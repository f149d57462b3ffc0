// One comparison of aggregate answers for the aggregate tests: equal, with
// stddev allowed a relative 1e-9 (its running computation depends on row order).

import { expect } from 'vitest';
import type { AggregatedMetric } from '../../src/index.js';

export function expectSameResults(actual: AggregatedMetric[], expected: AggregatedMetric[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i] as AggregatedMetric;
    const { stddev: gotStddev, ...got } = row;
    const { stddev: wantStddev, ...rest } = want;
    expect(got).toEqual(rest);
    if (wantStddev === undefined || wantStddev === null || gotStddev === null) expect(gotStddev).toBe(wantStddev);
    else expect(Math.abs((gotStddev as number) - wantStddev)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(wantStddev)));
  });
}
