// parseDecimal: what callers may pass as money, and what NUMERIC(38,18)
// would silently round or overflow. Property-based with fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@ag/storage-core';
import { parseDecimal } from '../src/index.js';
import { Rational } from './support/rational-ledger.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

describe('parseDecimal', () => {
  it('keeps every value NUMERIC(38,18) can hold exactly, as canonical text', () => {
    fc.assert(
      fc.property(fc.boolean(), digits(1, 20), digits(0, 18), (negative, whole, fraction) => {
        const text = `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
        const parsed = parseDecimal(text);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(Rational.of(parsed.text).compare(Rational.of(text))).toBe(0);
      }),
    );
  });

  it('refuses more than 18 fractional digits instead of rounding', () => {
    fc.assert(
      fc.property(digits(1, 5), digits(18, 18), fc.constantFrom(...'123456789'), (whole, fraction, last) => {
        expect(parseDecimal(`${whole}.${fraction}${last}`).ok).toBe(false);
      }),
    );
  });

  it('refuses more than 20 integer digits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'123456789'), digits(20, 25), (first, rest) => {
        expect(parseDecimal(`${first}${rest}`).ok).toBe(false);
      }),
    );
  });

  it('reads a finite number through its shortest round-trip decimal string', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), (value) => {
        const parsed = parseDecimal(value);
        const expected = parseDecimal(String(value));
        expect(parsed).toEqual(expected);
        if (parsed.ok) expect(Number(parsed.text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });

  it('gives the textbook cases exactly', () => {
    expect(parseDecimal(0.1)).toEqual({ ok: true, text: '0.1' });
    expect(parseDecimal(0.1 + 0.2)).toEqual({ ok: true, text: '0.30000000000000004' });
    expect(parseDecimal('0.0000001')).toEqual({ ok: true, text: '0.0000001' });
    expect(parseDecimal(1e-7)).toEqual({ ok: true, text: '0.0000001' });
    expect(parseDecimal('1.50000')).toEqual({ ok: true, text: '1.5' });
    expect(parseDecimal('-0')).toEqual({ ok: true, text: '0' });
    expect(parseDecimal('1e3')).toEqual({ ok: true, text: '1000' });
    expect(parseDecimal(new Prisma.Decimal('12.340'))).toEqual({ ok: true, text: '12.34' });
  });

  it('refuses NaN, infinities, empty and garbage strings, and other types', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -Infinity, '', '  ', 'abc', '1,5', '0x10', '1.2.3', 'NaN', 'Infinity',
      new Prisma.Decimal(Number.NaN), new Prisma.Decimal(Infinity), null, undefined, true, {}, [], 10n]) {
      expect(parseDecimal(bad).ok, String(bad)).toBe(false);
    }
  });

  it('never accepts a string that is not a plain decimal number', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDecimal(text);
        if (parsed.ok) expect(text.trim()).toMatch(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
      }),
    );
  });
});
