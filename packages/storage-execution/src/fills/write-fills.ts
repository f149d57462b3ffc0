// The fill writer, for one fill or a batch, in one transaction, in four named
// steps:
//   1. lockFillOrders      the fills' orders, locked (fill-orders.ts);
//   2. findStoredFills     fills whose (account, venue, venue_fill_id) is
//                          already claimed, at any time: duplicates, which
//                          store nothing (stored-fills.ts); repeats inside the
//                          batch count once;
//   3. insertFills         the new fills (insert-fills.ts);
//   4. applyFillsToOrders  each touched order's filled size, status and state
//                          time (apply-fills-to-orders.ts).
// Deliveries of the same fill serialize on its order's row lock, so it is
// stored once however often and however concurrently it is sent; the same
// venue fill id sent for another order of the account meets the key claimed
// by fill_keys (a concurrent claim surfaces as a unique violation, which the
// store retries: the retry then sees a duplicate).

import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ag/storage-core';
import { orderFromRow, type Order, type OrderRow } from '../orders/order-row.js';
import type { ParsedFill } from './fill-input.js';
import { lockFillOrders } from './fill-orders.js';
import { fillFromRow, type Fill } from './fill-row.js';
import { applyFillsToOrders } from './apply-fills-to-orders.js';
import { insertFills, type NewFill } from './insert-fills.js';
import { fillKeyText, findStoredFills, readStoredFills, type StoredFillRef } from './stored-fills.js';

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

  const { orderOf } = await lockFillOrders(tx, inputs, options.fieldOf);
  const orderAt = (index: number) => orderOf[index] as OrderRow;

  const keys = inputs.map((input, index) => ({ account: orderAt(index).account_id, venue: orderAt(index).venue, venueFillId: input.venueFillId }));
  const keyOf = keys.map((k) => fillKeyText(k.account, k.venue, k.venueFillId));
  const stored = await findStoredFills(tx, keys);
  const newFills: NewFill[] = [];
  const firstInBatch = new Map<string, NewFill>();
  inputs.forEach((input, index) => {
    const key = keyOf[index] as string;
    if (stored.has(key) || firstInBatch.has(key)) {
      outcomes[index] = 'duplicate';
      return;
    }
    const fill: NewFill = { index, id: input.id ?? randomUUID(), order: orderAt(index), input };
    firstInBatch.set(key, fill);
    newFills.push(fill);
    outcomes[index] = 'inserted';
  });

  const inserted = newFills.length > 0 ? await insertFills(tx, newFills, options.returnRows) : [];
  const updatedOrders = newFills.length > 0 ? await applyFillsToOrders(tx, newFills, options.fieldOf, options.returnRows) : [];
  if (!options.returnRows) return { outcomes, fills: [], orders: [] };

  // The rows callers get back: each input's fill and its order after the write.
  const fillById = new Map<string, Fill | null>(inserted.map((row) => [row.id, fillFromRow(row)]));
  const storedBefore = await readStoredFills(tx, [...new Set(keyOf.filter((key) => stored.has(key)))].map((key) => stored.get(key) as StoredFillRef));
  for (const [id, fill] of storedBefore) fillById.set(id, fill);
  const fills = keyOf.map((key) => {
    const id = stored.get(key)?.fillId ?? (firstInBatch.get(key) as NewFill).id;
    return fillById.get(id) ?? null;
  });
  const orderById = new Map<string, Order>();
  for (const row of orderOf) orderById.set(row.id, orderFromRow(row));
  for (const row of updatedOrders) orderById.set(row.id, orderFromRow(row));
  return { outcomes, fills, orders: orderOf.map((row) => orderById.get(row.id) as Order) };
}
