// What storeFill / storeFills accept. A fill names its order by id or by
// (account, client order id); account, strategy, venue, market and side are
// the order's and, when given, must match it. `venueFillId` is the venue's id
// of the execution: (account, venue, venueFillId) is the idempotency key,
// for all time.

import { z } from 'zod';
import type { DecimalInput } from '../decimal/exact-decimal.js';
import { decimalField, enumField, nameField, timestampField, uuidField } from '../validation/field-schemas.js';
import { ORDER_SIDES } from '../orders/order-lifecycle.js';
import { fleetIdField } from '../fleet/fleet-ids.js';

export interface FillInput {
  /** The fill's UUID; generated when absent. */
  id?: string;
  /** The order, by id ... */
  orderId?: string;
  /** ... or by client order id (at least one of the two). */
  clientOrderId?: string;
  /** The order's account (the client order id is looked up in it); default 'default'. */
  account?: string;
  /** The order's strategy; must match it when given. */
  strategy?: string;
  /** The venue's id of this execution; re-sending the same (venue, venueFillId) stores nothing. */
  venueFillId: string;
  time: Date | string | number;
  price: DecimalInput;
  size: DecimalInput;
  /** Default 0; negative for a rebate. */
  fee?: DecimalInput;
  /** The currency the fee is charged in; absent or null: the market's quote currency. */
  feeCurrency?: string | null;
  /** Default: the order's; must match it when given. */
  venue?: string;
  market?: string;
  side?: 'buy' | 'sell';
}

export const fillInputSchema = z
  .strictObject({
    id: uuidField.optional(),
    orderId: uuidField.optional(),
    clientOrderId: nameField.optional(),
    account: fleetIdField.optional(),
    strategy: fleetIdField.optional(),
    venueFillId: nameField,
    time: timestampField,
    price: decimalField('positive'),
    size: decimalField('positive'),
    fee: decimalField('any').optional(),
    feeCurrency: nameField.nullable().optional(),
    venue: nameField.optional(),
    market: nameField.optional(),
    side: enumField(ORDER_SIDES).optional(),
  })
  .superRefine((fill, ctx) => {
    if (fill.orderId === undefined && fill.clientOrderId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['orderId'], message: 'required (or clientOrderId)', input: undefined });
    }
  });

export type ParsedFill = z.output<typeof fillInputSchema>;
