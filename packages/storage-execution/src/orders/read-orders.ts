// Reading orders back: one order by id or by (account, client order id),
// pages of a time range with filters (keyset-page.ts), and the orders still
// working (the active_orders view).

import type { Queryable } from '@ag/storage-core';
import { DEFAULT_ACCOUNT } from '../fleet/fleet-ids.js';
import { readKeysetPage } from '../keyset-page.js';
import { orderFromRow, type Order, type OrderRow } from './order-row.js';

const SELECT_ORDER_BY_ID = `SELECT * FROM orders WHERE id = $1`;
const SELECT_ORDER_BY_CLIENT_ID = `SELECT * FROM orders WHERE account_id = $1 AND client_order_id = $2`;
const SELECT_ACTIVE_ORDERS = `
SELECT * FROM active_orders
 WHERE ($1::text IS NULL OR venue = $1) AND ($2::text IS NULL OR market = $2)
   AND ($3::text IS NULL OR account_id = $3) AND ($4::text IS NULL OR strategy_id = $4)
 ORDER BY time, id`;

export type OrderLookup = { id: string } | { clientOrderId: string; account?: string | undefined };

export interface OrderPageQuery {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  side?: Order['side'] | undefined;
  status?: Order['status'] | Order['status'][] | undefined;
  limit: number;
  cursor?: string | undefined;
  order: 'asc' | 'desc';
}

export interface ActiveOrdersFilter {
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
}

export async function readOrder(db: Queryable, lookup: OrderLookup): Promise<Order | null> {
  const { rows } =
    'id' in lookup
      ? await db.query<OrderRow>(SELECT_ORDER_BY_ID, [lookup.id])
      : await db.query<OrderRow>(SELECT_ORDER_BY_CLIENT_ID, [lookup.account ?? DEFAULT_ACCOUNT, lookup.clientOrderId]);
  return rows[0] ? orderFromRow(rows[0]) : null;
}

export async function readOrderPage(db: Queryable, q: OrderPageQuery): Promise<{ orders: Order[]; nextCursor: string | null }> {
  const page = await readKeysetPage<OrderRow>(db, {
    table: 'orders',
    start: q.start,
    end: q.end,
    equal: [
      ['account_id', q.account],
      ['strategy_id', q.strategy],
      ['venue', q.venue],
      ['market', q.market],
      ['side', q.side, '::order_side'],
    ],
    ...(q.status !== undefined ? { anyOf: ['status', Array.isArray(q.status) ? q.status : [q.status], '::text[]::order_status[]'] as [string, unknown[], string] } : {}),
    limit: q.limit,
    order: q.order,
    cursor: q.cursor,
    cursorField: 'query.cursor',
  });
  return { orders: page.rows.map(orderFromRow), nextCursor: page.nextCursor };
}

export async function readActiveOrders(db: Queryable, filter: ActiveOrdersFilter): Promise<Order[]> {
  const { rows } = await db.query<OrderRow>(SELECT_ACTIVE_ORDERS, [filter.venue ?? null, filter.market ?? null, filter.account ?? null, filter.strategy ?? null]);
  return rows.map(orderFromRow);
}
