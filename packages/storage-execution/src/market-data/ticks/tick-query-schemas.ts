// The zod schemas of the tick read queries (queryTrades, queryQuotes,
// queryBookSnapshots, findTickGaps, findStaleQuotes, replay).

import { z } from 'zod';
import { enumField, nameField, timestampField } from '../../validation/field-schemas.js';
import { TIMEFRAMES } from '../timeframes.js';

function startBeforeEnd(value: { start: Date; end: Date }, ctx: z.RefinementCtx): void {
  if (value.end.getTime() <= value.start.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', input: value.end });
  }
}

const positiveInt = z.number({ error: 'expected an integer' }).int('expected an integer').min(1, 'must be at least 1');
const range = { start: timestampField, end: timestampField };

export const tickRangeQuerySchema = z
  .strictObject({ venue: nameField, symbol: nameField, ...range, limit: positiveInt.optional(), order: enumField(['asc', 'desc']).optional() })
  .superRefine(startBeforeEnd);

export const TICK_KINDS = ['trades', 'quotes'] as const;

export const tickGapQuerySchema = z
  .strictObject({
    venue: nameField,
    symbol: nameField,
    kind: enumField(TICK_KINDS),
    ...range,
    maxGapSeconds: z.number({ error: 'expected a number of seconds' }).positive('must be greater than zero').max(31_536_000, 'at most a year'),
  })
  .superRefine(startBeforeEnd);

export const staleQuoteQuerySchema = z.strictObject({
  venue: nameField,
  symbols: z.array(nameField).min(1, 'at least one symbol').max(10_000, 'at most 10000 symbols'),
  maxAgeSeconds: z.number({ error: 'expected a number of seconds' }).positive('must be greater than zero'),
  asOf: timestampField.optional(),
});

export const replayQuerySchema = z
  .strictObject({
    venue: nameField.optional(),
    symbols: z.array(nameField).min(1, 'at least one symbol').max(10_000, 'at most 10000 symbols'),
    kinds: z.array(enumField(['trades', 'quotes', 'candles', 'book'])).min(1, 'at least one kind'),
    ...range,
    timeframe: enumField(TIMEFRAMES).optional(),
    pageSize: positiveInt.max(100_000, 'at most 100000').optional(),
  })
  .superRefine(startBeforeEnd);
