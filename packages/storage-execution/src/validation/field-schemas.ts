// The zod schemas of the fields every execution input shares: exact
// decimals, timestamps in a sane range, venue/market names, UUIDs. Each one
// refuses bad input with a message that says what was expected; parse-input.ts
// turns the first failure into a ValidationError naming the field.

import { z } from 'zod';
import { parseDecimal } from '../decimal/exact-decimal.js';
import { ExactDecimal } from '../decimal/exact-decimal.js';

/** Timestamps outside [1900-01-01, 2200-01-01) UTC are refused as implausible. */
export const EARLIEST_TIMESTAMP = new Date('1900-01-01T00:00:00.000Z');
export const LATEST_TIMESTAMP = new Date('2200-01-01T00:00:00.000Z');

/** Names (venue, market, symbol, client order id, ...) are 1 to 200 characters, no control characters. */
export const MAX_NAME_LENGTH = 200;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** A UTF-16 surrogate without its pair: not encodable as UTF-8, so PostgreSQL would store U+FFFD instead. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

export type DecimalConstraint = 'any' | 'positive' | 'nonNegative';

/** An exact decimal within NUMERIC(38,18); the output is its canonical text. */
export function decimalField(constraint: DecimalConstraint = 'any') {
  return z.unknown().transform((value, ctx): string => {
    if (value === undefined || value === null) {
      ctx.issues.push({ code: 'custom', message: 'required', input: value });
      return z.NEVER;
    }
    const parsed = parseDecimal(value);
    if (!parsed.ok) {
      ctx.issues.push({ code: 'custom', message: parsed.reason, input: value });
      return z.NEVER;
    }
    if (constraint !== 'any') {
      const sign = new ExactDecimal(parsed.text).comparedTo(0);
      if (constraint === 'positive' && sign <= 0) {
        ctx.issues.push({ code: 'custom', message: 'must be greater than zero', input: value });
        return z.NEVER;
      }
      if (constraint === 'nonNegative' && sign < 0) {
        ctx.issues.push({ code: 'custom', message: 'must not be negative', input: value });
        return z.NEVER;
      }
    }
    return parsed.text;
  });
}

/** An optional decimal: undefined stays undefined, null means "no value". */
export function nullableDecimalField(constraint: DecimalConstraint = 'any') {
  return z.union([z.null(), decimalField(constraint)]).optional();
}

/**
 * A point in time: a valid Date, an ISO 8601 string with a time zone, or
 * epoch milliseconds; within [1900-01-01, 2200-01-01).
 */
export const timestampField = z.unknown().transform((value, ctx): Date => {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string' && ISO_TIMESTAMP.test(value.trim())) date = new Date(value.trim());
  else if (typeof value === 'number' && Number.isInteger(value)) date = new Date(value);
  if (date === undefined) {
    const message =
      value === undefined || value === null
        ? 'required'
        : 'expected a Date, an ISO 8601 timestamp with a time zone, or epoch milliseconds';
    ctx.issues.push({ code: 'custom', message, input: value });
    return z.NEVER;
  }
  const time = date.getTime();
  if (Number.isNaN(time)) {
    ctx.issues.push({ code: 'custom', message: 'not a valid date', input: value });
    return z.NEVER;
  }
  if (time < EARLIEST_TIMESTAMP.getTime() || time >= LATEST_TIMESTAMP.getTime()) {
    ctx.issues.push({ code: 'custom', message: 'out of range: must be between 1900-01-01 and 2200-01-01 UTC', input: value });
    return z.NEVER;
  }
  return new Date(time);
});

/** A name (venue, market, symbol, id from a venue): any text, including quotes, 1-200 characters, no control characters. */
export const nameField = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a string') })
  .min(1, 'must not be empty')
  .max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`)
  .refine((text) => !CONTROL_CHARACTERS.test(text), 'must not contain control characters')
  .refine((text) => !UNPAIRED_SURROGATE.test(text), 'must not contain an unpaired UTF-16 surrogate')
  .refine((text) => text.trim() === text, 'must not start or end with whitespace');

/** A UUID (8-4-4-4-12 hex digits), normalized to lower case. */
export const uuidField = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a UUID string') })
  .regex(UUID_TEXT, 'expected a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e')
  .transform((text) => text.toLowerCase());

/** One of a fixed set of lower-case values. */
export function enumField<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined ? 'required' : `expected one of ${values.map((v) => `"${v}"`).join(', ')}`,
  });
}
