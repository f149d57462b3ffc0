// parseDecimal under generated exponent notation: the result is the exact
// value the text denotes or a refusal -- never Infinity, never a silent 0
// for a non-zero input, and never an expansion of a huge exponent (a text
// such as '1e9000000000000000' once exhausted the heap).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@ag/storage-core';
import { hostilePropertyParameters } from '@ag/storage-testing/generators';
import { parseDecimal } from '../src/index.js';

/** The exact value of mantissa × 10^exponent as plain decimal text, by string arithmetic (independent of decimal.js). */
function expand(mantissa: bigint, exponent: number): string {
  if (mantissa === 0n) return '0';
  const digits = mantissa.toString();
  if (exponent >= 0) return digits + '0'.repeat(exponent);
  const padded = digits.padStart(-exponent + 1, '0');
  const text = `${padded.slice(0, exponent)}.${padded.slice(exponent)}`.replace(/0+$/, '').replace(/\.$/, '');
  return text;
}

describe('parseDecimal (properties)', () => {
  it('is exact within NUMERIC(38,18) and refuses everything outside it, whatever the exponent', () => {
    const exponent = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -9e15, max: 9e15 }), fc.constantFrom(-9e15 - 1, 9e15 + 1, 1e20, -1e20));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 25n }), exponent, (mantissa, e) => {
        const result = parseDecimal(`${mantissa}e${e}`);
        const fits = mantissa === 0n || (Math.abs(e) <= 60 && fitsNumeric(expand(mantissa, e)));
        if (!fits) {
          expect(result.ok).toBe(false);
          return;
        }
        expect(result).toEqual({ ok: true, text: expand(mantissa, e) });
      }),
      hostilePropertyParameters(2000),
    );
  });

  it('refuses a Prisma.Decimal with a huge exponent without expanding it', () => {
    expect(parseDecimal(new Prisma.Decimal('1e9000000000000000')).ok).toBe(false);
    expect(parseDecimal(new Prisma.Decimal('-1e-9000000000000000')).ok).toBe(false);
  });
});

function fitsNumeric(text: string): boolean {
  const [integer = '', fraction = ''] = text.split('.');
  return integer.replace(/^0+/, '').length <= 20 && fraction.length <= 18;
}
