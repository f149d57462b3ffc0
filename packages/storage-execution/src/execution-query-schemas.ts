// The zod schemas of ExecutionStore's read queries: time ranges, filters and
// page sizes, so that a bad query is a ValidationError naming the field.

import { z } from 'zod';
import { decimalField, enumField, nameField, timestampField, uuidField } from './validation/field-schemas.js';
import { ORDER_SIDES, ORDER_STATUSES } from './orders/order-lifecycle.js';
import { fleetIdField } from './fleet/fleet-ids.js';

const range = { start: timestampField, end: timestampField };
/** The account and strategy filters every read takes. */
const fleet = { account: fleetIdField.optional(), strategy: fleetIdField.optional() };

function startBeforeEnd(value: { start: Date; end: Date }, ctx: z.RefinementCtx): void {
  if (value.end.getTime() <= value.start.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', input: value.end });
  }
}

const pageLimit = z.number({ error: 'expected an integer' }).int('expected an integer').min(1, 'must be at least 1');

export const orderQuerySchema = z
  .strictObject({
    ...range,
    ...fleet,
    venue: nameField.optional(),
    market: nameField.optional(),
    side: enumField(ORDER_SIDES).optional(),
    status: z.union([enumField(ORDER_STATUSES), z.array(enumField(ORDER_STATUSES)).min(1, 'must not be empty')]).optional(),
    limit: pageLimit.optional(),
    cursor: z.string({ error: 'expected a cursor string' }).optional(),
    order: z.enum(['asc', 'desc'], { error: 'expected "asc" or "desc"' }).optional(),
  })
  .superRefine(startBeforeEnd);

export const fillQuerySchema = z
  .strictObject({
    ...range,
    ...fleet,
    venue: nameField.optional(),
    market: nameField.optional(),
    side: enumField(ORDER_SIDES).optional(),
    limit: pageLimit.optional(),
    cursor: z.string({ error: 'expected a cursor string' }).optional(),
    order: z.enum(['asc', 'desc'], { error: 'expected "asc" or "desc"' }).optional(),
  })
  .superRefine(startBeforeEnd);

export const positionQuerySchema = z
  .strictObject({ ...range, ...fleet, market: nameField, venue: nameField.optional(), limit: pageLimit.optional() })
  .superRefine(startBeforeEnd);

export const dailyStatsQuerySchema = z
  .strictObject({ ...range, ...fleet, venue: nameField.optional(), market: nameField.optional(), refresh: z.boolean().optional() })
  .superRefine(startBeforeEnd);

export const tradeStatisticsQuerySchema = z
  .strictObject({ ...range, ...fleet, venue: nameField.optional(), market: nameField.optional(), includeFees: z.boolean().optional() })
  .superRefine(startBeforeEnd);

export const fundingQuerySchema = z
  .strictObject({ ...range, ...fleet, venue: nameField.optional(), market: nameField.optional(), limit: pageLimit.optional() })
  .superRefine(startBeforeEnd);

export const orderLookupSchema = z.union([
  z.strictObject({ id: uuidField }),
  z.strictObject({ clientOrderId: nameField, account: fleetIdField.optional() }),
], { error: 'expected { id } or { clientOrderId, account? }' });

export const positionKeySchema = z.strictObject({ venue: nameField, market: nameField, ...fleet });

export const latestPositionsQuerySchema = z.strictObject({ ...fleet, venue: nameField.optional(), market: nameField.optional() });

export const activeOrdersQuerySchema = z.strictObject({ ...fleet, venue: nameField.optional(), market: nameField.optional() });

export const reconcileQuerySchema = z.strictObject({
  ...fleet,
  venue: nameField.optional(),
  market: nameField.optional(),
  at: timestampField.optional(),
  includeFees: z.boolean().optional(),
  sizeTolerance: decimalField('nonNegative').optional(),
  priceTolerance: decimalField('nonNegative').optional(),
});
