// Step 2 of the fill writer: the new fills claim their keys and are inserted,
// in one statement. fill_keys holds every (account, venue, venue_fill_id)
// ever stored, for all time, so a fill whose key cannot be claimed is a
// duplicate however long ago it was stored, with no time window; only the
// fills that claimed their key are inserted. The claim is INSERT ... ON
// CONFLICT DO NOTHING in key order (two batches never deadlock on each
// other's keys; a concurrent claim of the same key waits, then finds it
// taken: a duplicate, not an error). It marks the transaction
// (ag_storage.fill_keys_claimed), so the trigger on fills, which claims the
// key of any fill inserted otherwise, leaves these alone. Each fill takes its
// order's account, strategy, venue, market and side.

import type { Queryable } from '@ag/storage-core';
import type { OrderRow } from '../orders/order-row.js';
import type { ParsedFill } from './fill-input.js';
import type { FillRow } from './fill-row.js';
import { findStoredFills } from './stored-fills.js';

export interface NewFill {
  /** Index of the input. */
  index: number;
  id: string;
  order: OrderRow;
  input: ParsedFill;
}

const CLAIM_AND_INSERT_FILLS = `
WITH flag AS (SELECT set_config('ag_storage.fill_keys_claimed', 'on', true) AS value),
u AS (
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::numeric[], $10::numeric[], $11::numeric[], $12::text[], $13::text[])
         AS u(id, time, order_id, account_id, strategy_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)
),
claimed AS (
  INSERT INTO fill_keys (account_id, venue, venue_fill_id, fill_id, time)
  SELECT u.account_id, u.venue, u.venue_fill_id, u.id, u.time FROM u, flag
   WHERE flag.value = 'on'
   ORDER BY u.venue_fill_id, u.venue, u.account_id
  ON CONFLICT DO NOTHING
  RETURNING fill_id
)
INSERT INTO fills (id, time, order_id, account_id, strategy_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)
SELECT u.id, u.time, u.order_id, u.account_id, u.strategy_id, u.venue, u.market, u.side::order_side, u.price, u.size, u.fee,
       u.fee_currency, u.venue_fill_id
  FROM u JOIN claimed ON claimed.fill_id = u.id`;

export interface ClaimedFills {
  /** The ids of the fills inserted (the others' keys were taken). */
  inserted: Set<string>;
  /** The inserted rows, when asked for. */
  rows: FillRow[];
}

/**
 * Claims the keys of `fills` (one per key) and inserts the fills that claimed
 * theirs. When every key was claimed (the usual case) the row count says so;
 * otherwise the claims are read back.
 */
export async function claimAndInsertFills(tx: Queryable, fills: readonly NewFill[], returnRows: boolean): Promise<ClaimedFills> {
  const { rows, rowCount } = await tx.query<FillRow>(CLAIM_AND_INSERT_FILLS + (returnRows ? ' RETURNING *' : ''), [
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
  if (returnRows) return { inserted: new Set(rows.map((row) => row.id)), rows };
  if (rowCount === fills.length) return { inserted: new Set(fills.map((f) => f.id)), rows };
  if (rowCount === 0) return { inserted: new Set(), rows };
  const ours = new Set(fills.map((f) => f.id));
  const stored = await findStoredFills(tx, fills.map((f) => ({ account: f.order.account_id, venue: f.order.venue, venueFillId: f.input.venueFillId })));
  return { inserted: new Set([...stored.values()].map((ref) => ref.fillId).filter((id) => ours.has(id))), rows };
}
