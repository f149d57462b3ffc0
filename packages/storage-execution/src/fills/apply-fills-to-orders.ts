// Step 4 of the fill writer: each order that got new fills takes as filled
// size the exact NUMERIC sum of its fills (never below what the venue
// reported: order-rows.ts keeps that invariant), refuses an overfill, moves
// its status (order-lifecycle.ts) and its state time to its newest fill.

import { ValidationError, type Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { statusAfterFill } from '../orders/order-lifecycle.js';
import type { OrderRow } from '../orders/order-row.js';
import { filledSizeAfter, updateFilledOrders } from '../orders/order-rows.js';
import { FILL_BEFORE_ORDER_ALLOWANCE_MS } from './fill-orders.js';
import type { NewFill } from './claim-and-insert-fills.js';

// Fills of these orders cannot be older than $2 (the earliest order time less
// the allowance): the bound lets TimescaleDB skip older (compressed) chunks.
const FILLED_TOTALS = `
SELECT o.id AS order_id, t.total
  FROM unnest($1::uuid[]) AS o(id)
 CROSS JOIN LATERAL (
   SELECT coalesce(sum(size), 0) AS total FROM fills WHERE fills.order_id = o.id AND fills.time >= $2::timestamptz
 ) t`;

/** Updates the orders of `fills`; returns the rows written when asked. */
export async function applyFillsToOrders(
  tx: Queryable,
  fills: readonly NewFill[],
  fieldOf: (index: number) => string,
  returnRows: boolean,
): Promise<OrderRow[]> {
  const touched = new Map<string, { order: OrderRow; newest: number; last: NewFill }>();
  for (const fill of fills) {
    const entry = touched.get(fill.order.id);
    const time = fill.input.time.getTime();
    if (!entry) touched.set(fill.order.id, { order: fill.order, newest: time, last: fill });
    else {
      entry.newest = Math.max(entry.newest, time);
      entry.last = fill;
    }
  }
  const earliestOrder = Math.min(...[...touched.values()].map((t) => t.order.time.getTime()));
  const since = new Date(earliestOrder - FILL_BEFORE_ORDER_ALLOWANCE_MS);
  const totals = await tx.query<{ order_id: string; total: string }>(FILLED_TOTALS, [[...touched.keys()], since.toISOString()]);
  const totalById = new Map(totals.rows.map((row) => [row.order_id, row.total]));

  const changes: Array<{ id: string; filledSize: string; status: string; stateTime: Date }> = [];
  for (const [id, { order, newest, last }] of touched) {
    const total = new ExactDecimal(totalById.get(id) ?? '0');
    const size = new ExactDecimal(order.size);
    if (total.greaterThan(size)) {
      throw new ValidationError(
        `${fieldOf(last.index)}.size`,
        last.input.size,
        `overfills order ${JSON.stringify(order.client_order_id)}: its fills would total ${total.toFixed()} > size ${size.toFixed()}`,
      );
    }
    const filled = filledSizeAfter(order.filled_size, total.toFixed());
    const filledVsSize = new ExactDecimal(filled).comparedTo(size) === 0 ? 0 : -1;
    changes.push({
      id,
      filledSize: filled,
      status: statusAfterFill(order.status, filledVsSize, new ExactDecimal(filled).isZero()),
      stateTime: order.state_time && order.state_time.getTime() > newest ? order.state_time : new Date(newest),
    });
  }
  return updateFilledOrders(tx, changes, returnRows);
}
