// Builders of valid inputs for the suites: each test changes only what it is about.

import { randomUUID } from 'node:crypto';
import type { CandleInput, FillInput, OrderInput } from '../../src/index.js';

let sequence = 0;

/** A unique name, so tests sharing one database never see each other's rows. */
export function uniqueName(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomUUID().slice(0, 8)}`;
}

export function anOrder(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    clientOrderId: uniqueName('cid'),
    time: new Date('2026-11-02T10:00:00.000Z'),
    venue: 'binance',
    market: 'BTC-USDT',
    side: 'buy',
    orderType: 'limit',
    price: '35000.5',
    size: '2',
    ...overrides,
  };
}

export function aFill(order: { clientOrderId: string }, overrides: Partial<FillInput> = {}): FillInput {
  return {
    clientOrderId: order.clientOrderId,
    venueFillId: uniqueName('vf'),
    time: new Date('2026-11-02T10:00:01.000Z'),
    price: '35000.5',
    size: '0.5',
    fee: '0.01',
    ...overrides,
  };
}

export function aCandle(overrides: Partial<CandleInput> = {}): CandleInput {
  return {
    time: new Date('2026-11-02T10:00:00.000Z'),
    venue: 'binance',
    symbol: 'BTC-USDT',
    timeframe: '1m',
    open: '100',
    high: '110',
    low: '95',
    close: '105',
    volume: '12.5',
    ...overrides,
  };
}
