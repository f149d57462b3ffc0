// What storeOrder / storeOrders accept, validated with zod. An order is
// known by (account, clientOrderId). The update's own timestamp is
// `stateTime` (when the venue or bot observed this state; default: now): an
// update older than the stored state_time is stale.

import { z } from 'zod';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import {
  decimalField,
  enumField,
  nameField,
  nullableDecimalField,
  timestampField,
  uuidField,
} from '../validation/field-schemas.js';
import { ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIMES_IN_FORCE } from './order-lifecycle.js';
import { DEFAULT_ACCOUNT, fleetIdField } from '../fleet/fleet-ids.js';
import type { DecimalInput } from '../decimal/exact-decimal.js';

export interface OrderInput {
  /** The order's UUID; generated on insert when absent. Must match the stored order's id when given. */
  id?: string;
  /** The bot's id for the order: with the account, the upsert key. */
  clientOrderId: string;
  /** The account the order is placed in (registered with registerAccount); default 'default'. */
  account?: string;
  /** The strategy that placed it (registered with registerStrategy); default 'default' on insert, and it never changes. */
  strategy?: string;
  /** When the order was created (immutable). */
  time: Date | string | number;
  venue: string;
  market: string;
  side: 'buy' | 'sell';
  orderType: 'market' | 'limit' | 'stop' | 'stop_limit';
  /** Required for limit and stop_limit orders. */
  price?: DecimalInput | null;
  size: DecimalInput;
  /** Filled size as the venue reports it; never moves the stored filled size down. */
  filledSize?: DecimalInput;
  /** Default 'new'. */
  status?: 'new' | 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';
  venueOrderId?: string | null;
  timeInForce?: 'gtc' | 'ioc' | 'fok' | 'gtd' | 'post_only' | null;
  /** When this state was observed (venue event time); default: now. Older than the stored one: stale. */
  stateTime?: Date | string | number;
}

export const orderInputSchema = z
  .strictObject({
    id: uuidField.optional(),
    clientOrderId: nameField,
    account: fleetIdField.default(DEFAULT_ACCOUNT),
    strategy: fleetIdField.optional(),
    time: timestampField,
    venue: nameField,
    market: nameField,
    side: enumField(ORDER_SIDES),
    orderType: enumField(ORDER_TYPES),
    price: nullableDecimalField('positive'),
    size: decimalField('positive'),
    filledSize: decimalField('nonNegative').optional(),
    status: enumField(ORDER_STATUSES).optional(),
    venueOrderId: nameField.nullable().optional(),
    timeInForce: enumField(TIMES_IN_FORCE).nullable().optional(),
    stateTime: timestampField.optional(),
  })
  .superRefine((order, ctx) => {
    if ((order.orderType === 'limit' || order.orderType === 'stop_limit') && (order.price === undefined || order.price === null)) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: `required for ${order.orderType} orders`, input: order.price });
    }
    if (order.filledSize !== undefined) {
      const filledVsSize = new ExactDecimal(order.filledSize).comparedTo(order.size);
      if (filledVsSize > 0) {
        ctx.addIssue({ code: 'custom', path: ['filledSize'], message: `exceeds the order size ${order.size}`, input: order.filledSize });
      } else if (order.status === 'filled' && filledVsSize < 0) {
        ctx.addIssue({ code: 'custom', path: ['filledSize'], message: `a filled order's filled size must equal its size ${order.size}`, input: order.filledSize });
      }
    }
  });

export type ParsedOrder = z.output<typeof orderInputSchema>;
