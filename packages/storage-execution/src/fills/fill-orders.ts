// Step 1 of the fill writer: the orders the fills name, locked (order-rows.ts
// owns the lock order), and each fill resolved to its order. A fill names its
// order by id or by (account, client order id); what it says besides about
// the order (account, strategy, venue, market, side) must match it, and it
// may not be more than a day older than the order.

import { ValidationError, type Queryable } from '@ag/storage-core';
import { DEFAULT_ACCOUNT } from '../fleet/fleet-ids.js';
import type { OrderRow } from '../orders/order-row.js';
import { lockOrders, orderKeyText } from '../orders/order-rows.js';
import type { ParsedFill } from './fill-input.js';

/** A fill may not be older than its order's creation time minus this (clock skew allowance). */
export const FILL_BEFORE_ORDER_ALLOWANCE_MS = 24 * 3600 * 1000;

export interface FillOrders {
  /** Per input: its order as locked. */
  orderOf: OrderRow[];
  byId: Map<string, OrderRow>;
}

export async function lockFillOrders(
  tx: Queryable,
  inputs: readonly ParsedFill[],
  fieldOf: (index: number) => string,
  returnRows: boolean,
): Promise<FillOrders> {
  const ids = new Set<string>();
  const keys = new Map<string, { account: string; clientOrderId: string }>();
  for (const input of inputs) {
    if (input.orderId !== undefined) ids.add(input.orderId);
    if (input.clientOrderId !== undefined) {
      const account = input.account ?? DEFAULT_ACCOUNT;
      keys.set(orderKeyText(account, input.clientOrderId), { account, clientOrderId: input.clientOrderId });
    }
  }
  const locked = await lockOrders(tx, [...ids], [...keys.values()], returnRows ? 'all' : 'fill');
  const byId = new Map(locked.map((row) => [row.id, row]));
  const byKey = new Map(locked.map((row) => [orderKeyText(row.account_id, row.client_order_id), row]));
  return { orderOf: inputs.map((input, index) => resolveOrder(input, fieldOf(index), byId, byKey)), byId };
}

function resolveOrder(input: ParsedFill, field: string, byId: Map<string, OrderRow>, byKey: Map<string, OrderRow>): OrderRow {
  const account = input.account ?? DEFAULT_ACCOUNT;
  const viaId = input.orderId === undefined ? undefined : byId.get(input.orderId);
  const viaClientId = input.clientOrderId === undefined ? undefined : byKey.get(orderKeyText(account, input.clientOrderId));
  if (input.orderId !== undefined && !viaId) throw new ValidationError(`${field}.orderId`, input.orderId, 'no order with this id');
  if (input.clientOrderId !== undefined && !viaClientId) {
    throw new ValidationError(`${field}.clientOrderId`, input.clientOrderId, `no order with this client order id in account ${JSON.stringify(account)}`);
  }
  if (viaId && viaClientId && viaId.id !== viaClientId.id) {
    throw new ValidationError(`${field}.clientOrderId`, input.clientOrderId, `belongs to order ${viaClientId.id}, not ${viaId.id}`);
  }
  const order = (viaId ?? viaClientId) as OrderRow;
  for (const [name, value, expected] of [
    ['account', input.account, order.account_id],
    ['strategy', input.strategy, order.strategy_id],
    ['venue', input.venue, order.venue],
    ['market', input.market, order.market],
    ['side', input.side, order.side],
  ] as const) {
    if (value !== undefined && value !== expected) {
      throw new ValidationError(`${field}.${name}`, value, `differs from its order's ${name} (${JSON.stringify(expected)})`);
    }
  }
  if (input.time.getTime() < order.time.getTime() - FILL_BEFORE_ORDER_ALLOWANCE_MS) {
    throw new ValidationError(`${field}.time`, input.time, `more than a day before its order was created (${order.time.toISOString()})`);
  }
  return order;
}
