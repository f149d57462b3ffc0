// Fleets on every engine: accounts and strategies are registered and listed,
// every write names registered ones (or is refused, writing nothing), a
// client order id is unique per account, and positions are kept per
// account, strategy, venue and market, latest positions included.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type PositionInput } from '../src/index.js';
import { aFill, anOrder, uniqueName } from './support/fixtures.js';

describeEachEngine('ExecutionStore fleets', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const venue = 'binance';
  let live: string;
  let paper: string;
  let alpha: string;
  let beta: string;
  const rejects = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await storage.query<{ n: number }>(sql, params))[0]?.n);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
    live = uniqueName('live');
    paper = uniqueName('paper');
    alpha = uniqueName('alpha');
    beta = uniqueName('beta');
    await store.registerAccount({ id: live, venue, mode: 'live', name: 'main account' });
    await store.registerAccount({ id: paper, venue, mode: 'paper' });
    await store.registerStrategy({ id: alpha, name: 'Alpha', version: '1.0', parameters: { spread: 1.5, markets: ['BTC-USDT'] } });
    await store.registerStrategy({ id: beta });
  });
  afterAll(async () => storage?.close());

  describe('registry', () => {
    it('lists the registered accounts and strategies, the default ones included', async () => {
      const accounts = await store.listAccounts();
      expect(accounts.find((a) => a.id === 'default')).toMatchObject({ venue: null, mode: 'live' });
      expect(accounts.find((a) => a.id === live)).toMatchObject({ venue, name: 'main account', mode: 'live' });
      expect(accounts.find((a) => a.id === paper)).toMatchObject({ venue, name: paper, mode: 'paper' });
      const strategies = await store.listStrategies();
      expect(strategies.find((s) => s.id === 'default')).toMatchObject({ name: 'default', version: null, parameters: {} });
      expect(strategies.find((s) => s.id === alpha)).toMatchObject({ name: 'Alpha', version: '1.0', parameters: { spread: 1.5, markets: ['BTC-USDT'] } });
      expect(strategies.find((s) => s.id === beta)).toMatchObject({ name: beta, version: null, parameters: {} });
    });

    it('registers again idempotently: unchanged, renamed, or refused when venue or mode would change', async () => {
      expect((await store.registerAccount({ id: live, venue, mode: 'live' })).outcome).toBe('unchanged');
      expect((await store.registerAccount({ id: live, venue, mode: 'live', name: 'main account' })).outcome).toBe('unchanged');
      const renamed = await store.registerAccount({ id: paper, venue, mode: 'paper', name: 'paper trading' });
      expect([renamed.outcome, renamed.account.name]).toEqual(['updated', 'paper trading']);
      await rejects(store.registerAccount({ id: live, venue: 'kraken', mode: 'live' }), 'account.venue');
      await rejects(store.registerAccount({ id: live, venue, mode: 'paper' }), 'account.mode');
      await rejects(store.registerAccount({ id: 'default', venue, mode: 'live' }), 'account.venue');
    });

    it('updates a strategy\'s version and parameters, keeping what is omitted', async () => {
      const id = uniqueName('evolving');
      expect((await store.registerStrategy({ id, name: 'E', version: '1', parameters: { a: 1 } })).outcome).toBe('inserted');
      expect((await store.registerStrategy({ id })).outcome).toBe('unchanged');
      const bumped = await store.registerStrategy({ id, version: '2' });
      expect(bumped).toMatchObject({ outcome: 'updated', strategy: { name: 'E', version: '2', parameters: { a: 1 } } });
      expect((await store.registerStrategy({ id, parameters: { a: 2, nested: { b: [true, null] } } })).strategy.parameters).toEqual({ a: 2, nested: { b: [true, null] } });
    });

    it('refuses bad registrations naming the field', async () => {
      await rejects(store.registerAccount({ id: '', venue, mode: 'live' }), 'account.id');
      await rejects(store.registerAccount({ id: 'x', venue, mode: 'demo' as 'live' }), 'account.mode');
      await rejects(store.registerAccount({ id: 'x', mode: 'live' } as never), 'account.venue');
      await rejects(store.registerStrategy({ id: 'x', parameters: [] as never }), 'strategy.parameters');
      await rejects(store.registerStrategy({ id: 'x', parameters: { f: () => 1 } as never }), 'strategy.parameters');
      await rejects(store.registerStrategy({ id: 'x', parameters: { n: Number.NaN } }), 'strategy.parameters');
      await rejects(store.registerStrategy({ id: 'x', colour: 'red' } as never), 'strategy.colour');
      expect((await store.listStrategies()).some((s) => s.id === 'x')).toBe(false);
    });
  });

  describe('writes name registered accounts and strategies', () => {
    it('refuses an unregistered account, strategy, or an account of another venue, writing nothing of the batch', async () => {
      const before = await count(`SELECT count(*)::int AS n FROM orders`);
      await rejects(store.storeOrders([anOrder({ account: live }), anOrder({ account: 'nobody' })]), 'orders[1].account');
      await rejects(store.storeOrders([anOrder({ account: live, strategy: 'no-such-strategy' })]), 'orders[0].strategy');
      await rejects(store.storeOrder(anOrder({ account: live, venue: 'kraken' })), 'order.venue');
      expect(await count(`SELECT count(*)::int AS n FROM orders`)).toBe(before);
      await rejects(store.storePosition({ time: new Date(), account: 'nobody', venue, market: 'BTC-USDT', size: '1' }), 'position.account');
      await rejects(
        store.storeFundingPayments([{ time: new Date(), account: live, strategy: 'ghost', venue, market: 'BTC-PERP', amount: '1', currency: 'USDT', venuePaymentId: 'p' }]),
        'payments[0].strategy',
      );
    });

    it('writes to the default account and strategy at any venue', async () => {
      const { order } = await store.storeOrder(anOrder({ venue: uniqueName('anywhere') }));
      expect([order.accountId, order.strategyId]).toEqual(['default', 'default']);
    });
  });

  describe('orders', () => {
    it('gives the same client order id in two accounts two orders', async () => {
      const clientOrderId = uniqueName('same-cid');
      const a = await store.storeOrder(anOrder({ clientOrderId, account: live, strategy: alpha }));
      const b = await store.storeOrder(anOrder({ clientOrderId, account: paper, strategy: alpha, price: '35001' }));
      expect([a.outcome, b.outcome]).toEqual(['inserted', 'inserted']);
      expect(a.order.id).not.toBe(b.order.id);
      expect(await count(`SELECT count(*)::int AS n FROM orders WHERE client_order_id = $1`, [clientOrderId])).toBe(2);
      expect((await store.getOrder({ clientOrderId, account: paper }))?.price?.toFixed()).toBe('35001');
      expect((await store.getOrder({ clientOrderId, account: live }))?.price?.toFixed()).toBe('35000.5');
      expect(await store.getOrder({ clientOrderId })).toBeNull();
      // A fill names its order by client order id within an account.
      const filled = await store.storeFill(aFill({ clientOrderId }, { account: paper, size: '2' }));
      expect([filled.order.id, filled.order.status, filled.fill?.accountId, filled.fill?.strategyId]).toEqual([b.order.id, 'filled', paper, alpha]);
      expect((await store.getOrder({ clientOrderId, account: live }))?.filledSize.toFixed()).toBe('0');
    });

    it('refuses to move an order to another strategy', async () => {
      const order = anOrder({ account: live, strategy: alpha });
      await store.storeOrder(order);
      await rejects(store.storeOrder({ ...order, strategy: beta, status: 'open' }), 'order.strategy');
      expect((await store.storeOrder({ ...order, status: 'open' })).order.strategyId).toBe(alpha);
    });

    it('refuses a fill naming another account or strategy than its order\'s', async () => {
      const order = anOrder({ account: live, strategy: alpha });
      const { order: stored } = await store.storeOrder(order);
      await rejects(store.storeFill({ ...aFill(order, { account: live }), strategy: beta }), 'fill.strategy');
      const { clientOrderId: _c, ...byId } = aFill(order);
      await rejects(store.storeFill({ ...byId, orderId: stored.id, account: paper }), 'fill.account');
    });

    it('filters orders, fills and active orders by account and strategy', async () => {
      const start = new Date('2026-11-02T00:00:00Z');
      const end = new Date('2026-11-03T00:00:00Z');
      const market = uniqueName('FLT');
      const orders = [
        anOrder({ market, account: live, strategy: alpha }),
        anOrder({ market, account: live, strategy: beta }),
        anOrder({ market, account: paper, strategy: alpha }),
      ];
      await store.storeOrders(orders);
      await store.storeFills(orders.map((o) => aFill(o, { account: o.account as string })));
      const ids = (page: { clientOrderId: string }[]) => page.map((o) => o.clientOrderId).sort();
      expect(ids((await store.queryOrders({ start, end, market, account: live })).orders)).toEqual(ids(orders.slice(0, 2)));
      expect(ids((await store.queryOrders({ start, end, market, strategy: alpha })).orders)).toEqual(ids([orders[0]!, orders[2]!]));
      expect(ids(await store.getActiveOrders({ market, account: paper, strategy: alpha }))).toEqual(ids([orders[2]!]));
      const fills = await store.queryFills({ start, end, market, account: live, strategy: beta });
      expect(fills.fills.map((f) => [f.accountId, f.strategyId])).toEqual([[live, beta]]);
      expect((await store.queryFills({ start, end, market })).fills).toHaveLength(3);
    });
  });

  describe('positions', () => {
    const snapshot = (overrides: Partial<PositionInput>): PositionInput => ({ time: new Date('2026-11-02T10:00:00Z'), venue, market: 'BTC-USDT', size: '1', ...overrides });

    it('keeps two strategies on one market apart, and their latest positions too', async () => {
      const market = uniqueName('POS');
      const t = (m: number) => new Date(Date.UTC(2026, 10, 2, 10, m));
      await store.storePositions([
        snapshot({ market, account: live, strategy: alpha, time: t(0), size: '1', realizedPnl: '10' }),
        snapshot({ market, account: live, strategy: beta, time: t(0), size: '-2', realizedPnl: '-5' }),
        snapshot({ market, account: live, strategy: alpha, time: t(1), size: '1.5' }),
        snapshot({ market, account: live, strategy: beta, time: t(2), size: '-3' }),
        snapshot({ market, account: paper, strategy: alpha, time: t(3), size: '7' }),
      ]);
      expect(await count(`SELECT count(*)::int AS n FROM positions WHERE market = $1`, [market])).toBe(5);
      expect((await store.getLatestPosition(venue, market, { account: live, strategy: alpha }))?.size.toFixed()).toBe('1.5');
      expect((await store.getLatestPosition(venue, market, { account: live, strategy: beta }))?.size.toFixed()).toBe('-3');
      expect((await store.getLatestPosition(venue, market, { account: paper, strategy: alpha }))?.size.toFixed()).toBe('7');
      expect(await store.getLatestPosition(venue, market)).toBeNull();
      const latest = await store.getLatestPositions({ market });
      expect(latest.map((p) => [p.accountId, p.strategyId, p.size.toFixed(), p.time.toISOString()])).toEqual(
        [
          [live, alpha, '1.5', t(1).toISOString()],
          [live, beta, '-3', t(2).toISOString()],
          [paper, alpha, '7', t(3).toISOString()],
        ].sort((a, b) => (a[0]! + a[1]!).localeCompare(b[0]! + b[1]!)),
      );
      expect((await store.getLatestPositions({ market, strategy: beta })).map((p) => p.size.toFixed())).toEqual(['-3']);
      const view = await storage.query<{ strategy_id: string; size: string }>(
        `SELECT strategy_id, size::text FROM latest_positions WHERE market = $1 AND account_id = $2 ORDER BY strategy_id`,
        [market, live],
      );
      expect(view.map((r) => r.strategy_id).sort()).toEqual([alpha, beta].sort());
      const history = await store.queryPositions({ market, start: t(0), end: t(10), strategy: alpha, account: live });
      expect(history.map((p) => p.size.toFixed())).toEqual(['1', '1.5']);
    });

    it('stores the same instant for two strategies as two snapshots, and re-stores one unchanged', async () => {
      const market = uniqueName('POS2');
      expect((await store.storePosition(snapshot({ market, account: live, strategy: alpha }))).outcome).toBe('inserted');
      expect((await store.storePosition(snapshot({ market, account: live, strategy: beta }))).outcome).toBe('inserted');
      expect((await store.storePosition(snapshot({ market, account: live, strategy: alpha }))).outcome).toBe('unchanged');
      expect((await store.storePosition(snapshot({ market, account: live, strategy: alpha, size: '2' }))).outcome).toBe('updated');
    });
  });
});
