// The one module that writes the orders row. The order writer (write-orders.ts)
// and the fill writer (fills/write-fills.ts) both go through it, so the
// row's two invariants live here once:
//   - the lock order: rows are locked FOR UPDATE in (client_order_id,
//     account_id) order (the unique key's), and new orders are inserted in
//     that order, so two writers of overlapping batches never deadlock;
//   - the filled size never goes down: an update proposes a filled size, the
//     row keeps the larger of it and the stored one (in filledSizeAfter for
//     the decision, and again in the UPDATE itself).
// Orders are known by id, or by (account, client order id): venues scope
// client ids per account.

import type { Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import type { OrderRow, OrderState } from './order-row.js';

/** How one order is named by a bot: its account and client order id. */
export interface OrderKey {
  account: string;
  clientOrderId: string;
}

/** A map key for an OrderKey. */
export function orderKeyText(account: string, clientOrderId: string): string {
  return `${account}\u0000${clientOrderId}`;
}

const LOCK_ORDER = 'ORDER BY o.client_order_id, o.account_id';

/** What a writer reads of a locked row: everything (rows returned to callers), its state, or what fills need. */
export type OrderColumns = 'all' | 'state' | 'fill';
const COLUMNS: Record<OrderColumns, string> = {
  all: 'o.*',
  state: `o.id, o.time, o.account_id, o.strategy_id, o.venue, o.market, o.side, o.order_type, o.price, o.size, o.filled_size,
          o.status, o.client_order_id, o.venue_order_id, o.time_in_force, o.state_time`,
  fill: 'o.id, o.time, o.account_id, o.strategy_id, o.venue, o.market, o.side, o.size, o.filled_size, o.status, o.client_order_id, o.state_time',
};

const INSERT_NEW_ORDERS = `
INSERT INTO orders (id, time, account_id, strategy_id, venue, market, side, order_type, price, size, filled_size, status,
                    client_order_id, venue_order_id, time_in_force, state_time, updated_at)
SELECT u.id, u.time, u.account_id, u.strategy_id, u.venue, u.market, u.side::order_side, u.order_type::order_type, u.price, u.size,
       u.filled_size, u.status::order_status, u.client_order_id, u.venue_order_id,
       u.time_in_force::time_in_force, u.state_time, clock_timestamp()
  FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::numeric[], $10::numeric[], $11::numeric[], $12::text[], $13::text[], $14::text[],
              $15::text[], $16::timestamptz[])
       AS u(id, time, account_id, strategy_id, venue, market, side, order_type, price, size, filled_size, status,
            client_order_id, venue_order_id, time_in_force, state_time)
 ORDER BY u.client_order_id, u.account_id
ON CONFLICT (account_id, client_order_id) DO NOTHING`;

// Keys of one account (the usual batch): an index condition on the whole
// (account_id, client_order_id) key. Of several accounts: the ANY()
// conditions give the planner index conditions, the pair condition keeps only
// the exact keys (a row is locked only when it passes every condition).
const ONE_ACCOUNT_CONDITION = (account: string, clientIds: string) => `(o.account_id = ${account} AND o.client_order_id = ANY(${clientIds}::text[]))`;
const KEY_CONDITION = (accounts: string, clientIds: string) => `
(o.account_id = ANY(${accounts}::text[]) AND o.client_order_id = ANY(${clientIds}::text[])
 AND (o.account_id, o.client_order_id) IN (SELECT * FROM unnest(${accounts}::text[], ${clientIds}::text[])))`;

// The extra ANY() on the id gives the planner an index condition on orders
// (otherwise it may hash the whole table to join a batch of keys).
const UPDATE_ORDERS = `
UPDATE orders o
   SET price = u.price, size = u.size, filled_size = GREATEST(o.filled_size, u.filled_size), status = u.status::order_status,
       venue_order_id = u.venue_order_id, time_in_force = u.time_in_force::time_in_force,
       state_time = u.state_time, updated_at = clock_timestamp()
  FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::text[], $6::text[],
              $7::text[], $8::timestamptz[])
       AS u(id, price, size, filled_size, status, venue_order_id, time_in_force, state_time)
 WHERE o.id = u.id
   AND o.id = ANY($1::uuid[])`;

// Fills move only these three columns (and updated_at).
const UPDATE_FILLED = `
UPDATE orders o
   SET filled_size = GREATEST(o.filled_size, u.filled_size), status = u.status::order_status,
       state_time = u.state_time, updated_at = clock_timestamp()
  FROM unnest($1::uuid[], $2::numeric[], $3::text[], $4::timestamptz[]) AS u(id, filled_size, status, state_time)
 WHERE o.id = u.id
   AND o.id = ANY($1::uuid[])`;

/** The filled size an update leaves: the proposed one, never below the stored one. */
export function filledSizeAfter(stored: string, proposed: string): string {
  return new ExactDecimal(stored).greaterThan(proposed) ? stored : proposed;
}

const OURS_AMONG = `SELECT account_id, client_order_id FROM orders WHERE id = ANY($1::uuid[])`;

/**
 * Inserts the orders whose (account, client order id) is new; returns the
 * keys inserted (orderKeyText), and the inserted rows when asked. Without
 * rows, the insert's row count says when all or none were inserted (the
 * usual cases); otherwise the new ids are looked up.
 */
export async function insertNewOrders(tx: Queryable, states: readonly OrderState[], returnRows: boolean): Promise<{ keys: Set<string>; rows: OrderRow[] }> {
  const { rows, rowCount } = await tx.query<OrderRow>(INSERT_NEW_ORDERS + (returnRows ? ' RETURNING *' : ''), [
    states.map((s) => s.id),
    states.map((s) => s.time.toISOString()),
    states.map((s) => s.accountId),
    states.map((s) => s.strategyId),
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
  ]);
  const keyOf = (row: { account_id: string; client_order_id: string }) => orderKeyText(row.account_id, row.client_order_id);
  if (returnRows) return { keys: new Set(rows.map(keyOf)), rows };
  if (rowCount === states.length) return { keys: new Set(states.map((s) => orderKeyText(s.accountId, s.clientOrderId))), rows: [] };
  if (rowCount === 0) return { keys: new Set(), rows: [] };
  const ours = await tx.query<{ account_id: string; client_order_id: string }>(OURS_AMONG, [states.map((s) => s.id)]);
  return { keys: new Set(ours.rows.map(keyOf)), rows: [] };
}

/** Locks the orders of some ids and/or keys, in the lock order. Absent orders are simply not returned. */
export async function lockOrders(tx: Queryable, ids: readonly string[], keys: readonly OrderKey[], columns: OrderColumns): Promise<OrderRow[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  // Only the lists that are given are queried: an OR with an empty ANY()
  // can make the planner scan the whole table.
  if (ids.length > 0) {
    params.push(ids);
    conditions.push(`o.id = ANY($${params.length}::uuid[])`);
  }
  if (keys.length > 0) {
    const account = (keys[0] as OrderKey).account;
    if (keys.every((k) => k.account === account)) {
      params.push(account, keys.map((k) => k.clientOrderId));
      conditions.push(ONE_ACCOUNT_CONDITION(`$${params.length - 1}`, `$${params.length}`));
    } else {
      params.push(keys.map((k) => k.account), keys.map((k) => k.clientOrderId));
      conditions.push(KEY_CONDITION(`$${params.length - 1}`, `$${params.length}`));
    }
  }
  if (conditions.length === 0) return [];
  const { rows } = await tx.query<OrderRow>(`SELECT ${COLUMNS[columns]} FROM orders o WHERE ${conditions.join(' OR ')} ${LOCK_ORDER} FOR UPDATE`, params);
  return rows;
}

/** Writes what fills change of some orders (filled size, status, state time) in one statement. */
export async function updateFilledOrders(
  tx: Queryable,
  changes: ReadonlyArray<{ id: string; filledSize: string; status: string; stateTime: Date }>,
  returnRows: boolean,
): Promise<OrderRow[]> {
  if (changes.length === 0) return [];
  const { rows } = await tx.query<OrderRow>(UPDATE_FILLED + (returnRows ? ' RETURNING o.*' : ''), [
    changes.map((c) => c.id),
    changes.map((c) => c.filledSize),
    changes.map((c) => c.status),
    changes.map((c) => c.stateTime.toISOString()),
  ]);
  return rows;
}

/** Writes changed order states in one statement; returns the rows written when asked. */
export async function updateOrders(tx: Queryable, states: readonly OrderState[], returnRows: boolean): Promise<OrderRow[]> {
  if (states.length === 0) return [];
  const { rows } = await tx.query<OrderRow>(UPDATE_ORDERS + (returnRows ? ' RETURNING o.*' : ''), [
    states.map((s) => s.id),
    states.map((s) => s.price),
    states.map((s) => s.size),
    states.map((s) => s.filledSize),
    states.map((s) => s.status),
    states.map((s) => s.venueOrderId),
    states.map((s) => s.timeInForce),
    states.map((s) => s.stateTime?.toISOString() ?? null),
  ]);
  return rows;
}
