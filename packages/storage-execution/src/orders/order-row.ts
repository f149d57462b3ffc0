// An orders row as the engines return it (snake_case, NUMERIC as exact text)
// and its two views: the Order callers receive (Prisma's model type, money as
// Prisma.Decimal) and the OrderState the update rules compare (canonical
// decimal text).

import type { OrderModel } from '@ag/storage-core';
import { ExactDecimal, toPrismaDecimal, toPrismaDecimalOrNull } from '../decimal/exact-decimal.js';
import type { OrderStatusName } from './order-lifecycle.js';

/** An order as stored: Prisma's Order model. */
export type Order = OrderModel;

export interface OrderRow {
  id: string;
  time: Date;
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  side: Order['side'];
  order_type: Order['orderType'];
  price: string | null;
  size: string;
  filled_size: string;
  status: Order['status'];
  client_order_id: string;
  venue_order_id: string | null;
  time_in_force: Order['timeInForce'];
  updated_at: Date;
  state_time: Date | null;
}

/** The fields the update rules look at, decimals as canonical text ("1.5", not "1.500000000000000000"). */
export interface OrderState {
  id: string;
  accountId: string;
  strategyId: string;
  clientOrderId: string;
  time: Date;
  venue: string;
  market: string;
  side: Order['side'];
  orderType: Order['orderType'];
  price: string | null;
  size: string;
  filledSize: string;
  status: OrderStatusName;
  venueOrderId: string | null;
  timeInForce: Order['timeInForce'];
  stateTime: Date | null;
}

export function orderFromRow(row: OrderRow): Order {
  return {
    id: row.id,
    time: row.time,
    accountId: row.account_id,
    strategyId: row.strategy_id,
    venue: row.venue,
    market: row.market,
    side: row.side,
    orderType: row.order_type,
    price: toPrismaDecimalOrNull(row.price),
    size: toPrismaDecimal(row.size),
    filledSize: toPrismaDecimal(row.filled_size),
    status: row.status,
    clientOrderId: row.client_order_id,
    venueOrderId: row.venue_order_id,
    timeInForce: row.time_in_force,
    updatedAt: row.updated_at,
    stateTime: row.state_time,
  };
}

/** The state of a stored row, decimals as canonical text (for the update rules' comparisons). */
export function orderStateFromRow(row: OrderRow): OrderState {
  const decimal = canonicalDecimal;
  return {
    id: row.id,
    accountId: row.account_id,
    strategyId: row.strategy_id,
    clientOrderId: row.client_order_id,
    time: row.time,
    venue: row.venue,
    market: row.market,
    side: row.side,
    orderType: row.order_type,
    price: row.price === null ? null : decimal(row.price),
    size: decimal(row.size),
    filledSize: decimal(row.filled_size),
    status: row.status,
    venueOrderId: row.venue_order_id,
    timeInForce: row.time_in_force,
    stateTime: row.state_time,
  };
}

function canonicalDecimal(text: string): string {
  const value = new ExactDecimal(text);
  return value.isZero() ? '0' : value.toFixed();
}
