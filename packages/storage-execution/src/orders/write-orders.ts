// The order upsert, for one order or a batch, in one transaction: the
// accounts and strategies named are checked (fleet-registry.ts), new
// (account, client order id) keys are inserted in one statement, the rows
// that already existed are locked, each update is decided by order-update.ts
// in input order, and the changed rows are written in one UPDATE. The row
// itself (insert, lock order, update, "filled size never goes down") is
// order-rows.ts's. An illegal transition anywhere rolls the whole batch back.

import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ag/storage-core';
import type { FleetRegistry } from '../fleet/fleet-registry.js';
import type { ParsedOrder } from './order-input.js';
import { orderFromRow, orderStateFromRow, type Order, type OrderState } from './order-row.js';
import { insertNewOrders, lockOrders, orderKeyText, updateOrders } from './order-rows.js';
import { applyOrderUpdate, newOrderState, type OrderWriteOutcome } from './order-update.js';

export interface WriteOrdersResult {
  /** One outcome per input, in input order. */
  outcomes: OrderWriteOutcome[];
  /** The stored order per input index after the write (only when rows were asked for). */
  orders: Order[];
}

export async function writeOrders(
  tx: Queryable,
  fleet: FleetRegistry,
  inputs: readonly ParsedOrder[],
  options: { fieldOf: (index: number) => string; returnRows: boolean },
): Promise<WriteOrdersResult> {
  const now = new Date();
  const outcomes: OrderWriteOutcome[] = new Array(inputs.length);
  const ordersAfter: Order[] = [];
  if (inputs.length === 0) return { outcomes, orders: ordersAfter };
  await fleet.check(tx, inputs, options.fieldOf);

  // 1. Insert the first occurrence of every key; existing keys are left alone.
  const keyOf = inputs.map((input) => orderKeyText(input.account, input.clientOrderId));
  const firstIndex = new Map<string, number>();
  keyOf.forEach((key, index) => {
    if (!firstIndex.has(key)) firstIndex.set(key, index);
  });
  const candidates = [...firstIndex.values()].map((index) => {
    const input = inputs[index] as ParsedOrder;
    return newOrderState(input, input.id ?? randomUUID(), now);
  });
  const inserted = await insertNewOrders(tx, candidates, options.returnRows);
  const insertedKeys = inserted.keys;
  const states = new Map<string, OrderState>();
  for (const state of candidates) {
    const key = orderKeyText(state.accountId, state.clientOrderId);
    if (insertedKeys.has(key)) states.set(key, state);
  }
  const rows = new Map<string, Order>();
  if (options.returnRows) for (const row of inserted.rows) rows.set(orderKeyText(row.account_id, row.client_order_id), orderFromRow(row));

  // 2. Lock the orders that already existed.
  const existing = [...firstIndex.entries()].filter(([key]) => !insertedKeys.has(key)).map(([, index]) => inputs[index] as ParsedOrder);
  if (existing.length > 0) {
    const locked = await lockOrders(
      tx,
      [],
      existing.map((input) => ({ account: input.account, clientOrderId: input.clientOrderId })),
      options.returnRows ? 'all' : 'state',
    );
    for (const row of locked) {
      const key = orderKeyText(row.account_id, row.client_order_id);
      states.set(key, orderStateFromRow(row));
      if (options.returnRows) rows.set(key, orderFromRow(row));
    }
  }

  // 3. Decide every update in input order against the current state.
  const changed = new Map<string, OrderState>();
  inputs.forEach((input, index) => {
    const key = keyOf[index] as string;
    if (firstIndex.get(key) === index && insertedKeys.has(key)) {
      outcomes[index] = 'inserted';
      return;
    }
    const current = states.get(key) as OrderState;
    const decision = applyOrderUpdate(current, input, options.fieldOf(index), now);
    outcomes[index] = decision.outcome;
    if (decision.outcome === 'updated') {
      states.set(key, decision.state);
      changed.set(key, decision.state);
    }
  });

  // 4. Write the changed rows in one statement.
  const updated = await updateOrders(tx, [...changed.values()], options.returnRows);
  if (options.returnRows) {
    for (const row of updated) rows.set(orderKeyText(row.account_id, row.client_order_id), orderFromRow(row));
    for (const key of keyOf) ordersAfter.push(rows.get(key) as Order);
  }
  return { outcomes, orders: ordersAfter };
}
