// The order lifecycle: which status may follow which. One table, used by
// storeOrder (an update that moves an order illegally is a ValidationError)
// and by storeFill (fills move an order to partially_filled / filled).
//
//   new ──> open ──> partially_filled ──> filled
//    │        │            │
//    │        └────────────┴──> cancelled | expired
//    └──> rejected (and any status an open order may reach)
//
// filled, cancelled, rejected and expired are terminal. Repeating the current
// status is always legal (an update of other fields, e.g. a price amend).

export const ORDER_STATUSES = ['new', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

export const ORDER_SIDES = ['buy', 'sell'] as const;
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export const TIMES_IN_FORCE = ['gtc', 'ioc', 'fok', 'gtd', 'post_only'] as const;

/** Statuses an order may move to from each status (besides staying where it is). */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatusName, readonly OrderStatusName[]>> = {
  new: ['open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired'],
  open: ['partially_filled', 'filled', 'cancelled', 'expired'],
  partially_filled: ['filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export function isTerminalStatus(status: OrderStatusName): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/**
 * The statuses of an order that is still working: the ones that are not
 * terminal (what active_orders shows, and what retention never removes).
 * The one list of them in the code base.
 */
export const ACTIVE_STATUSES: readonly OrderStatusName[] = ORDER_STATUSES.filter((status) => !isTerminalStatus(status));

export function isLegalTransition(from: OrderStatusName, to: OrderStatusName): boolean {
  return from === to || ORDER_TRANSITIONS[from].includes(to);
}

/**
 * The status after fills brought the filled size to `filledVsSize` (-1: below
 * the size, 0: equal). A working order becomes partially_filled or filled;
 * a terminal order keeps its status (a late fill of a cancelled order is
 * still recorded, and the order stays cancelled).
 */
export function statusAfterFill(current: OrderStatusName, filledVsSize: -1 | 0, filledIsZero: boolean): OrderStatusName {
  if (isTerminalStatus(current)) return current;
  if (filledVsSize === 0) return 'filled';
  return filledIsZero ? current : 'partially_filled';
}
