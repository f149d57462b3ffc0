// The fill writer, for one fill or a batch, in one transaction, in four named
// steps:
//   1. lockFillOrders      the fills' orders, locked (fill-orders.ts);
//   2. claimFillKeys       each new fill claims its (account, venue,
//                          venue_fill_id) in fill_keys; a key claimed before,
//                          at any time, is a duplicate and stores nothing
//                          (stored-fills.ts); repeats inside the batch count once;
//   3. insertFills         the new fills (insert-fills.ts);
//   4. applyFillsToOrders  each touched order's filled size, status and state
//                          time (apply-fills-to-orders.ts).
// Deliveries of the same fill serialize on its order's row lock and on its
// key, so it is stored once however often and however concurrently it is
// sent, for its order or for another order of the account.

import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ag/storage-core';
import { orderFromRow, type Order, type OrderRow } from '../orders/order-row.js';
import type { ParsedFill } from './fill-input.js';
import { lockFillOrders } from './fill-orders.js';
import { fillFromRow, type Fill } from './fill-row.js';
import { applyFillsToOrders } from './apply-fills-to-orders.js';
import { insertFills, type NewFill } from './insert-fills.js';
import { claimFillKeys, fillKeyText, findStoredFills, readStoredFills } from './stored-fills.js';

export { FILL_BEFORE_ORDER_ALLOWANCE_MS } from './fill-orders.js';

export type FillWriteOutcome = 'inserted' | 'duplicate';

export interface WriteFillsResult {
  outcomes: FillWriteOutcome[];
  /**
   * Per input, when rows were asked for: the stored fill (the new one, or the
   * one stored before for a duplicate; null when retention has removed it).
   */
  fills: Array<Fill | null>;
  /** Per input, when rows were asked for: its order after the write. */
  orders: Order[];
}

export async function writeFills(
  tx: Queryable,
  inputs: readonly ParsedFill[],
  options: { fieldOf: (index: number) => string; returnRows: boolean },
): Promise<WriteFillsResult> {
  const outcomes: FillWriteOutcome[] = new Array(inputs.length);
  if (inputs.length === 0) return { outcomes, fills: [], orders: [] };

  // 1. The orders, locked.
  const { orderOf } = await lockFillOrders(tx, inputs, options.fieldOf);
  const orderAt = (index: number) => orderOf[index] as OrderRow;

  // 2. Claim the key of the first fill of every key in the batch; a key already taken is a duplicate.
  const keyOf = inputs.map((input, index) => fillKeyText(orderAt(index).account_id, orderAt(index).venue, input.venueFillId));
  const candidates = new Map<string, NewFill>();
  inputs.forEach((input, index) => {
    const key = keyOf[index] as string;
    if (!candidates.has(key)) candidates.set(key, { index, id: input.id ?? randomUUID(), order: orderAt(index), input });
  });
  const claimed = await claimFillKeys(
    tx,
    [...candidates.values()].map((f) => ({ account: f.order.account_id, venue: f.order.venue, venueFillId: f.input.venueFillId, fillId: f.id, time: f.input.time })),
  );
  const newFills = [...candidates.values()].filter((f) => claimed.has(f.id));
  inputs.forEach((_, index) => {
    const candidate = candidates.get(keyOf[index] as string) as NewFill;
    outcomes[index] = candidate.index === index && claimed.has(candidate.id) ? 'inserted' : 'duplicate';
  });

  // 3. Insert the new fills; 4. move their orders.
  const inserted = newFills.length > 0 ? await insertFills(tx, newFills, options.returnRows) : [];
  const updatedOrders = newFills.length > 0 ? await applyFillsToOrders(tx, newFills, options.fieldOf, options.returnRows) : [];
  if (!options.returnRows) return { outcomes, fills: [], orders: [] };

  // The rows callers get back: each input's fill (the one stored before, for a duplicate) and its order after the write.
  const fillById = new Map<string, Fill | null>(inserted.map((row) => [row.id, fillFromRow(row)]));
  const takenKeys = [...candidates.values()].filter((f) => !claimed.has(f.id));
  const stored = await findStoredFills(tx, takenKeys.map((f) => ({ account: f.order.account_id, venue: f.order.venue, venueFillId: f.input.venueFillId })));
  for (const [id, fill] of await readStoredFills(tx, [...stored.values()])) fillById.set(id, fill);
  const fills = keyOf.map((key) => {
    const candidate = candidates.get(key) as NewFill;
    const id = claimed.has(candidate.id) ? candidate.id : stored.get(key)?.fillId;
    return (id === undefined ? undefined : fillById.get(id)) ?? null;
  });
  const orderById = new Map<string, Order>();
  for (const row of orderOf) orderById.set(row.id, orderFromRow(row));
  for (const row of updatedOrders) orderById.set(row.id, orderFromRow(row));
  return { outcomes, fills, orders: orderOf.map((row) => orderById.get(row.id) as Order) };
}
