// Exact decimals for money: parsing what callers pass (string, number or
// Prisma.Decimal) into the canonical text PostgreSQL stores in NUMERIC(38,18),
// and the arithmetic the library does in JavaScript (position replays).
//
// Prisma.Decimal is decimal.js configured with 20 significant digits: its
// arithmetic rounds (1234567890123456789.5 + 0.5 is not exact). Values are
// therefore only *carried* in Prisma.Decimal; sums, products and averages
// use ExactDecimal (120 significant digits), and nothing passes through a float.

import { Prisma } from '@ag/storage-core';

/** What a caller may pass where a price, size or fee is expected. */
export type DecimalInput = string | number | Prisma.Decimal;

/** NUMERIC(38,18): 20 digits before the point, 18 after. */
export const NUMERIC_INTEGER_DIGITS = 20;
export const NUMERIC_SCALE = 18;

/** decimal.js with enough precision that sums and products of NUMERIC(38,18) values never round. */
export const ExactDecimal = Prisma.Decimal.clone({
  precision: 120,
  rounding: Prisma.Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
export type ExactDecimal = InstanceType<typeof ExactDecimal>;

const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export type DecimalParse = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Parses a decimal input into canonical text (plain notation, no trailing
 * zeros, "0" for zero). Numbers are accepted only when finite, through their
 * shortest round-trip decimal string (0.1 is "0.1"). More than 20 integer or
 * 18 fractional digits is refused, never rounded.
 */
export function parseDecimal(value: unknown): DecimalParse {
  let text: string;
  if (typeof value === 'string') {
    text = value.trim();
    if (text === '') return { ok: false, reason: 'expected a decimal number, got an empty string' };
    if (!DECIMAL_TEXT.test(text)) return { ok: false, reason: 'expected a decimal number such as "12.5"' };
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'expected a finite number' };
    text = String(value);
  } else if (Prisma.Decimal.isDecimal(value)) {
    const decimal = value as Prisma.Decimal;
    if (!decimal.isFinite()) return { ok: false, reason: 'expected a finite decimal' };
    text = decimal.toString(); // exponent notation when large: never expanded here
  } else {
    return { ok: false, reason: 'expected a decimal as a string, number or Prisma.Decimal' };
  }
  const decimal = new ExactDecimal(text);
  // decimal.js turns exponents past its limits into Infinity or 0: refuse
  // those rather than store a value the caller did not send.
  if (!decimal.isFinite()) return { ok: false, reason: `more than ${NUMERIC_INTEGER_DIGITS} integer digits (NUMERIC(38,18) overflow)` };
  if (decimal.isZero()) {
    if (/[1-9]/.test(text.split(/[eE]/)[0] as string)) {
      return { ok: false, reason: `more than ${NUMERIC_SCALE} fractional digits (NUMERIC(38,18) would round it)` };
    }
    return { ok: true, text: '0' };
  }
  if (decimal.decimalPlaces() > NUMERIC_SCALE) {
    return { ok: false, reason: `more than ${NUMERIC_SCALE} fractional digits (NUMERIC(38,18) would round it)` };
  }
  // The exponent, not the expanded text: '1e9000000000000000' must not be written out.
  if (decimal.e >= NUMERIC_INTEGER_DIGITS) {
    return { ok: false, reason: `more than ${NUMERIC_INTEGER_DIGITS} integer digits (NUMERIC(38,18) overflow)` };
  }
  return { ok: true, text: decimal.toFixed() };
}

/**
 * The Prisma.Decimal this package returns: a Prisma.Decimal whose text and
 * JSON are plain decimal notation. Prisma.Decimal itself writes 0.0000001 as
 * "1e-7" (decimal.js switches to exponent notation below 1e-7 and from
 * 1e21), which is how money reached JSON and CSV in exponent notation.
 * Values come from NUMERIC(38,18), so the plain text is at most 40
 * characters. Arithmetic on it returns ordinary Prisma.Decimal values.
 */
class PlainDecimal extends Prisma.Decimal {
  override toString(): string {
    return this.toFixed();
  }

  override toJSON(): string {
    return this.toFixed();
  }
}

/** A database NUMERIC (exact text) as the Prisma.Decimal callers receive (plain text and JSON). */
export function toPrismaDecimal(text: string | ExactDecimal): Prisma.Decimal {
  return new PlainDecimal(typeof text === 'string' ? text : text.toFixed());
}

/** A nullable database NUMERIC as Prisma.Decimal | null. */
export function toPrismaDecimalOrNull(text: string | null): Prisma.Decimal | null {
  return text === null ? null : new PlainDecimal(text);
}

/**
 * Money as plain decimal text, whatever produced it: Prisma.Decimal (also
 * from Prisma's own queries), ExactDecimal, or NUMERIC text. For writers of
 * JSON, CSV and tables.
 */
export function plainDecimalText(value: Prisma.Decimal | ExactDecimal | string): string {
  return typeof value === 'string' ? new ExactDecimal(value).toFixed() : value.toFixed();
}

/** Rounds an exact result (an average, a ratio) to NUMERIC's 18 fractional digits, half to even. */
export function roundToScale(value: ExactDecimal): ExactDecimal {
  return value.toDecimalPlaces(NUMERIC_SCALE, ExactDecimal.ROUND_HALF_EVEN);
}
