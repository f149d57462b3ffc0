// The fill writer, for one fill or a batch, in one transaction, in named
// steps:
//   1. lockFillOrders       the fills' orders, locked (fill-orders.ts);
//   2. claimAndInsertFills  each fill (the first of its key in the batch)
//                           claims its (account, venue, venue_fill_id) in
//                           fill_keys and is inserted; a key claimed before,
//                           at any time, is a duplicate and stores nothing
//                           (claim-and-insert-fills.ts);
//   3. applyFillsToOrders   each touched order's filled size, status and state
//                           time (apply-fills-to-orders.ts);
//   4. readBack             for storeFill: each input's fill (the one stored
//                           before, for a duplicate) and its order.
// Deliveries of the same fill serialize on its order's row lock and on its
// key, so it is stored once however often and however concurrently it is
// sent, for its order or for another order of the account.

import { randomUUID } from 'node:crypto';
import type { Queryable } from '@ag/storage-core';
import { orderFromRow, type Order, type OrderRow } from '../orders/order-row.js';
import type { ParsedFill } from './fill-input.js';
import { lockFillOrders } from './fill-orders.js';
import { fillFromRow, type Fill, type FillRow } from './fill-row.js';
import { applyFillsToOrders } from './apply-fills-to-orders.js';
import { claimAndInsertFills, type NewFill } from './claim-and-insert-fills.js';
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

  // 1. The orders, locked.
  const { orderOf } = await lockFillOrders(tx, inputs, options.fieldOf, options.returnRows);
  const orderAt = (index: number) => orderOf[index] as OrderRow;

  // 2. The first fill of every key in the batch claims it and is inserted; a key already taken is a duplicate.
  const keyOf = inputs.map((input, index) => fillKeyText(orderAt(index).account_id, orderAt(index).venue, input.venueFillId));
  const candidates = new Map<string, NewFill>();
  inputs.forEach((input, index) => {
    const key = keyOf[index] as string;
    if (!candidates.has(key)) candidates.set(key, { index, id: input.id ?? randomUUID(), order: orderAt(index), input });
  });
  const claimed = await claimAndInsertFills(tx, [...candidates.values()], options.returnRows);
  const newFills = [...candidates.values()].filter((f) => claimed.inserted.has(f.id));
  inputs.forEach((_, index) => {
    const candidate = candidates.get(keyOf[index] as string) as NewFill;
    outcomes[index] = candidate.index === index && claimed.inserted.has(candidate.id) ? 'inserted' : 'duplicate';
  });

  // 3. Move the orders.
  const updatedOrders = newFills.length > 0 ? await applyFillsToOrders(tx, newFills, options.fieldOf, options.returnRows) : [];
  if (!options.returnRows) return { outcomes, fills: [], orders: [] };

  // 4. Read back.
  return { outcomes, ...(await readBack(tx, [...candidates.values()], keyOf, claimed.rows, orderOf, updatedOrders)) };
}

/** The rows storeFill returns: each input's fill (the one stored before, for a duplicate) and its order after the write. */
async function readBack(
  tx: Queryable,
  candidates: readonly NewFill[],
  keyOf: readonly string[],
  insertedRows: readonly FillRow[],
  orderOf: readonly OrderRow[],
  updatedOrders: readonly OrderRow[],
): Promise<Pick<WriteFillsResult, 'fills' | 'orders'>> {
  const fillById = new Map<string, Fill | null>(insertedRows.map((row) => [row.id, fillFromRow(row)]));
  const taken = candidates.filter((f) => !fillById.has(f.id));
  const stored = await findStoredFills(tx, taken.map((f) => ({ account: f.order.account_id, venue: f.order.venue, venueFillId: f.input.venueFillId })));
  for (const [id, fill] of await readStoredFills(tx, [...stored.values()])) fillById.set(id, fill);
  const candidateOf = new Map(candidates.map((f) => [fillKeyText(f.order.account_id, f.order.venue, f.input.venueFillId), f]));
  const fills = keyOf.map((key) => {
    const candidate = candidateOf.get(key) as NewFill;
    const id = fillById.has(candidate.id) ? candidate.id : (stored.get(key) as StoredFillRef | undefined)?.fillId;
    return (id === undefined ? undefined : fillById.get(id)) ?? null;
  });
  const orderById = new Map<string, Order>();
  for (const row of orderOf) orderById.set(row.id, orderFromRow(row));
  for (const row of updatedOrders) orderById.set(row.id, orderFromRow(row));
  return { fills, orders: orderOf.map((row) => orderById.get(row.id) as Order) };
}
