// The field checks of tick inputs, written for the ingest hot path (a bot
// sends thousands of ticks a second): the same rules as the zod field schemas
// of validation/field-schemas.ts (names, timestamps, NUMERIC(38,18) decimals)
// without building a zod result per field. Plain decimal text, the usual
// case, is checked by one regular expression; anything else goes through
// parseDecimal. Each failure is a ValidationError naming the field.

import { ValidationError } from '@ag/storage-core';
import { parseDecimal } from '../../decimal/exact-decimal.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_NAME_LENGTH } from '../../validation/field-schemas.js';

const EARLIEST_MS = EARLIEST_TIMESTAMP.getTime();
const LATEST_MS = LATEST_TIMESTAMP.getTime();
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Plain decimal text already within NUMERIC(38,18), without a sign or exponent. */
const PLAIN_DECIMAL = /^(?:0|[1-9]\d{0,19})(?:\.\d{1,18})?$/;

/** Names seen valid (venues and symbols repeat on every tick); bounded. */
const validNames = new Set<string>();
const MAX_CACHED_NAMES = 10_000;

/** A venue, symbol or trade id: 1-200 characters, no control characters, no outer whitespace; quotes and SQL are data. */
export function checkName(value: unknown, field: string): string {
  if (typeof value === 'string' && validNames.has(value)) return value;
  if (typeof value !== 'string') throw new ValidationError(field, value, value === undefined ? 'required' : 'expected a string');
  if (value.length === 0) throw new ValidationError(field, value, 'must not be empty');
  if (value.length > MAX_NAME_LENGTH) throw new ValidationError(field, value, `at most ${MAX_NAME_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(value)) throw new ValidationError(field, value, 'must not contain control characters');
  if (UNPAIRED_SURROGATE.test(value)) throw new ValidationError(field, value, 'must not contain an unpaired UTF-16 surrogate');
  if (value.trim() !== value) throw new ValidationError(field, value, 'must not start or end with whitespace');
  return value;
}

/** checkName for names that repeat (venue, symbol): remembered once valid. */
export function checkRepeatedName(value: unknown, field: string): string {
  const name = checkName(value, field);
  if (validNames.size < MAX_CACHED_NAMES) validNames.add(name);
  return name;
}

/** A Date, an ISO 8601 timestamp with a time zone, or epoch milliseconds, in [1900, 2200): epoch milliseconds. */
export function checkTimestamp(value: unknown, field: string): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number' && Number.isInteger(value)) ms = value;
  else if (typeof value === 'string' && ISO_TIMESTAMP.test(value.trim())) ms = new Date(value.trim()).getTime();
  else {
    const reason = value === undefined || value === null ? 'required' : 'expected a Date, an ISO 8601 timestamp with a time zone, or epoch milliseconds';
    throw new ValidationError(field, value, reason);
  }
  if (Number.isNaN(ms)) throw new ValidationError(field, value, 'not a valid date');
  if (ms < EARLIEST_MS || ms >= LATEST_MS) {
    throw new ValidationError(field, value, 'out of range: must be between 1900-01-01 and 2200-01-01 UTC');
  }
  return ms;
}

/** A price or size: an exact decimal within NUMERIC(38,18), greater than zero; its canonical text. */
export function checkPositiveDecimal(value: unknown, field: string): string {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  if (text !== undefined && PLAIN_DECIMAL.test(text)) {
    const canonical = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
    if (canonical === '0') throw new ValidationError(field, value, 'must be greater than zero');
    return canonical;
  }
  if (value === undefined || value === null) throw new ValidationError(field, value, 'required');
  const parsed = parseDecimal(value);
  if (!parsed.ok) throw new ValidationError(field, value, parsed.reason);
  if (parsed.text === '0' || parsed.text.startsWith('-')) throw new ValidationError(field, value, 'must be greater than zero');
  return parsed.text;
}

/** Refuses keys the input type does not have (a misspelt field is not silently dropped). */
export function checkKnownKeys(input: object, known: ReadonlySet<string>, field: string): void {
  for (const key in input) {
    if (!known.has(key)) throw new ValidationError(`${field}.${key}`, (input as Record<string, unknown>)[key], 'unknown field');
  }
}

/** Compares two canonical positive decimal texts exactly: negative, zero or positive like a - b. */
export function compareDecimalText(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length - bi.length;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const pa = af.padEnd(width, '0');
  const pb = bf.padEnd(width, '0');
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}
