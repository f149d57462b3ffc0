// The rules of storeOrder, as a pure function over the stored state and one
// update: identity fields (id, strategy, time, venue, market, side, type)
// cannot change; an update older than the stored state_time is stale; an
// update that changes nothing is unchanged; a status move must be legal
// (order-lifecycle.ts); the filled size never goes down (order-rows.ts).

import { ValidationError } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { isLegalTransition, ORDER_TRANSITIONS } from './order-lifecycle.js';
import { DEFAULT_STRATEGY } from '../fleet/fleet-ids.js';
import type { ParsedOrder } from './order-input.js';
import type { OrderState } from './order-row.js';
import { filledSizeAfter } from './order-rows.js';

export type OrderWriteOutcome = 'inserted' | 'updated' | 'stale' | 'unchanged';

export type OrderUpdateDecision =
  | { outcome: 'stale' | 'unchanged'; state: OrderState }
  | { outcome: 'updated'; state: OrderState };

/** The state of a new order, as inserted. */
export function newOrderState(input: ParsedOrder, id: string, now: Date): OrderState {
  const status = input.status ?? 'new';
  return {
    id,
    accountId: input.account,
    strategyId: input.strategy ?? DEFAULT_STRATEGY,
    clientOrderId: input.clientOrderId,
    time: input.time,
    venue: input.venue,
    market: input.market,
    side: input.side,
    orderType: input.orderType,
    price: input.price ?? null,
    size: input.size,
    filledSize: input.filledSize ?? (status === 'filled' ? input.size : '0'),
    status,
    venueOrderId: input.venueOrderId ?? null,
    timeInForce: input.timeInForce ?? null,
    stateTime: input.stateTime ?? now,
  };
}

/**
 * Applies one update to the stored state. `field` names the input in errors
 * (e.g. "orders[3]"). Omitted optional fields keep their stored values; null
 * clears price, venueOrderId and timeInForce.
 */
export function applyOrderUpdate(stored: OrderState, update: ParsedOrder, field: string, now: Date): OrderUpdateDecision {
  assertSameIdentity(stored, update, field);
  const stateTime = update.stateTime ?? now;
  if (stored.stateTime !== null && stateTime.getTime() < stored.stateTime.getTime()) {
    return { outcome: 'stale', state: stored };
  }

  const status = update.status ?? stored.status;
  const size = update.size;
  const filledSize = filledSizeAfter(stored.filledSize, update.filledSize ?? (status === 'filled' ? size : stored.filledSize));
  const next: OrderState = {
    ...stored,
    price: update.price === undefined ? stored.price : update.price,
    size,
    filledSize,
    status,
    venueOrderId: update.venueOrderId === undefined ? stored.venueOrderId : update.venueOrderId,
    timeInForce: update.timeInForce === undefined ? stored.timeInForce : update.timeInForce,
    stateTime,
  };

  if (sameContent(stored, next)) return { outcome: 'unchanged', state: stored };

  if (!isLegalTransition(stored.status, next.status)) {
    const allowed = ORDER_TRANSITIONS[stored.status];
    throw new ValidationError(
      `${field}.status`,
      next.status,
      `illegal transition ${stored.status} -> ${next.status} for order ${JSON.stringify(stored.clientOrderId)} ` +
        `(from ${stored.status}: ${allowed.length ? allowed.join(', ') : 'none, it is terminal'})`,
    );
  }
  const filledVsSize = new ExactDecimal(next.filledSize).comparedTo(next.size);
  if (filledVsSize > 0) {
    throw new ValidationError(`${field}.size`, update.size, `below the order's filled size ${next.filledSize}`);
  }
  if (next.status === 'filled' && filledVsSize !== 0) {
    throw new ValidationError(`${field}.size`, update.size, `a filled order's size must equal its filled size ${next.filledSize}`);
  }
  return { outcome: 'updated', state: next };
}

function assertSameIdentity(stored: OrderState, update: ParsedOrder, field: string): void {
  const mismatch = (name: string, value: unknown, storedValue: unknown) =>
    new ValidationError(
      `${field}.${name}`,
      value,
      `differs from the stored order ${JSON.stringify(stored.clientOrderId)} (${String(storedValue)}): ` +
        'id, strategy, time, venue, market, side and orderType cannot change',
    );
  if (update.id !== undefined && update.id !== stored.id) throw mismatch('id', update.id, stored.id);
  if (update.strategy !== undefined && update.strategy !== stored.strategyId) throw mismatch('strategy', update.strategy, stored.strategyId);
  if (update.time.getTime() !== stored.time.getTime()) throw mismatch('time', update.time, stored.time.toISOString());
  if (update.venue !== stored.venue) throw mismatch('venue', update.venue, stored.venue);
  if (update.market !== stored.market) throw mismatch('market', update.market, stored.market);
  if (update.side !== stored.side) throw mismatch('side', update.side, stored.side);
  if (update.orderType !== stored.orderType) throw mismatch('orderType', update.orderType, stored.orderType);
}

function sameContent(a: OrderState, b: OrderState): boolean {
  return (
    a.status === b.status &&
    a.price === b.price &&
    a.size === b.size &&
    a.filledSize === b.filledSize &&
    a.venueOrderId === b.venueOrderId &&
    a.timeInForce === b.timeInForce
  );
}
