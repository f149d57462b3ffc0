// Validation and normalization of metric points, without a database:
// examples for each rule, and properties over generated inputs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, ValidationError } from '@ag/storage-core';
import {
  canonicalLabels,
  MAX_TIMESTAMP_MS,
  metricLimitsFromConfig,
  MIN_TIMESTAMP_MS,
  normalizeBatch,
  normalizePoint,
} from '../src/index.js';

const limits = metricLimitsFromConfig(loadConfig({ env: {} }).ingestion);
const NOW = Date.UTC(2026, 10, 1);

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('normalizePoint', () => {
  it('sorts label keys into canonical JSON and keys the series by name and labels', () => {
    const point = normalizePoint({ name: 'cpu.load', value: 1, timestamp: NOW, labels: { z: '1', a: '2' } }, limits, 'p', NOW);
    expect(point.labelsJson).toBe('{"a":"2","z":"1"}');
    expect(point.seriesKey).toBe('cpu.load\u0000{"a":"2","z":"1"}');
    expect(point.timeMs).toBe(NOW);
  });

  it('defaults a missing timestamp to now and missing labels to none', () => {
    const point = normalizePoint({ name: 'x', value: 2 }, limits, 'p', NOW);
    expect([point.timeMs, point.labelsJson]).toEqual([NOW, '{}']);
  });

  it.each([
    ['NaN value', { name: 'x', value: Number.NaN }, 'p.value'],
    ['Infinity value', { name: 'x', value: Number.POSITIVE_INFINITY }, 'p.value'],
    ['-Infinity value', { name: 'x', value: Number.NEGATIVE_INFINITY }, 'p.value'],
    ['string value', { name: 'x', value: '1.5' }, 'p.value'],
    ['null value', { name: 'x', value: null }, 'p.value'],
    ['bigint value', { name: 'x', value: 1n }, 'p.value'],
    ['empty name', { name: '', value: 1 }, 'p.name'],
    ['name with a space', { name: 'a b', value: 1 }, 'p.name'],
    ['name with SQL', { name: "x'; DROP TABLE metric_points;--", value: 1 }, 'p.name'],
    ['name starting with a digit', { name: '1x', value: 1 }, 'p.name'],
    ['name too long', { name: 'x'.repeat(201), value: 1 }, 'p.name'],
    ['numeric name', { name: 5, value: 1 }, 'p.name'],
    ['invalid Date', { name: 'x', value: 1, timestamp: new Date('nope') }, 'p.timestamp'],
    ['timestamp before 1970', { name: 'x', value: 1, timestamp: new Date('1969-12-31T23:59:59Z') }, 'p.timestamp'],
    ['timestamp after 9999', { name: 'x', value: 1, timestamp: Date.UTC(10000, 0, 1) }, 'p.timestamp'],
    ['timestamp as a string', { name: 'x', value: 1, timestamp: '2026-11-01' }, 'p.timestamp'],
    ['fractional epoch milliseconds', { name: 'x', value: 1, timestamp: 1.5 }, 'p.timestamp'],
    ['labels as an array', { name: 'x', value: 1, labels: ['a'] }, 'p.labels'],
    ['labels as a string', { name: 'x', value: 1, labels: 'a=b' }, 'p.labels'],
    ['numeric label value', { name: 'x', value: 1, labels: { venue: 1 } }, 'p.labels.venue'],
    ['null label value', { name: 'x', value: 1, labels: { venue: null } }, 'p.labels.venue'],
    ['object label value', { name: 'x', value: 1, labels: { venue: {} } }, 'p.labels.venue'],
    ['label value with NUL', { name: 'x', value: 1, labels: { venue: 'a\u0000b' } }, 'p.labels.venue'],
    ['label value with a lone surrogate', { name: 'x', value: 1, labels: { venue: 'a\ud800b' } }, 'p.labels.venue'],
    ['label name with a quote', { name: 'x', value: 1, labels: { "ven'ue": 'a' } }, "p.labels.ven'ue"],
    ['label value too long', { name: 'x', value: 1, labels: { venue: 'v'.repeat(1025) } }, 'p.labels.venue'],
    ['too many labels', { name: 'x', value: 1, labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }, 'p.labels'],
    ['labels too large in total', { name: 'x', value: 1, labels: { a: 'v'.repeat(1000), b: 'v'.repeat(1000), c: 'v'.repeat(100) } }, 'p.labels'],
    ['a point that is null', null, 'p'],
    ['a point that is a number', 42, 'p'],
  ])('rejects %s, naming the field', (_case, input, field) => {
    const error = rejection(() => normalizePoint(input, limits, 'p', NOW));
    expect(error.field).toBe(field);
  });

  it('sees changes to a labels object that was used before', () => {
    const labels: Record<string, unknown> = { venue: 'a' };
    expect(normalizePoint({ name: 'x', value: 1, labels } as never, limits, 'p', NOW).labelsJson).toBe('{"venue":"a"}');
    labels.venue = 'b';
    labels.market = 'm';
    expect(normalizePoint({ name: 'x', value: 1, labels } as never, limits, 'p', NOW).seriesKey).toBe('x\u0000{"market":"m","venue":"b"}');
    labels.venue = 7;
    expect(() => normalizePoint({ name: 'x', value: 1, labels } as never, limits, 'p', NOW)).toThrow(ValidationError);
  });

  it('names the offending value in the error', () => {
    const error = rejection(() => normalizePoint({ name: 'x', value: Number.NaN }, limits, 'p', NOW));
    expect(Number.isNaN(error.value)).toBe(true);
    expect(error.message).toContain('NaN');
  });

  it('accepts the boundary timestamps', () => {
    expect(normalizePoint({ name: 'x', value: 1, timestamp: MIN_TIMESTAMP_MS }, limits, 'p', NOW).timeMs).toBe(MIN_TIMESTAMP_MS);
    expect(normalizePoint({ name: 'x', value: 1, timestamp: MAX_TIMESTAMP_MS }, limits, 'p', NOW).timeMs).toBe(MAX_TIMESTAMP_MS);
  });
});

