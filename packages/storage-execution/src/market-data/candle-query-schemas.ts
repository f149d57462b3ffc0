// The zod schemas of MarketDataStore's read queries.

import { z } from 'zod';
import { enumField, nameField, timestampField } from '../validation/field-schemas.js';
import { TIMEFRAMES } from './timeframes.js';

function startBeforeEnd(value: { start: Date; end: Date }, ctx: z.RefinementCtx): void {
  if (value.end.getTime() <= value.start.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', input: value.end });
  }
}

const series = { venue: nameField, symbol: nameField, timeframe: enumField(TIMEFRAMES) };
const range = { start: timestampField, end: timestampField };
const positiveInt = z.number({ error: 'expected an integer' }).int('expected an integer').min(1, 'must be at least 1');

export const candleRangeQuerySchema = z
  .strictObject({ ...series, ...range, limit: positiveInt.optional(), source: enumField(['venue', 'trades']).optional() })
  .superRefine(startBeforeEnd);

export const gapQuerySchema = z.strictObject({ ...series, ...range }).superRefine(startBeforeEnd);

export const latestCandlesQuerySchema = z.strictObject({ ...series, count: positiveInt.optional() });

export const resampleQuerySchema = z
  .strictObject({ venue: nameField, symbol: nameField, from: enumField(TIMEFRAMES), to: enumField(TIMEFRAMES), ...range })
  .superRefine(startBeforeEnd);

export const fillCandlesQuerySchema = z
  .strictObject({ venue: nameField, market: nameField, timeframe: enumField(TIMEFRAMES), ...range, refresh: z.boolean().optional() })
  .superRefine(startBeforeEnd);

export const csvExportQuerySchema = z.strictObject({ ...series, ...range }).superRefine(startBeforeEnd);

export const csvImportDefaultsSchema = z.strictObject({
  venue: nameField.optional(),
  symbol: nameField.optional(),
  timeframe: enumField(TIMEFRAMES).optional(),
});
