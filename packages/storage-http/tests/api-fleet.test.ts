// The API of a fleet on every engine: the account and strategy filters of the
// execution routes, the accounts, strategies, funding payments and trade
// statistics routes, the account/strategy label filters of the metrics
// routes, and money as plain decimal text in every JSON answer, for tiny and
// huge values (1e-7, 1e-18, 1e20 and sums beyond 1e21), never "1e-7".

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { openStorageServices, type StorageServices } from '@ag/storage-services';
import { createApiServer, type ApiServer } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const HUGE = '99999999999999999999';
/** A JSON value in exponent notation: a number or a quoted number like "1e-7". */
const EXPONENT = /:\s*"?-?\d+(\.\d+)?[eE][+-]?\d+"?\s*[,}\]]/;

describeEachEngine('API of a fleet', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let services: StorageServices;
  let api: ApiServer;
  const get = async (url: string) => {
    const response = await api.inject({ method: 'GET', url });
    return { status: response.statusCode, text: response.body, body: response.json() };
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    services = openStorageServices(storage);
    const x = services.executions;
    await x.registerAccount({ id: 'live-1', venue: 'binance', mode: 'live' });
    await x.registerAccount({ id: 'paper-1', venue: 'binance', mode: 'paper' });
    await x.registerStrategy({ id: 'mm', version: '2', parameters: { spread: 0.0000001 } });
    await x.registerStrategy({ id: 'trend' });
    const orders = [
      { clientOrderId: 'o-1', account: 'live-1', strategy: 'mm', price: '0.0000001', size: '1000', fee: '0.000000000000000001' },
      { clientOrderId: 'o-1', account: 'paper-1', strategy: 'mm', price: HUGE, size: '0.000000000000000001', fee: '0.0000001' },
      { clientOrderId: 'o-2', account: 'live-1', strategy: 'trend', price: HUGE, size: '3', fee: HUGE },
    ];
    for (const [i, o] of orders.entries()) {
      const time = new Date(T0 + i * 60_000);
      await x.storeOrder({ clientOrderId: o.clientOrderId, account: o.account, strategy: o.strategy, time, venue: 'binance', market: 'BTC-USDT', side: 'buy', orderType: 'limit', price: o.price, size: o.size, status: 'open', stateTime: time });
      await x.storeFill({ clientOrderId: o.clientOrderId, account: o.account, venueFillId: `f-${i}`, time: new Date(time.getTime() + 1000), price: o.price, size: o.size, fee: o.fee, feeCurrency: 'USDT' });
    }
    await x.storePositions([
      { time: new Date(T0), account: 'live-1', strategy: 'mm', venue: 'binance', market: 'BTC-USDT', size: '0.000000000000000001', avgEntryPrice: '0.0000001', unrealizedPnl: HUGE, realizedPnl: '-0.0000001' },
      { time: new Date(T0), account: 'live-1', strategy: 'trend', venue: 'binance', market: 'BTC-USDT', size: '3', avgEntryPrice: HUGE, realizedPnl: '0' },
    ]);
    // Twenty payments of about 1e20: their sum is about 2e21.
    await x.storeFundingPayments(
      Array.from({ length: 20 }, (_, i) => ({ time: new Date(T0 + i * 3_600_000), account: 'live-1', strategy: 'trend', venue: 'binance', market: 'BTC-USDT', rate: '0.0000001', amount: HUGE, currency: 'USDT', venuePaymentId: `p-${i}` })),
    );
    await services.metrics.insertMetricsBatch([
      { name: 'bot.pnl', value: 1, timestamp: T0, labels: { account: 'live-1', strategy: 'mm', market: 'BTC-USDT' } },
      { name: 'bot.pnl', value: 2, timestamp: T0, labels: { account: 'paper-1', strategy: 'mm', market: 'BTC-USDT' } },
      { name: 'bot.pnl', value: 3, timestamp: T0, labels: { account: 'live-1', strategy: 'trend', market: 'BTC-USDT' } },
    ]);
    api = await createApiServer(services);
  });
  afterAll(async () => {
    await api?.close();
    await services?.metrics.close();
    await storage?.close();
  });

  describe('filters by account and strategy', () => {
    const range = `start=${iso(T0 - 60_000)}&end=${iso(T0 + 86_400_000)}`;

    it('GET /api/orders and /api/fills', async () => {
      const orders = await get(`/api/orders?${range}&account=live-1`);
      expect(orders.status).toBe(200);
      expect(orders.body.data.map((o: { clientOrderId: string; strategyId: string }) => `${o.clientOrderId}/${o.strategyId}`).sort()).toEqual(['o-1/mm', 'o-2/trend']);
      const fills = await get(`/api/fills?${range}&strategy=mm&order=asc`);
      expect(fills.body.data.map((f: { accountId: string }) => f.accountId)).toEqual(['live-1', 'paper-1']);
      const paged = await get(`/api/fills?${range}&limit=2&order=asc`);
      expect(paged.body.data).toHaveLength(2);
      const next = await get(`/api/fills?${range}&limit=2&order=asc&cursor=${encodeURIComponent(paged.body.nextCursor)}`);
      expect(next.body.data.map((f: { venueFillId: string }) => f.venueFillId)).toEqual(['f-2']);
      expect(next.body.nextCursor).toBeNull();
    });

    it('GET /api/positions and /api/positions/latest', async () => {
      const latest = await get('/api/positions/latest?account=live-1');
      expect(latest.body.data.map((p: { strategyId: string }) => p.strategyId)).toEqual(['mm', 'trend']);
      const one = await get(`/api/positions?market=BTC-USDT&${range}&strategy=trend`);
      expect(one.body.data.map((p: { size: string }) => p.size)).toEqual(['3']);
    });

    it('GET /api/accounts, /api/strategies, /api/funding-payments, /api/statistics/trades', async () => {
      const accounts = await get('/api/accounts');
      expect(accounts.body.data.map((a: { id: string; mode: string }) => `${a.id}:${a.mode}`)).toEqual(['default:live', 'live-1:live', 'paper-1:paper']);
      const strategies = await get('/api/strategies');
      expect(strategies.body.data.find((s: { id: string }) => s.id === 'mm')).toMatchObject({ version: '2', parameters: { spread: 0.0000001 } });
      const funding = await get(`/api/funding-payments?${range}&strategy=trend`);
      expect(funding.body.data).toHaveLength(20);
      expect(funding.body.data[0]).toMatchObject({ amount: HUGE, rate: '0.0000001', currency: 'USDT' });
      const stats = await get(`/api/statistics/trades?${range}&account=live-1`);
      expect(stats.status).toBe(200);
      const trend = stats.body.data.strategies.find((s: { strategyId: string }) => s.strategyId === 'trend');
      expect(trend).toMatchObject({ fundingPayments: 20, fundingPnl: '1999999999999999999980', funding: [{ currency: 'USDT', amount: '1999999999999999999980' }] });
      expect((await get('/api/accounts?x=1')).status).toBe(400);
      expect((await get(`/api/statistics/trades?${range}&includeFees=maybe`)).status).toBe(400);
    });

    it('GET /api/metrics/* take account and strategy as label filters', async () => {
      const latest = await get('/api/metrics/latest?name=bot.pnl&account=live-1');
      expect(latest.body.data.map((p: { value: number }) => p.value).sort()).toEqual([1, 3]);
      const both = await get('/api/metrics/latest?name=bot.pnl&account=live-1&strategy=mm');
      expect(both.body.data.map((p: { value: number }) => p.value)).toEqual([1]);
      const points = await get(`/api/metrics/query?name=bot.pnl&${range}&strategy=mm`);
      expect(points.body.data).toHaveLength(2);
      const conflict = await get(`/api/metrics/latest?name=bot.pnl&account=live-1&labels=${encodeURIComponent('{"account":"paper-1"}')}`);
      expect([conflict.status, conflict.body.field]).toEqual([400, 'account']);
    });
  });

  it('writes money as plain decimal text in every execution answer, tiny and huge', async () => {
    const range = `start=${iso(T0 - 60_000)}&end=${iso(T0 + 86_400_000)}`;
    const answers = await Promise.all(
      [
        `/api/orders?${range}`,
        `/api/fills?${range}`,
        `/api/positions?market=BTC-USDT&${range}`,
        '/api/positions/latest',
        `/api/funding-payments?${range}`,
        `/api/statistics/trades?${range}`,
      ].map(get),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toMatch(EXPONENT);
    }
    const all = answers.map((a) => a.text).join('\n');
    for (const text of ['"0.0000001"', '"0.000000000000000001"', `"${HUGE}"`, '"1999999999999999999980"', '"-0.0000001"']) expect(all).toContain(text);
  });
});
