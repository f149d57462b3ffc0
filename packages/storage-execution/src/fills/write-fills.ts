// The fill writer, for one fill or a batch, in one transaction:
//   1. lock the fills' orders (FOR UPDATE, in client_order_id order, the same
//      order the order writer locks in, so the two never deadlock);
//   2. look up fills already stored under the same (venue, venue_fill_id):
//      those are duplicates and store nothing (the unique index serves it);
//   3. insert the new fills;
//   4. recompute each touched order's filled size as the exact NUMERIC sum of
//      its fills (never below what the venue reported), refuse an overfill,
//      move the status (order-lifecycle.ts) and the state time.
// Concurrent deliveries of the same fill serialize on the order's row lock,
// so a fill is stored once however often and however concurrently it is sent.

import { randomUUID } from 'node:crypto';
import { ValidationError, type Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { orderFromRow, type Order, type OrderRow } from '../orders/order-row.js';
import { statusAfterFill } from '../orders/order-lifecycle.js';
import type { ParsedFill } from './fill-input.js';
import { fillFromRow, type Fill, type FillRow } from './fill-row.js';

/** A fill may not be older than its order's creation time minus this (clock skew allowance). */
export const FILL_BEFORE_ORDER_ALLOWANCE_MS = 24 * 3600 * 1000;

// Only the key lists that are given are queried: an OR with an empty ANY()
// can make the planner scan the whole table.
function lockOrders(tx: Queryable, orderIds: string[], clientIds: string[]) {
  const keys: string[] = [];
  const params: unknown[] = [];
  if (orderIds.length > 0) {
    params.push(orderIds);
    keys.push(`id = ANY($${params.length}::uuid[])`);
  }
  if (clientIds.length > 0) {
    params.push(clientIds);
    keys.push(`client_order_id = ANY($${params.length}::text[])`);
  }
  return tx.query<OrderRow>(`SELECT * FROM orders WHERE ${keys.join(' OR ')} ORDER BY client_order_id FOR UPDATE`, params);
}

// Fills of these orders cannot be older than $3 (the earliest order time less
// the allowance): the bound lets TimescaleDB skip older (compressed) chunks.
// LATERAL ... LIMIT 1 makes one index probe per key on every engine (a join
// with unnest may be planned as a hash join over the whole table).
const FIND_STORED_FILLS = `
SELECT f.* FROM unnest($1::text[], $2::text[]) AS k(venue, venue_fill_id)
 CROSS JOIN LATERAL (
   SELECT * FROM fills
    WHERE fills.venue = k.venue AND fills.venue_fill_id = k.venue_fill_id AND fills.time >= $3::timestamptz
    LIMIT 1
 ) f`;

const INSERT_FILLS = `
INSERT INTO fills (id, time, order_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)
SELECT u.id, u.time, u.order_id, u.venue, u.market, u.side::order_side, u.price, u.size, u.fee, u.fee_currency, u.venue_fill_id
  FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[],
              $7::numeric[], $8::numeric[], $9::numeric[], $10::text[], $11::text[])
       AS u(id, time, order_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)`;

const FILLED_TOTALS = `
SELECT o.id AS order_id, t.total
  FROM unnest($1::uuid[]) AS o(id)
 CROSS JOIN LATERAL (
   SELECT coalesce(sum(size), 0) AS total FROM fills WHERE fills.order_id = o.id AND fills.time >= $2::timestamptz
 ) t`;

// The extra ANY() on the key gives the planner an index condition on orders
// (otherwise it may hash the whole table to join 1000 keys).
const UPDATE_FILLED_ORDERS = `
UPDATE orders o
   SET filled_size = u.filled_size, status = u.status::order_status,
       state_time = u.state_time, updated_at = clock_timestamp()
  FROM unnest($1::uuid[], $2::numeric[], $3::text[], $4::timestamptz[]) AS u(id, filled_size, status, state_time)
 WHERE o.id = u.id
   AND o.id = ANY($1::uuid[])`;

export type FillWriteOutcome = 'inserted' | 'duplicate';

export interface WriteFillsResult {
  outcomes: FillWriteOutcome[];
  /** Per input: the stored fill (the new one, or the one already stored); only when rows were asked for. */
  fills: Fill[];
  /** The orders after the write, by id; only when rows were asked for. */
  orders: Map<string, Order>;
}

interface NewFill {
  index: number;
  id: string;
  order: OrderRow;
  input: ParsedFill;
}

export async function writeFills(
  tx: Queryable,
  inputs: readonly ParsedFill[],
  options: { fieldOf: (index: number) => string; returnRows: boolean },
): Promise<WriteFillsResult> {
  const outcomes: FillWriteOutcome[] = new Array(inputs.length);
  const fills: Fill[] = new Array(inputs.length);
  const ordersAfter = new Map<string, Order>();
  if (inputs.length === 0) return { outcomes, fills, orders: ordersAfter };

  // 1. The orders, locked.
  const orderIds = unique(inputs.flatMap((f) => (f.orderId === undefined ? [] : [f.orderId])));
  const clientIds = unique(inputs.flatMap((f) => (f.clientOrderId === undefined ? [] : [f.clientOrderId])));
  const locked = await lockOrders(tx, orderIds, clientIds);
  const byId = new Map(locked.rows.map((row) => [row.id, row]));
  const byClientId = new Map(locked.rows.map((row) => [row.client_order_id, row]));
  const orderOf = inputs.map((input, index) => resolveOrder(input, options.fieldOf(index), byId, byClientId));
  const since = new Date(orderOf.reduce((min, o) => Math.min(min, o.time.getTime()), Infinity) - FILL_BEFORE_ORDER_ALLOWANCE_MS);

  // 2. Fills already stored, and repeats within the batch.
  const stored = await tx.query<FillRow>(FIND_STORED_FILLS, [
    orderOf.map((o) => o.venue),
    inputs.map((f) => f.venueFillId),
    since.toISOString(),
  ]);
  const storedByKey = new Map(stored.rows.map((row) => [fillKey(row.venue, row.venue_fill_id), row]));
  const newFills: NewFill[] = [];
  const firstInBatch = new Map<string, NewFill>();
  inputs.forEach((input, index) => {
    const order = orderOf[index] as OrderRow;
    const key = fillKey(order.venue, input.venueFillId);
    const existing = storedByKey.get(key);
    if (existing) {
      outcomes[index] = 'duplicate';
      if (options.returnRows) fills[index] = fillFromRow(existing);
      return;
    }
    const earlier = firstInBatch.get(key);
    if (earlier) {
      outcomes[index] = 'duplicate';
      return;
    }
    const fill: NewFill = { index, id: input.id ?? randomUUID(), order, input };
    firstInBatch.set(key, fill);
    newFills.push(fill);
    outcomes[index] = 'inserted';
  });
  if (newFills.length === 0) {
    if (options.returnRows) for (const order of orderOf) ordersAfter.set(order.id, orderFromRow(order));
    return { outcomes, fills, orders: ordersAfter };
  }

  // 3. Insert the new fills.
  const inserted = await tx.query<FillRow>(INSERT_FILLS + (options.returnRows ? ' RETURNING *' : ''), insertParams(newFills));
  if (options.returnRows) {
    const rowsById = new Map(inserted.rows.map((row) => [row.id, row]));
    for (const fill of newFills) fills[fill.index] = fillFromRow(rowsById.get(fill.id) as FillRow);
    inputs.forEach((input, index) => {
      if (fills[index] === undefined) {
        const first = firstInBatch.get(fillKey((orderOf[index] as OrderRow).venue, input.venueFillId)) as NewFill;
        fills[index] = fills[first.index] as Fill;
      }
    });
  }

  // 4. Filled size = exact sum of the order's fills; status and state time follow.
  const newestFillTime = new Map<string, number>();
  for (const fill of newFills) {
    newestFillTime.set(fill.order.id, Math.max(newestFillTime.get(fill.order.id) ?? -Infinity, fill.input.time.getTime()));
  }
  const touched = [...newestFillTime.keys()];
  const totals = await tx.query<{ order_id: string; total: string }>(FILLED_TOTALS, [touched, since.toISOString()]);
  const totalById = new Map(totals.rows.map((row) => [row.order_id, row.total]));
  const updates = touched.map((id) => {
    const order = byId.get(id) as OrderRow;
    const total = new ExactDecimal(totalById.get(id) ?? '0');
    const size = new ExactDecimal(order.size);
    if (total.greaterThan(size)) {
      const last = [...newFills].reverse().find((f) => f.order.id === id) as NewFill;
      throw new ValidationError(
        `${options.fieldOf(last.index)}.size`,
        last.input.size,
        `overfills order ${JSON.stringify(order.client_order_id)}: its fills would total ${total.toFixed()} > size ${size.toFixed()}`,
      );
    }
    const stored = new ExactDecimal(order.filled_size);
    const filled = stored.greaterThan(total) ? stored : total;
    const newest = newestFillTime.get(id) as number;
    const stateTime = order.state_time && order.state_time.getTime() > newest ? order.state_time : new Date(newest);
    const filledVsSize = filled.comparedTo(size) === 0 ? 0 : -1;
    return { id, filled: filled.toFixed(), status: statusAfterFill(order.status, filledVsSize, filled.isZero()), stateTime };
  });
  const updated = await tx.query<OrderRow>(UPDATE_FILLED_ORDERS + (options.returnRows ? ' RETURNING o.*' : ''), [
    updates.map((u) => u.id),
    updates.map((u) => u.filled),
    updates.map((u) => u.status),
    updates.map((u) => u.stateTime.toISOString()),
  ]);
  if (options.returnRows) {
    for (const order of orderOf) ordersAfter.set(order.id, orderFromRow(order));
    for (const row of updated.rows) ordersAfter.set(row.id, orderFromRow(row));
  }
  return { outcomes, fills, orders: ordersAfter };
}

function resolveOrder(
  input: ParsedFill,
  field: string,
  byId: Map<string, OrderRow>,
  byClientId: Map<string, OrderRow>,
): OrderRow {
  const viaId = input.orderId === undefined ? undefined : byId.get(input.orderId);
  const viaClientId = input.clientOrderId === undefined ? undefined : byClientId.get(input.clientOrderId);
  if (input.orderId !== undefined && !viaId) throw new ValidationError(`${field}.orderId`, input.orderId, 'no order with this id');
  if (input.clientOrderId !== undefined && !viaClientId) {
    throw new ValidationError(`${field}.clientOrderId`, input.clientOrderId, 'no order with this client order id');
  }
  if (viaId && viaClientId && viaId.id !== viaClientId.id) {
    throw new ValidationError(`${field}.clientOrderId`, input.clientOrderId, `belongs to order ${viaClientId.id}, not ${viaId.id}`);
  }
  const order = (viaId ?? viaClientId) as OrderRow;
  for (const [name, value, expected] of [
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

function insertParams(fills: readonly NewFill[]): unknown[][] {
  return [
    fills.map((f) => f.id),
    fills.map((f) => f.input.time.toISOString()),
    fills.map((f) => f.order.id),
    fills.map((f) => f.order.venue),
    fills.map((f) => f.order.market),
    fills.map((f) => f.order.side),
    fills.map((f) => f.input.price),
    fills.map((f) => f.input.size),
    fills.map((f) => f.input.fee ?? '0'),
    fills.map((f) => f.input.feeCurrency ?? null),
    fills.map((f) => f.input.venueFillId),
  ];
}

function fillKey(venue: string, venueFillId: string): string {
  return `${venue}\u0000${venueFillId}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
