// The ingest hot path's series cache (PointNormalizer), without a database:
// a series is validated once however the caller builds its points, points of
// different series never share one, and whatever the cache saw, a bad point
// is refused exactly as normalizePoint refuses it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, ValidationError } from '@ag/storage-core';
import { PointNormalizer } from '../src/ingest/point-normalizer.js';
import { metricLimitsFromConfig, normalizePoint } from '../src/point-validation.js';
import { HOSTILE_STRINGS } from '@ag/storage-testing/generators';

const limits = metricLimitsFromConfig(loadConfig({ env: {} }).ingestion);
const NOW = Date.UTC(2026, 10, 1);

function outcome(fn: () => { seriesKey: string; timeMs: number; value: number }): string {
  try {
    const p = fn();
    return `ok ${p.seriesKey} ${p.timeMs} ${p.value}`;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return `refused ${error.field}`;
  }
}

describe('PointNormalizer', () => {
  it('validates a series once, whether the caller builds a new labels object and Date per call or reuses them', () => {
    const normalizer = new PointNormalizer(limits, 1000);
    const reused = { venue: 'binance', market: 'BTC-USD' };
    const refs = new Set<unknown>();
    for (let i = 0; i < 50; i += 1) {
      refs.add(normalizer.normalize({ name: 'px', value: i, timestamp: new Date(NOW + i), labels: { venue: 'binance', market: 'BTC-USD' } }, 'p', NOW).series);
      refs.add(normalizer.normalize({ name: 'px', value: i, timestamp: NOW + i, labels: reused }, 'p', NOW).series);
    }
    expect(refs.size).toBe(1);
    expect(normalizer.stats()).toEqual({ cachedSeries: 1, labelValidations: 1 });
  });

  it('gives the same labels in another key order the same series key', () => {
    const normalizer = new PointNormalizer(limits, 1000);
    const a = normalizer.normalize({ name: 'px', value: 1, labels: { venue: 'v', market: 'm' } }, 'p', NOW);
    const b = normalizer.normalize({ name: 'px', value: 1, labels: { market: 'm', venue: 'v' } }, 'p', NOW);
    expect(b.seriesKey).toBe(a.seriesKey);
    expect(a.labelsJson).toBe('{"market":"m","venue":"v"}');
  });

  it('refuses a non-string label value that looks like a cached one', () => {
    const normalizer = new PointNormalizer(limits, 1000);
    normalizer.normalize({ name: 'px', value: 1, labels: { venue: '1' } }, 'p', NOW);
    expect(() => normalizer.normalize({ name: 'px', value: 1, labels: { venue: 1 } } as never, 'p', NOW)).toThrow(ValidationError);
  });

  it('refuses a bad point every time, not only the first', () => {
    const normalizer = new PointNormalizer(limits, 1000);
    for (let i = 0; i < 3; i += 1) {
      expect(outcome(() => normalizer.normalize({ name: 'px', value: 1, labels: { venue: 'a\u0000b' } }, 'p', NOW))).toBe('refused p.labels.venue');
    }
    expect(normalizer.stats().cachedSeries).toBe(0);
  });

  it('keeps hostile label values as data, each its own series', () => {
    const normalizer = new PointNormalizer(limits, 1000);
    const keys = new Set<string>();
    for (const text of HOSTILE_STRINGS) {
      const result = outcome(() => normalizer.normalize({ name: 'px', value: 1, timestamp: NOW, labels: { venue: text } }, 'p', NOW));
      expect(result).toBe(outcome(() => normalizePoint({ name: 'px', value: 1, timestamp: NOW, labels: { venue: text } }, limits, 'p', NOW)));
      if (result.startsWith('ok')) keys.add(result);
    }
    expect(normalizer.stats().cachedSeries).toBe(keys.size);
  });

  it('starts over past its bound and still answers the same', () => {
    const normalizer = new PointNormalizer(limits, 2);
    const keys = [0, 1, 2, 3, 0, 1].map((i) => normalizer.normalize({ name: 'px', value: 1, labels: { n: String(i) } }, 'p', NOW).seriesKey);
    expect(keys).toEqual(['0', '1', '2', '3', '0', '1'].map((n) => `px\u0000{"n":"${n}"}`));
    expect(normalizer.stats().cachedSeries).toBeLessThanOrEqual(2);
  });
});

describe('PointNormalizer (properties)', () => {
  const labelKey = fc.constantFrom('venue', 'market', 'bot', 'a', 'b', 'bad key', "q'uote");
  const labelValue = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '1', "'; DROP TABLE metric_points;--", 'a\u0000', '\ud800'), fc.integer());
  const point = fc.record({
    name: fc.constantFrom('px', 'qty', 'bad name', 5),
    value: fc.oneof(fc.double(), fc.integer()),
    timestamp: fc.oneof(fc.integer({ min: -10, max: 10 }).map((d) => NOW + d), fc.constant(new Date(Number.NaN)), fc.constant(-1), fc.constant(undefined)),
    labels: fc.oneof(fc.dictionary(labelKey, labelValue, { maxKeys: 3 }), fc.constant(undefined)),
  });

  it('answers every sequence of points exactly as normalizePoint answers each one alone', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points) => {
        const normalizer = new PointNormalizer(limits, 8);
        for (const p of points) {
          const copy = { ...p, labels: p.labels === undefined ? undefined : { ...p.labels } };
          expect(outcome(() => normalizer.normalize(copy, 'p', NOW))).toBe(outcome(() => normalizePoint(p, limits, 'p', NOW)));
        }
      }),
    );
  });

  it('never lets two different label sets share a series', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(labelKey, fc.string({ maxLength: 4 }), { maxKeys: 3 }), { maxLength: 30 }), (sets) => {
        const normalizer = new PointNormalizer(limits, 1000);
        const byRef = new Map<unknown, string>();
        for (const labels of sets) {
          let p;
          try {
            p = normalizer.normalize({ name: 'px', value: 1, labels: { ...labels } }, 'p', NOW);
          } catch {
            continue;
          }
          const canonical = JSON.stringify(Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : 1)));
          expect(byRef.get(p.series) ?? canonical).toBe(canonical);
          byRef.set(p.series, canonical);
        }
      }),
    );
  });
});
