// The order upsert, for one order or a batch, in one transaction: new client
// order ids are inserted in one statement (ON CONFLICT DO NOTHING), the rows
// that already existed are locked (FOR UPDATE, in client_order_id order so
// two batches never deadlock on each other), each update is decided by
// order-update.ts in input order, and the changed rows are written in one
// UPDATE. An illegal transition anywhere rolls the whole batch back.

import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ag/storage-core';
import type { ParsedOrder } from './order-input.js';
import { orderFromRow, orderStateFromRow, type Order, type OrderRow, type OrderState } from './order-row.js';
import { applyOrderUpdate, newOrderState, type OrderWriteOutcome } from './order-update.js';

const INSERT_NEW_ORDERS = `
INSERT INTO orders (id, time, venue, market, side, order_type, price, size, filled_size, status,
                    client_order_id, venue_order_id, time_in_force, state_time, updated_at)
SELECT u.id, u.time, u.venue, u.market, u.side::order_side, u.order_type::order_type, u.price, u.size,
       u.filled_size, u.status::order_status, u.client_order_id, u.venue_order_id,
       u.time_in_force::time_in_force, u.state_time, clock_timestamp()
  FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::numeric[], $8::numeric[], $9::numeric[], $10::text[], $11::text[], $12::text[],
              $13::text[], $14::timestamptz[])
       AS u(id, time, venue, market, side, order_type, price, size, filled_size, status,
            client_order_id, venue_order_id, time_in_force, state_time)
 ORDER BY u.client_order_id
ON CONFLICT (client_order_id) DO NOTHING`;

const LOCK_ORDERS_BY_CLIENT_ID = `
SELECT * FROM orders
 WHERE client_order_id = ANY($1::text[])
 ORDER BY client_order_id
   FOR UPDATE`;

// The extra ANY() on the key gives the planner an index condition on orders
// (otherwise it may hash the whole table to join a batch of keys).
const UPDATE_ORDERS = `
UPDATE orders o
   SET price = u.price, size = u.size, filled_size = u.filled_size, status = u.status::order_status,
       venue_order_id = u.venue_order_id, time_in_force = u.time_in_force::time_in_force,
       state_time = u.state_time, updated_at = clock_timestamp()
  FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::numeric[], $5::text[], $6::text[],
              $7::text[], $8::timestamptz[])
       AS u(client_order_id, price, size, filled_size, status, venue_order_id, time_in_force, state_time)
 WHERE o.client_order_id = u.client_order_id
   AND o.client_order_id = ANY($1::text[])`;

export interface WriteOrdersResult {
  /** One outcome per input, in input order. */
  outcomes: OrderWriteOutcome[];
  /** The stored order per client order id after the write (only when rows were asked for). */
  orders: Map<string, Order>;
}

export async function writeOrders(
  tx: Queryable,
  inputs: readonly ParsedOrder[],
  options: { fieldOf: (index: number) => string; returnRows: boolean },
): Promise<WriteOrdersResult> {
  const now = new Date();
  const outcomes: OrderWriteOutcome[] = new Array(inputs.length);
  const rows = new Map<string, Order>();
  if (inputs.length === 0) return { outcomes, orders: rows };

  // 1. Insert the first occurrence of every client order id; existing ids are left alone.
  const firstIndex = new Map<string, number>();
  inputs.forEach((input, index) => {
    if (!firstIndex.has(input.clientOrderId)) firstIndex.set(input.clientOrderId, index);
  });
  const candidates = [...firstIndex.values()].map((index) => {
    const input = inputs[index] as ParsedOrder;
    return newOrderState(input, input.id ?? randomUUID(), now);
  });
  const returning = options.returnRows ? ' RETURNING *' : ' RETURNING client_order_id';
  const inserted = await tx.query<OrderRow>(INSERT_NEW_ORDERS + returning, insertParams(candidates));
  const states = new Map<string, OrderState>();
  const insertedIds = new Set<string>();
  for (const row of inserted.rows) insertedIds.add(row.client_order_id);
  for (const state of candidates) if (insertedIds.has(state.clientOrderId)) states.set(state.clientOrderId, state);
  if (options.returnRows) for (const row of inserted.rows) rows.set(row.client_order_id, orderFromRow(row));

  // 2. Lock the orders that already existed.
  const existingIds = [...firstIndex.keys()].filter((id) => !insertedIds.has(id));
  if (existingIds.length > 0) {
    const locked = await tx.query<OrderRow>(LOCK_ORDERS_BY_CLIENT_ID, [existingIds]);
    for (const row of locked.rows) {
      states.set(row.client_order_id, orderStateFromRow(row));
      if (options.returnRows) rows.set(row.client_order_id, orderFromRow(row));
    }
  }

  // 3. Decide every update in input order against the current state.
  const changed = new Map<string, OrderState>();
  inputs.forEach((input, index) => {
    if (firstIndex.get(input.clientOrderId) === index && insertedIds.has(input.clientOrderId)) {
      outcomes[index] = 'inserted';
      return;
    }
    const current = states.get(input.clientOrderId) as OrderState;
    const decision = applyOrderUpdate(current, input, options.fieldOf(index), now);
    outcomes[index] = decision.outcome;
    if (decision.outcome === 'updated') {
      states.set(input.clientOrderId, decision.state);
      changed.set(input.clientOrderId, decision.state);
    }
  });

  // 4. Write the changed rows in one statement.
  if (changed.size > 0) {
    const updated = await tx.query<OrderRow>(UPDATE_ORDERS + (options.returnRows ? ' RETURNING o.*' : ''), updateParams([...changed.values()]));
    if (options.returnRows) for (const row of updated.rows) rows.set(row.client_order_id, orderFromRow(row));
  }
  return { outcomes, orders: rows };
}

function insertParams(states: readonly OrderState[]): unknown[][] {
  return [
    states.map((s) => s.id),
    states.map((s) => s.time.toISOString()),
    states.map((s) => s.venue),
    states.map((s) => s.market),
    states.map((s) => s.side),
    states.map((s) => s.orderType),
    states.map((s) => s.price),
    states.map((s) => s.size),
    states.map((s) => s.filledSize),
    states.map((s) => s.status),
    states.map((s) => s.clientOrderId),
    states.map((s) => s.venueOrderId),
    states.map((s) => s.timeInForce),
    states.map((s) => s.stateTime?.toISOString() ?? null),
  ];
}

function updateParams(states: readonly OrderState[]): unknown[][] {
  return [
    states.map((s) => s.clientOrderId),
    states.map((s) => s.price),
    states.map((s) => s.size),
    states.map((s) => s.filledSize),
    states.map((s) => s.status),
    states.map((s) => s.venueOrderId),
    states.map((s) => s.timeInForce),
    states.map((s) => s.stateTime?.toISOString() ?? null),
  ];
}
