// The order lifecycle table: which transitions are legal, and properties any
// correct table must have. Property-based with fast-check.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVE_STATUSES, isLegalTransition, isTerminalStatus, ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatusName } from '../src/index.js';
import { statusAfterFill } from '../src/orders/order-lifecycle.js';

const status = fc.constantFrom(...ORDER_STATUSES);

describe('order lifecycle', () => {
  it('allows the happy path new -> open -> partially_filled -> filled', () => {
    expect(isLegalTransition('new', 'open')).toBe(true);
    expect(isLegalTransition('open', 'partially_filled')).toBe(true);
    expect(isLegalTransition('partially_filled', 'filled')).toBe(true);
  });

  it('rejects only from new', () => {
    for (const from of ORDER_STATUSES) expect(isLegalTransition(from, 'rejected')).toBe(from === 'new' || from === 'rejected');
  });

  it('has exactly the four terminal statuses', () => {
    expect(ORDER_STATUSES.filter(isTerminalStatus)).toEqual(['filled', 'cancelled', 'rejected', 'expired']);
    expect([...ACTIVE_STATUSES]).toEqual(ORDER_STATUSES.filter((s) => !isTerminalStatus(s)));
  });

  it('never leaves a terminal status', () => {
    fc.assert(fc.property(status, status, (from, to) => {
      if (isTerminalStatus(from) && from !== to) expect(isLegalTransition(from, to)).toBe(false);
    }));
  });

  it('always allows repeating the current status', () => {
    fc.assert(fc.property(status, (s) => {
      expect(isLegalTransition(s, s)).toBe(true);
    }));
  });

  it('never goes back: no two distinct statuses reach each other', () => {
    fc.assert(fc.property(status, status, (a, b) => {
      if (a !== b) expect(isLegalTransition(a, b) && isLegalTransition(b, a)).toBe(false);
    }));
  });

  it('has no cycles over any walk of legal moves', () => {
    fc.assert(fc.property(fc.array(status, { maxLength: 20 }), (walk) => {
      const visited: OrderStatusName[] = ['new'];
      for (const next of walk) {
        const current = visited[visited.length - 1] as OrderStatusName;
        if (next === current || !isLegalTransition(current, next)) continue;
        expect(visited).not.toContain(next);
        visited.push(next);
      }
    }));
  });

  it('reaches every status from new', () => {
    const reached = new Set<OrderStatusName>(['new']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const from of [...reached]) for (const to of ORDER_TRANSITIONS[from]) if (!reached.has(to)) (reached.add(to), (changed = true));
    }
    expect([...reached].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('moves an order by fills only along legal transitions', () => {
    fc.assert(fc.property(status, fc.constantFrom(-1 as const, 0 as const), fc.boolean(), (current, vsSize, zero) => {
      const next = statusAfterFill(current, vsSize, vsSize === 0 ? false : zero);
      expect(isLegalTransition(current, next)).toBe(true);
      if (!isTerminalStatus(current) && vsSize === 0) expect(next).toBe('filled');
    }));
  });
});
