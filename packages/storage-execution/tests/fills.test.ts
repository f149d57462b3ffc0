// ExecutionStore fills on every engine: idempotency on (venue, venue fill
// id), the order's filled size as the exact sum of its fills, status moves,
// overfills, concurrent writers (PostgreSQL: two pools on one database), and
// bad input that writes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage, Prisma, ValidationError, type Storage } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, requireTrait, type TestStorage } from '@ag/storage-testing';
import { ExactDecimal, ExecutionStore, type FillInput, type OrderInput } from '../src/index.js';
import { aFill, anOrder, uniqueName } from './support/fixtures.js';

describeEachEngine('ExecutionStore fills', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const countFills = async () => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM fills`))[0]?.n;
  const fillsOf = async (clientOrderId: string) =>
    storage.query<{ size: string; venue_fill_id: string }>(
      `SELECT f.size, f.venue_fill_id FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.client_order_id = $1`,
      [clientOrderId],
    );
  const orderRow = async (clientOrderId: string) =>
    (await storage.query<{ filled_size: string; status: string; updated_at: Date }>(
      `SELECT filled_size, status, updated_at FROM orders WHERE client_order_id = $1`,
      [clientOrderId],
    ))[0];
  const rejects = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    return error as ValidationError;
  };
  const newOrder = async (overrides: Partial<OrderInput> = {}) => {
    const input = anOrder({ status: 'open', stateTime: new Date('2026-11-02T10:00:00Z'), ...overrides });
    await store.storeOrder(input);
    return input;
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
  });
  afterAll(async () => storage?.close());

  describe('idempotency', () => {
    it('stores a re-sent fill once and reports the duplicate', async () => {
      const order = await newOrder();
      const fill = aFill(order);
      const first = await store.storeFill(fill);
      const again = await store.storeFill(fill);
      await store.storeFills([fill, fill]);
      expect([first.outcome, again.outcome]).toEqual(['inserted', 'duplicate']);
      expect(again.fill?.id).toBe(first.fill?.id);
      expect(await fillsOf(order.clientOrderId)).toHaveLength(1);
      expect((await orderRow(order.clientOrderId))?.filled_size).toBe('0.500000000000000000');
    });

    it('treats a re-sent fill with another timestamp as the same fill', async () => {
      const order = await newOrder();
      const fill = aFill(order);
      await store.storeFill(fill);
      expect((await store.storeFill({ ...fill, time: new Date('2026-11-02T10:00:07Z') })).outcome).toBe('duplicate');
      expect(await fillsOf(order.clientOrderId)).toHaveLength(1);
    });

    it('counts repeats inside one batch once', async () => {
      const order = await newOrder();
      const fill = aFill(order);
      const result = await store.storeFills([fill, aFill(order), fill]);
      expect(result.outcomes).toEqual(['inserted', 'inserted', 'duplicate']);
      expect([result.inserted, result.duplicates]).toEqual([2, 1]);
    });

    it('keys fills by venue: the same venue fill id on two venues is two fills', async () => {
      const a = await newOrder({ venue: uniqueName('va') });
      const b = await newOrder({ venue: uniqueName('vb') });
      const venueFillId = uniqueName('shared');
      await store.storeFill(aFill(a, { venueFillId }));
      expect((await store.storeFill(aFill(b, { venueFillId }))).outcome).toBe('inserted');
    });
  });

  describe('the order follows its fills', () => {
    it('sets filled size to the exact decimal sum of the fills (0.1 + 0.2 = 0.3)', async () => {
      const order = await newOrder({ size: '0.3' });
      await store.storeFill(aFill(order, { size: 0.1 }));
      const { order: after } = await store.storeFill(aFill(order, { size: '0.2' }));
      expect(after.filledSize.toFixed()).toBe('0.3');
      expect(after.status).toBe('filled');
    });

    it('keeps many tiny fills exact', async () => {
      const order = await newOrder({ size: '1' });
      const sizes = Array.from({ length: 70 }, (_, i) => `0.0000001${i % 10}`);
      await store.storeFills(sizes.map((size) => aFill(order, { size })));
      const expected = sizes.reduce((sum, s) => sum.plus(s), new ExactDecimal(0)).toFixed();
      const stored = await store.getOrder({ clientOrderId: order.clientOrderId });
      expect(stored?.filledSize.toFixed()).toBe(expected);
      const fills = await store.queryFillsByOrder(stored?.id as string);
      expect(fills.reduce((sum, f) => sum.plus(f.size.toFixed()), new ExactDecimal(0)).toFixed()).toBe(expected);
    });

    it('moves open -> partially_filled -> filled and the state time to the newest fill', async () => {
      const order = await newOrder({ size: '1' });
      const partial = await store.storeFill(aFill(order, { size: '0.4', time: new Date('2026-11-02T10:00:05Z') }));
      expect(partial.order.status).toBe('partially_filled');
      const filled = await store.storeFill(aFill(order, { size: '0.6', time: new Date('2026-11-02T10:00:09Z') }));
      expect(filled.order.status).toBe('filled');
      expect(filled.order.stateTime).toEqual(new Date('2026-11-02T10:00:09Z'));
      expect((await store.storeOrder({ ...order, status: 'cancelled', stateTime: new Date('2026-11-02T10:00:06Z') })).outcome).toBe('stale');
    });

    it('records a late fill of a cancelled order and keeps it cancelled', async () => {
      const order = await newOrder({ size: '1' });
      await store.storeOrder({ ...order, status: 'cancelled', stateTime: new Date('2026-11-02T10:00:03Z') });
      const { outcome, order: after } = await store.storeFill(aFill(order, { size: '0.25' }));
      expect([outcome, after.status, after.filledSize.toFixed()]).toEqual(['inserted', 'cancelled', '0.25']);
    });

    it('refuses a fill that would overfill its order and stores nothing of the batch', async () => {
      const order = await newOrder({ size: '1' });
      const before = await countFills();
      await rejects(store.storeFills([aFill(order, { size: '0.7' }), aFill(order, { size: '0.30000001' })]), 'fills[1].size');
      expect(await countFills()).toBe(before);
      expect((await orderRow(order.clientOrderId))?.status).toBe('open');
    });

    it('accepts a fill by order id and by client order id alike', async () => {
      const order = await newOrder();
      const stored = await store.getOrder({ clientOrderId: order.clientOrderId });
      const { clientOrderId: _omit, ...byId } = aFill(order);
      const result = await store.storeFill({ ...byId, orderId: stored?.id as string });
      expect(result.fill?.orderId).toBe(stored?.id);
      expect(result.fill?.venue).toBe(order.venue);
      expect(result.fill?.side).toBe(order.side);
    });

    it('bumps updated_at on every change so the daily rollup sees it', async () => {
      const order = await newOrder();
      const before = (await orderRow(order.clientOrderId))?.updated_at as Date;
      await store.storeFill(aFill(order));
      expect(((await orderRow(order.clientOrderId))?.updated_at as Date).getTime()).toBeGreaterThanOrEqual(before.getTime());
    });
  });

  describe('bad input writes nothing', () => {
    let order: OrderInput;
    beforeAll(async () => {
      order = await newOrder();
    });
    const bad: Array<[string, (o: OrderInput) => Record<string, unknown>, string]> = [
      ['a zero size', () => ({ size: 0 }), 'fill.size'],
      ['a negative size', () => ({ size: '-0.1' }), 'fill.size'],
      ['a NaN price', () => ({ price: Number.NaN }), 'fill.price'],
      ['an Infinity fee', () => ({ fee: Number.POSITIVE_INFINITY }), 'fill.fee'],
      ['an unknown side', () => ({ side: 'short' }), 'fill.side'],
      ['a side other than the order\'s', () => ({ side: 'sell' }), 'fill.side'],
      ['a venue other than the order\'s', () => ({ venue: 'elsewhere' }), 'fill.venue'],
      ['a malformed order id', () => ({ clientOrderId: undefined, orderId: '1234' }), 'fill.orderId'],
      ['an unknown order id', () => ({ clientOrderId: undefined, orderId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }), 'fill.orderId'],
      ['an unknown client order id', () => ({ clientOrderId: 'no-such-order' }), 'fill.clientOrderId'],
      ['no order at all', () => ({ clientOrderId: undefined }), 'fill.orderId'],
      ['a missing venue fill id', () => ({ venueFillId: undefined }), 'fill.venueFillId'],
      ['a fill long before its order', () => ({ time: new Date('2026-10-01T00:00:00Z') }), 'fill.time'],
      ['an out-of-range time', () => ({ time: 8.64e15 }), 'fill.time'],
      ['an unknown field', () => ({ qty: 1 }), 'fill.qty'],
    ];
    for (const [name, change, field] of bad) {
      it(`refuses ${name} naming ${field}`, async () => {
        const before = await countFills();
        const fill = { ...aFill(order), ...change(order) } as FillInput;
        await rejects(store.storeFill(fill), field);
        expect(await countFills()).toBe(before);
        expect((await orderRow(order.clientOrderId))?.filled_size).toBe('0.000000000000000000');
      });
    }

    it('refuses a batch with one bad fill and writes none of it', async () => {
      const before = await countFills();
      await rejects(store.storeFills([aFill(order), aFill(order, { price: 'abc' })]), 'fills[1].price');
      expect(await countFills()).toBe(before);
    });

    it('accepts an empty batch', async () => {
      expect(await store.storeFills([])).toEqual({ outcomes: [], inserted: 0, duplicates: 0 });
    });

    it('refuses a malformed order id in queryFillsByOrder', async () => {
      await rejects(store.queryFillsByOrder("1' OR '1'='1"), 'orderId');
    });
  });

  describe('concurrent writers on one order (two connection pools)', () => {
    let other: Storage;
    let otherStore: ExecutionStore;
    beforeAll(async () => {
      // Two pools on one database need a server; the tests below skip without one.
      if (!storage.engine.traits.sharedAcrossProcesses) return;
      other = await createStorage({ url: storage.url, env: {}, config: { logging: { level: 'warn' } } });
      otherStore = new ExecutionStore(other);
    });
    afterAll(async () => other?.close());

    it('stores a fill delivered by both writers at once exactly once', async (ctx) => {
      requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
      for (let round = 0; round < 10; round += 1) {
        const order = await newOrder({ size: '1' });
        const fill = aFill(order, { size: '0.3' });
        const results = await Promise.all([store.storeFill(fill), otherStore.storeFill(fill), store.storeFill(fill), otherStore.storeFill(fill)]);
        expect(results.map((r) => r.outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'inserted']);
        expect(await fillsOf(order.clientOrderId)).toHaveLength(1);
        expect((await orderRow(order.clientOrderId))?.filled_size).toBe('0.300000000000000000');
      }
    });

    it('leaves filled size equal to the sum of fills written concurrently, with the final status', async (ctx) => {
      requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
      const order = await newOrder({ size: '10' });
      const fills = Array.from({ length: 40 }, (_, i) => aFill(order, { size: '0.25', time: new Date(Date.UTC(2026, 10, 2, 10, 1, i)) }));
      await Promise.all(fills.map((fill, i) => (i % 2 === 0 ? store : otherStore).storeFill(fill)));
      const row = await orderRow(order.clientOrderId);
      expect(row?.filled_size).toBe('10.000000000000000000');
      expect(row?.status).toBe('filled');
      expect(await fillsOf(order.clientOrderId)).toHaveLength(40);
    });

    it('keeps one row and a legal final state when both writers upsert the same order concurrently', async (ctx) => {
      requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
      const order = anOrder({ size: '2' });
      const at = (s: number) => new Date(Date.UTC(2026, 10, 2, 11, 0, s));
      const updates: OrderInput[] = [
        { ...order, status: 'new', stateTime: at(0) },
        { ...order, status: 'open', stateTime: at(1) },
        { ...order, status: 'partially_filled', filledSize: '1', stateTime: at(2) },
        { ...order, status: 'filled', stateTime: at(3) },
      ];
      const settled = await Promise.allSettled([...updates, ...updates].map((u, i) => (i % 2 === 0 ? store : otherStore).storeOrder(u)));
      // Arrival order is arbitrary: an update may be stale, or an illegal step back, never anything else.
      for (const s of settled) {
        if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(ValidationError);
      }
      expect(await storage.query(`SELECT 1 FROM orders WHERE client_order_id = $1`, [order.clientOrderId])).toHaveLength(1);
      const final = await store.getOrder({ clientOrderId: order.clientOrderId });
      expect(final?.status).toBe('filled');
      expect(final?.filledSize.toFixed()).toBe('2');
      expect(final?.stateTime).toEqual(at(3));
    });

    it('serializes fills and order updates on the same order', async (ctx) => {
      requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
      const order = await newOrder({ size: '3' });
      const fills = Array.from({ length: 3 }, (_, i) => aFill(order, { size: '1', time: new Date(Date.UTC(2026, 10, 2, 10, 2, i)) }));
      await Promise.all([
        ...fills.map((f) => otherStore.storeFill(f)),
        store.storeOrder({ ...order, venueOrderId: 'v-123', stateTime: new Date('2026-11-02T10:00:00Z') }).catch(() => undefined),
      ]);
      const final = await store.getOrder({ clientOrderId: order.clientOrderId });
      expect([final?.status, final?.filledSize.toFixed()]).toEqual(['filled', '3']);
    });
  });

  it('returns Prisma.Decimal for every fill amount', async () => {
    const order = await newOrder();
    const { fill } = await store.storeFill(aFill(order, { fee: '-0.0001' }));
    expect(fill?.price).toBeInstanceOf(Prisma.Decimal);
    expect(fill?.fee.toFixed()).toBe('-0.0001');
  });
});