describe('normalizeBatch', () => {
  it('names the index of the first bad point', () => {
    const points = [{ name: 'x', value: 1 }, { name: 'x', value: 2 }, { name: 'x', value: Number.NaN }];
    expect(rejection(() => normalizeBatch(points, limits, 10)).field).toBe('points[2].value');
  });

  it('refuses something that is not an array', () => {
    expect(rejection(() => normalizeBatch({ name: 'x', value: 1 }, limits, 10)).field).toBe('points');
  });

  it('refuses a batch larger than the limit', () => {
    const points = Array.from({ length: 11 }, (_, i) => ({ name: 'x', value: i }));
    const error = rejection(() => normalizeBatch(points, limits, 10));
    expect([error.field, error.message.includes('max_batch_points')]).toEqual(['points', true]);
  });
});

describe('canonicalLabels (properties)', () => {
  const labelKey = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,20}$/);
  const labelValue = fc.string({ maxLength: 40, unit: 'grapheme' });
  const labelSet = fc.dictionary(labelKey, labelValue, { maxKeys: 10 });

  it('is independent of key order', () => {
    fc.assert(
      fc.property(labelSet, (labels) => {
        const reversed = Object.fromEntries(Object.entries(labels).reverse());
        return canonicalLabels(labels, limits, 'l') === canonicalLabels(reversed, limits, 'l');
      }),
    );
  });

  it('round-trips every label exactly through its JSON', () => {
    fc.assert(
      fc.property(labelSet, (labels) => {
        expect(JSON.parse(canonicalLabels(labels, limits, 'l'))).toEqual(labels);
      }),
    );
  });

  it('lists keys in sorted order', () => {
    fc.assert(
      fc.property(labelSet, (labels) => {
        const keys = Object.keys(JSON.parse(canonicalLabels(labels, limits, 'l')) as object);
        expect(keys).toEqual([...keys].sort());
      }),
    );
  });

  it('accepts any finite number and refuses any non-finite one', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const ok = Number.isFinite(value);
        try {
          normalizePoint({ name: 'x', value }, limits, 'p', NOW);
          return ok;
        } catch (error) {
          return !ok && error instanceof ValidationError && error.field === 'p.value';
        }
      }),
    );
  });

  it('accepts exactly the integer timestamps within range', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIMESTAMP_MS - 1e12, max: MAX_TIMESTAMP_MS + 1e12 }), (ms) => {
        const ok = ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
        try {
          return normalizePoint({ name: 'x', value: 1, timestamp: ms }, limits, 'p', NOW).timeMs === ms && ok;
        } catch (error) {
          return !ok && error instanceof ValidationError;
        }
      }),
    );
  });
});
