// fast-check arbitraries of metric points mixing valid and hostile fields
// (the catalog of @ag/storage-testing/generators), and the read-back form a
// stored point must have. Used by metrics-hostile.test.ts.

import fc from 'fast-check';
import {
  HOSTILE_KEYS,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  HOSTILE_TIMESTAMPS,
  STORABLE_HOSTILE_STRINGS,
  WRONG_TYPES,
} from '@ag/storage-testing/generators';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../../src/index.js';

const wrongType = fc.constantFrom(...WRONG_TYPES);
const hostileString = fc.constantFrom(...HOSTILE_STRINGS);

/** Names that are valid most of the time. */
export const metricNameArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,30}$/) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ maxLength: 250, unit: 'binary' }) },
  { weight: 1, arbitrary: wrongType },
);

export const metricValueArb = fc.oneof(
  { weight: 6, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom('1.5', '1e3', 'NaN', '') },
  { weight: 1, arbitrary: wrongType },
);

/** Explicit timestamps only (a defaulted one is "now", checked separately). */
export const explicitTimestampArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }) },
  { weight: 3, arbitrary: fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }).map((ms) => new Date(ms)) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TIMESTAMPS) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);

const labelKeyArb = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,20}$/) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 2, arbitrary: hostileString },
);

const labelValueArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  { weight: 1, arbitrary: wrongType },
);

/** Labels as own data properties (Object.fromEntries keeps `__proto__` as a key). */
export const labelsArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(labelKeyArb, labelValueArb), { maxLength: 6 }).map((entries) => Object.fromEntries(entries)) },
  { weight: 1, arbitrary: wrongType },
);

/** A point whose fields are each valid or hostile; `timestamp` and `labels` are sometimes absent. */
export function pointArb(options: { defaultTimestamp: boolean }): fc.Arbitrary<unknown> {
  const timestamp = options.defaultTimestamp ? fc.option(explicitTimestampArb, { nil: undefined, freq: 4 }) : explicitTimestampArb;
  return fc.oneof(
    { weight: 12, arbitrary: fc.record(
        { name: metricNameArb, value: metricValueArb, timestamp, labels: labelsArb },
        { requiredKeys: options.defaultTimestamp ? ['name', 'value'] : ['name', 'value', 'timestamp'] },
      ) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** Points that are valid but for the odd hostile label value, so that most batches of them are stored. */
export const mostlyValidPointArb: fc.Arbitrary<unknown> = fc.record({
  name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,30}$/),
  value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, Number.MIN_VALUE, Number.MAX_VALUE)),
  timestamp: fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }),
  labels: fc
    .array(fc.tuple(fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), fc.constantFrom(...HOSTILE_KEYS)), fc.oneof(fc.string({ maxLength: 30, unit: 'grapheme' }), hostileString)), { maxLength: 4 })
    .map((entries) => Object.fromEntries(entries)),
});

/**
 * Points valid by every documented rule (names of the metric-name grammar,
 * finite values, timestamps in range as ms or Date, labels with storable
 * text, quotes, SQL, emoji and prototype keys included): each must be stored
 * and read back equal. The other half of the hostile properties: a library
 * that refused everything would fail here.
 */
export const validPointArb = fc.record({
  name: fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,30}$/),
  value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE)),
  timestamp: fc.oneof(
    fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }),
    fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }).map((ms) => new Date(ms)),
  ),
  labels: fc
    .array(
      fc.tuple(
        fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,20}$/), fc.constantFrom(...HOSTILE_KEYS)),
        fc.oneof(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), fc.constantFrom(...STORABLE_HOSTILE_STRINGS)),
      ),
      { maxLength: 6 },
    )
    .map((entries) => Object.fromEntries(entries)),
});

export interface ReadBackPoint {
  name: string;
  value: number;
  timeMs: number;
  labels: Record<string, string>;
}

/** What a stored point must read back as: the same name, value, ms and labels. */
export function expectedReadBack(point: { name: string; value: number; timestamp?: Date | number; labels?: Record<string, string> }, now: number): ReadBackPoint {
  const ts = point.timestamp;
  return {
    name: point.name,
    value: point.value,
    timeMs: ts === undefined ? now : ts instanceof Date ? ts.getTime() : ts,
    labels: { ...(point.labels ?? {}) },
  };
}

/** Series identity of a read-back point: name, sorted label entries, time. */
export function pointKey(point: ReadBackPoint): string {
  const labels = Object.entries(point.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([point.name, labels, point.timeMs + 0]);
}
