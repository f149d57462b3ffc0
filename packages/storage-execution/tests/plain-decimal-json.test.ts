// The models ExecutionStore returns write their money as plain decimal text
// (toString and JSON), never exponent notation, on every engine: Prisma's own
// Decimal writes 0.0000001 as "1e-7" and sums beyond 1e21 as "1e+21".

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Prisma } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore } from '../src/index.js';
import { aFill, anOrder } from './support/fixtures.js';

const HUGE = '99999999999999999999';

describeEachEngine('plain decimal text of returned models', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
  });
  afterAll(async () => storage?.close());

  it('orders, fills, positions, funding and statistics, tiny and huge', async () => {
    expect(JSON.stringify(new Prisma.Decimal('0.0000001'))).toBe('"1e-7"');
    const order = anOrder({ price: HUGE, size: '0.000000000000000001' });
    const { order: stored } = await store.storeOrder(order);
    const { fill } = await store.storeFill(aFill(order, { price: '0.0000001', size: '0.000000000000000001', fee: '0.0000001' }));
    await store.storePosition({ time: new Date('2026-11-02T10:00:00Z'), venue: 'binance', market: 'BTC-USDT', size: '-0.0000001', avgEntryPrice: HUGE, realizedPnl: '0.000000000000000001' });
    const position = await store.getLatestPosition('binance', 'BTC-USDT');
    await store.storeFundingPayments(Array.from({ length: 20 }, (_, i) => ({ time: new Date(Date.UTC(2026, 10, 2, i)), venue: 'binance', market: 'BTC-USDT', amount: HUGE, currency: 'USDT', venuePaymentId: `p-${i}` })));
    const stats = await store.getTradeStatistics({ start: '2026-11-01T00:00:00Z', end: '2026-11-03T00:00:00Z' });
    const json = JSON.stringify({ stored, fill, position, stats });
    expect(json).not.toMatch(/:"?-?\d+(\.\d+)?[eE][+-]?\d+"?[,}\]]/);
    expect(json).toContain(`"price":"${HUGE}"`);
    expect(json).toContain('"size":"0.000000000000000001"');
    expect(json).toContain('"fee":"0.0000001"');
    expect(json).toContain('"size":"-0.0000001"');
    expect(json).toContain('"fundingPnl":"1999999999999999999980"');
    expect(String(fill?.fee)).toBe('0.0000001');
    expect(`${stats.overall.fundingPnl}`).toBe('1999999999999999999980');
  });
});
