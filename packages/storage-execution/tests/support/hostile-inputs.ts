// fast-check arbitraries for the execution inputs, each field valid or
// hostile (the catalog of @ag/storage-testing/generators), and the checks
// the hostile suites share: "a ValidationError or nothing else", the exact
// decimal text a stored value must read back as.

import fc from 'fast-check';
import { expect } from 'vitest';
import { Prisma, ValidationError } from '@ag/storage-core';
import {
  HOSTILE_DECIMAL_TEXTS,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  HOSTILE_TIMESTAMPS,
  WRONG_TYPES,
} from '@ag/storage-testing/generators';
import { ExactDecimal } from '../../src/index.js';

const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1) - 1;

export const wrongType = fc.constantFrom(...WRONG_TYPES);
export const hostileString = fc.constantFrom(...HOSTILE_STRINGS);

/** Names: mostly storable text (quotes, SQL, RTL, emoji included), sometimes hostile or the wrong type. */
export const nameArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }) },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ maxLength: 210, unit: 'binary' }) },
  { weight: 1, arbitrary: wrongType },
);

/** Decimals as strings, numbers and Prisma.Decimal, with exponents, many digits and junk. */
export function decimalArb(options: { negative?: boolean } = {}): fc.Arbitrary<unknown> {
  const digits = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 21n }), fc.nat({ max: 22 }));
  const plain = digits.map(([n, scale]) => {
    const s = n.toString().padStart(scale + 1, '0');
    return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  });
  const signed = options.negative ? fc.tuple(fc.boolean(), plain).map(([neg, s]) => (neg ? `-${s}` : s)) : plain;
  return fc.oneof(
    { weight: 6, arbitrary: signed },
    { weight: 2, arbitrary: fc.double({ min: options.negative ? -1e12 : 0, max: 1e12 }) },
    { weight: 1, arbitrary: signed.map((s) => new Prisma.Decimal(s)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -25, max: 25 })).map(([m, e]) => `${m}e${e}`) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_DECIMAL_TEXTS) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** Times: mostly valid (Date, epoch ms, ISO text with a zone), sometimes hostile. */
export const timeArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms)) },
  { weight: 2, arbitrary: fc.integer({ min: MIN_MS, max: MAX_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms).toISOString()) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TIMESTAMPS) },
);

/** A value from `values` most of the time, else an unknown one or the wrong type. */
export function enumArb(values: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constantFrom(...values.map((v) => v.toUpperCase()), 'unknown', '', ' buy') },
    { weight: 1, arbitrary: wrongType },
  );
}

/** Names that are valid and still nasty: quotes, SQL, `$$`, backslashes, RTL, emoji, `__proto__`. */
export const storableNameArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,30}[A-Za-z0-9]$/),
  fc.constantFrom("'; DROP TABLE orders; --", "x' OR '1'='1", '$$', '$1', '\\', '\\x00', 'NULL', '{a,"b"}', '"', 'שלום', '\u202eevil', 'emoji 🚀📉', '__proto__', 'constructor', 'Ω≈ç√'),
);

/** Positive decimals that fit NUMERIC(38,18), as text, numbers and Prisma.Decimal. */
export const validPositiveDecimalArb = fc.oneof(
  fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.nat({ max: 18 })).map(([n, scale]) => {
    const s = n.toString().padStart(scale + 1, '0');
    return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  }),
  fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 64),
  fc.constantFrom('1e-18', '12.50', '99999999999999999999.999999999999999999', '0.1'),
);

/** Valid times within [1900, 2200): Dates, epoch ms, ISO text. */
export const validTimeArb = fc.oneof(
  fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms)),
  fc.integer({ min: MIN_MS, max: MAX_MS }),
  fc.integer({ min: MIN_MS, max: MAX_MS }).map((ms) => new Date(ms).toISOString()),
);

/**
 * A valid record most of the time with, in most runs, one or two fields
 * replaced by a hostile value (or deleted, or an unknown key added).
 */
export function withHostileFields(valid: fc.Arbitrary<Record<string, unknown>>, hostile: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(hostile);
  const change = fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.constant('replace' as const)).chain(([key]) => hostile[key]!.map((value) => ({ key, value, op: 'replace' as const }))),
    fc.constantFrom(...keys).map((key) => ({ key, value: undefined, op: 'delete' as const })),
    fc.constantFrom('unknownField', '__proto__', 'constructor').map((key) => ({ key, value: 1, op: 'add' as const })),
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(valid, fc.array(change, { maxLength: 2 })).map(([record, changes]) => {
      const out: Record<string, unknown> = { ...record };
      for (const c of changes) {
        if (c.op === 'delete') delete out[c.key];
        else Object.defineProperty(out, c.key, { value: c.value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** The milliseconds a time input denotes. */
export function timeMs(time: unknown): number {
  return time instanceof Date ? time.getTime() : typeof time === 'string' ? Date.parse(time.trim()) : (time as number);
}

/** The canonical text a decimal input must read back as (exact value, no trailing zeros). */
export function decimalText(value: unknown): string {
  const text = Prisma.Decimal.isDecimal(value) ? (value as Prisma.Decimal).toString() : typeof value === 'string' ? value.trim() : String(value);
  return new ExactDecimal(text).toFixed().replace(/^-0$/, '0');
}

export { validationErrorOf } from '@ag/storage-testing/generators';
