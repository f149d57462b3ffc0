// Step 3 of the fill writer: the new fills, in one statement. Each takes its
// order's account, strategy, venue, market and side; the trigger on fills
// claims its key in fill_keys.

import type { Queryable } from '@ag/storage-core';
import type { OrderRow } from '../orders/order-row.js';
import type { ParsedFill } from './fill-input.js';
import type { FillRow } from './fill-row.js';

export interface NewFill {
  /** Index of the input. */
  index: number;
  id: string;
  order: OrderRow;
  input: ParsedFill;
}

const INSERT_FILLS = `
INSERT INTO fills (id, time, order_id, account_id, strategy_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)
SELECT u.id, u.time, u.order_id, u.account_id, u.strategy_id, u.venue, u.market, u.side::order_side, u.price, u.size, u.fee,
       u.fee_currency, u.venue_fill_id
  FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
              $9::numeric[], $10::numeric[], $11::numeric[], $12::text[], $13::text[])
       AS u(id, time, order_id, account_id, strategy_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)`;

export async function insertFills(tx: Queryable, fills: readonly NewFill[], returnRows: boolean): Promise<FillRow[]> {
  const { rows } = await tx.query<FillRow>(INSERT_FILLS + (returnRows ? ' RETURNING *' : ''), [
    fills.map((f) => f.id),
    fills.map((f) => f.input.time.toISOString()),
    fills.map((f) => f.order.id),
    fills.map((f) => f.order.account_id),
    fills.map((f) => f.order.strategy_id),
    fills.map((f) => f.order.venue),
    fills.map((f) => f.order.market),
    fills.map((f) => f.order.side),
    fills.map((f) => f.input.price),
    fills.map((f) => f.input.size),
    fills.map((f) => f.input.fee ?? '0'),
    fills.map((f) => f.input.feeCurrency ?? null),
    fills.map((f) => f.input.venueFillId),
  ]);
  return rows;
}
