// ExecutionStore orders on every engine: the upsert by client order id, the
// lifecycle, stale and unchanged updates, exact decimals, pagination, and
// bad input that writes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type OrderInput } from '../src/index.js';
import { anOrder, uniqueName } from './support/fixtures.js';

describeEachEngine('ExecutionStore orders', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const countOrders = async (clientOrderId: string) =>
    (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE client_order_id = $1`, [clientOrderId]))[0]?.n;
  const countAll = async () => (await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders`))[0]?.n;
  const rejects = async (promise: Promise<unknown>, field: string) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    return error as ValidationError;
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
  });
  afterAll(async () => storage?.close());

  describe('upsert by client order id', () => {
    it('inserts a new order and returns it with exact decimals', async () => {
      const input = anOrder({ price: '35000.123456789012345678', size: '0.0000001' });
      const { outcome, order } = await store.storeOrder(input);
      expect(outcome).toBe('inserted');
      expect(order.clientOrderId).toBe(input.clientOrderId);
      expect(order.price?.toFixed()).toBe('35000.123456789012345678');
      expect(order.size.toFixed()).toBe('0.0000001');
      expect(order.filledSize.toFixed()).toBe('0');
      expect(order.status).toBe('new');
      expect(order.price).toBeInstanceOf(Prisma.Decimal);
    });

    it('stores one row per client order id however often the order is sent', async () => {
      const input = anOrder();
      const first = await store.storeOrder(input);
      const again = await store.storeOrder(input);
      await store.storeOrders([input, input, input]);
      expect(again.order.id).toBe(first.order.id);
      expect(await countOrders(input.clientOrderId)).toBe(1);
    });

    it('reports a repeat with the same content and state time as unchanged', async () => {
      const input = anOrder({ stateTime: new Date('2026-11-02T10:00:00Z') });
      await store.storeOrder(input);
      expect((await store.storeOrder(input)).outcome).toBe('unchanged');
    });

    it('keeps a given id and refuses a different id for the same client order id', async () => {
      const id = '0f8fad5b-d9cb-469f-a165-70867728950e'.replace('0f8f', uniqueHex4());
      const input = anOrder({ id });
      expect((await store.storeOrder(input)).order.id).toBe(id);
      await rejects(store.storeOrder({ ...input, id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }), 'order.id');
    });

    it('refuses to change the venue, market, side, type or time of a stored order', async () => {
      const input = anOrder();
      await store.storeOrder(input);
      await rejects(store.storeOrder({ ...input, venue: 'kraken' }), 'order.venue');
      await rejects(store.storeOrder({ ...input, market: 'ETH-USDT' }), 'order.market');
      await rejects(store.storeOrder({ ...input, side: 'sell' }), 'order.side');
      await rejects(store.storeOrder({ ...input, orderType: 'market' }), 'order.orderType');
      await rejects(store.storeOrder({ ...input, time: new Date('2026-11-02T10:00:01Z') }), 'order.time');
    });

    it('round-trips quotes and SQL in venue, market and client order id', async () => {
      const input = anOrder({
        venue: `o'brien"; DROP TABLE orders; --`,
        market: `BTC'USD"\\`,
        clientOrderId: `'); DELETE FROM orders; -- ${uniqueName('x')}`,
      });
      const { order } = await store.storeOrder(input);
      expect([order.venue, order.market, order.clientOrderId]).toEqual([input.venue, input.market, input.clientOrderId]);
      expect(await store.getOrder({ clientOrderId: input.clientOrderId })).toEqual(order);
    });
  });

  describe('lifecycle', () => {
    const at = (second: number) => new Date(Date.UTC(2026, 10, 2, 10, 0, second));

    it('follows new -> open -> partially_filled -> filled', async () => {
      const input = anOrder({ stateTime: at(0) });
      await store.storeOrder(input);
      expect((await store.storeOrder({ ...input, status: 'open', stateTime: at(1) })).outcome).toBe('updated');
      const partial = await store.storeOrder({ ...input, status: 'partially_filled', filledSize: '0.5', stateTime: at(2) });
      expect([partial.outcome, partial.order.status, partial.order.filledSize.toFixed()]).toEqual(['updated', 'partially_filled', '0.5']);
      const filled = await store.storeOrder({ ...input, status: 'filled', stateTime: at(3) });
      expect([filled.order.status, filled.order.filledSize.toFixed()]).toEqual(['filled', '2']);
      expect(filled.order.stateTime).toEqual(at(3));
    });

    it('refuses an illegal transition with a ValidationError and keeps the stored state', async () => {
      const input = anOrder({ stateTime: at(0) });
      await store.storeOrder({ ...input, status: 'cancelled' });
      const error = await rejects(store.storeOrder({ ...input, status: 'open', stateTime: at(5) }), 'order.status');
      expect(error.message).toMatch(/cancelled -> open/);
      expect((await store.getOrder({ clientOrderId: input.clientOrderId }))?.status).toBe('cancelled');
    });

    it('refuses moving a partially filled order back to open', async () => {
      const input = anOrder({ stateTime: at(0), status: 'partially_filled', filledSize: '1' });
      await store.storeOrder(input);
      await rejects(store.storeOrder({ ...input, status: 'open', filledSize: undefined, stateTime: at(1) }), 'order.status');
    });

    it('ignores an update older than the stored state and reports it stale', async () => {
      const input = anOrder();
      await store.storeOrder({ ...input, status: 'filled', stateTime: at(10) });
      const late = await store.storeOrder({ ...input, status: 'open', stateTime: at(5) });
      expect(late.outcome).toBe('stale');
      expect(late.order.status).toBe('filled');
      expect(late.order.stateTime).toEqual(at(10));
    });

    it('applies updates of one batch in input order and reports each outcome', async () => {
      const input = anOrder();
      const result = await store.storeOrders([
        { ...input, stateTime: at(0) },
        { ...input, status: 'open', stateTime: at(2) },
        { ...input, status: 'new', stateTime: at(1) },
        { ...input, status: 'open', stateTime: at(2) },
        { ...input, status: 'cancelled', stateTime: at(3) },
      ]);
      expect(result.outcomes).toEqual(['inserted', 'updated', 'stale', 'unchanged', 'updated']);
      expect([result.inserted, result.updated, result.stale, result.unchanged]).toEqual([1, 2, 1, 1]);
      expect((await store.getOrder({ clientOrderId: input.clientOrderId }))?.status).toBe('cancelled');
    });

    it('rolls a whole batch back when one of its updates is illegal', async () => {
      const stored = anOrder({ stateTime: at(0), status: 'expired' });
      await store.storeOrder(stored);
      const fresh = anOrder();
      const error = await rejects(
        store.storeOrders([fresh, { ...stored, status: 'open', stateTime: at(9) }]),
        'orders[1].status',
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(await countOrders(fresh.clientOrderId as string)).toBe(0);
    });

    it('never moves the filled size down', async () => {
      const input = anOrder({ status: 'partially_filled', filledSize: '1.5', stateTime: at(0) });
      await store.storeOrder(input);
      const { order } = await store.storeOrder({ ...input, filledSize: '1', stateTime: at(1) });
      expect(order.filledSize.toFixed()).toBe('1.5');
    });

    it('amends price and size of a working order', async () => {
      const input = anOrder({ status: 'open', stateTime: at(0) });
      await store.storeOrder(input);
      const { outcome, order } = await store.storeOrder({ ...input, price: '34999.99', size: '3', stateTime: at(1) });
      expect([outcome, order.price?.toFixed(), order.size.toFixed()]).toEqual(['updated', '34999.99', '3']);
    });

    it('refuses a size below the filled size', async () => {
      const input = anOrder({ status: 'partially_filled', filledSize: '1.5', stateTime: at(0) });
      await store.storeOrder(input);
      await rejects(store.storeOrder({ ...input, size: '1', filledSize: undefined, stateTime: at(1) }), 'order.size');
    });
  });

  describe('exact decimals', () => {
    it('returns numbers, strings and Decimals exactly as given', async () => {
      const cases: Array<[OrderInput['size'], string]> = [
        [0.1, '0.1'],
        ['0.0000001', '0.0000001'],
        [1e-7, '0.0000001'],
        [new Prisma.Decimal('12345678901234567890.123456789012345678'), '12345678901234567890.123456789012345678'],
        ['0.000000000000000001', '0.000000000000000001'],
        [0.30000000000000004, '0.30000000000000004'],
      ];
      for (const [size, expected] of cases) {
        const { order } = await store.storeOrder(anOrder({ size, price: null, orderType: 'market' }));
        expect(order.size.toFixed()).toBe(expected);
      }
    });
  });

  describe('queryOrders', () => {
    const venue = uniqueName('qv');
    const inputs: OrderInput[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 25; i += 1) {
        inputs.push(
          anOrder({
            venue,
            market: i % 2 === 0 ? 'BTC-USDT' : 'ETH-USDT',
            side: i % 3 === 0 ? 'sell' : 'buy',
            status: i % 5 === 0 ? 'cancelled' : 'new',
            // Pairs of orders share a timestamp, so pages must break ties by id.
            time: new Date(Date.UTC(2026, 10, 3, 0, Math.floor(i / 2))),
          }),
        );
      }
      await store.storeOrders(inputs);
    });

    it('pages through every matching order exactly once, in time order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.queryOrders({ start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', venue, limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.orders.map((o) => o.clientOrderId));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(Math.ceil(inputs.length / 4));
      expect([...seen].sort()).toEqual(inputs.map((o) => o.clientOrderId).sort());
      expect(new Set(seen).size).toBe(inputs.length);
    });

    it('pages backwards with order desc', async () => {
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.queryOrders({ start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', venue, limit: 7, order: 'desc', ...(cursor ? { cursor } : {}) });
        all.push(...page.orders.map((o) => o.time.toISOString()));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(all).toHaveLength(inputs.length);
      expect(all).toEqual([...all].sort().reverse());
    });

    it('filters by market, side and status', async () => {
      const { orders } = await store.queryOrders({
        start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', venue, market: 'BTC-USDT', side: 'buy', status: ['new'],
      });
      const expected = inputs.filter((o) => o.market === 'BTC-USDT' && o.side === 'buy' && o.status === 'new');
      expect(orders.map((o) => o.clientOrderId).sort()).toEqual(expected.map((o) => o.clientOrderId).sort());
      expect(expected.length).toBeGreaterThan(0);
    });

    it('lists the active orders of a venue', async () => {
      const active = await store.getActiveOrders({ venue });
      expect(active.map((o) => o.clientOrderId).sort()).toEqual(inputs.filter((o) => o.status === 'new').map((o) => o.clientOrderId).sort());
    });

    it('refuses a forged cursor and a cursor of the other direction', async () => {
      const range = { start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', venue };
      await rejects(store.queryOrders({ ...range, cursor: 'not-a-cursor' }), 'query.cursor');
      const { nextCursor } = await store.queryOrders({ ...range, limit: 2 });
      await rejects(store.queryOrders({ ...range, cursor: nextCursor as string, order: 'desc' }), 'query.cursor');
    });

    it('refuses an empty range, a zero limit and a limit above max_results', async () => {
      await rejects(store.queryOrders({ start: '2026-11-04T00:00:00Z', end: '2026-11-03T00:00:00Z' }), 'query.end');
      await rejects(store.queryOrders({ start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', limit: 0 }), 'query.limit');
      await rejects(store.queryOrders({ start: '2026-11-03T00:00:00Z', end: '2026-11-04T00:00:00Z', limit: 10_000_000 }), 'query.limit');
    });
  });

  describe('bad input writes nothing', () => {
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['a zero size', { size: '0' }, 'order.size'],
      ['a negative size', { size: -1 }, 'order.size'],
      ['a NaN price', { price: Number.NaN }, 'order.price'],
      ['an infinite size', { size: Number.POSITIVE_INFINITY }, 'order.size'],
      ['a garbage price', { price: '12abc' }, 'order.price'],
      ['an empty size', { size: '' }, 'order.size'],
      ['too many fractional digits', { size: '0.0000000000000000001' }, 'order.size'],
      ['too many integer digits', { size: '123456789012345678901' }, 'order.size'],
      ['an unknown side', { side: 'long' }, 'order.side'],
      ['an unknown type', { orderType: 'iceberg' }, 'order.orderType'],
      ['an unknown status', { status: 'done' }, 'order.status'],
      ['an unknown time in force', { timeInForce: 'day' }, 'order.timeInForce'],
      ['a malformed UUID', { id: 'not-a-uuid' }, 'order.id'],
      ['a missing market', { market: undefined }, 'order.market'],
      ['an empty venue', { venue: '' }, 'order.venue'],
      ['a control character in a name', { venue: 'bin\u0000ance' }, 'order.venue'],
      ['a size given as an object', { size: { value: 1 } }, 'order.size'],
      ['a timestamp before 1900', { time: new Date('1899-12-31T23:59:59Z') }, 'order.time'],
      ['a timestamp after 2200', { time: '2200-01-01T00:00:00Z' }, 'order.time'],
      ['an invalid date', { time: new Date('nope') }, 'order.time'],
      ['a timestamp without time zone', { time: '2026-11-02 10:00:00' }, 'order.time'],
      ['a limit order without price', { price: null }, 'order.price'],
      ['a filled size above the size', { filledSize: '3' }, 'order.filledSize'],
      ['an unknown field', { clientOrderID: 'typo' }, 'order.clientOrderID'],
    ];
    for (const [name, change, field] of bad) {
      it(`refuses ${name} naming ${field}`, async () => {
        const before = await countAll();
        const input = { ...anOrder(), ...change };
        const error = await rejects(store.storeOrder(input as OrderInput), field);
        expect(error.code).toBe('VALIDATION');
        expect(await countAll()).toBe(before);
      });
    }

    it('refuses a batch with one bad order and writes none of it', async () => {
      const good = [anOrder(), anOrder()];
      const before = await countAll();
      await rejects(store.storeOrders([...good, { ...anOrder(), size: 'NaN' }]), 'orders[2].size');
      expect(await countAll()).toBe(before);
    });

    it('accepts an empty batch and writes nothing', async () => {
      const before = await countAll();
      expect(await store.storeOrders([])).toEqual({ outcomes: [], inserted: 0, updated: 0, stale: 0, unchanged: 0 });
      expect(await countAll()).toBe(before);
    });

    it('refuses a batch above the batch limit before looking at its items', async () => {
      const before = await countAll();
      const huge = new Array(100_001).fill(null);
      await rejects(store.storeOrders(huge as OrderInput[]), 'orders');
      expect(await countAll()).toBe(before);
    });

    it('stores a large batch in one call', async () => {
      const venue = uniqueName('big');
      const orders = Array.from({ length: 5000 }, (_, i) => anOrder({ venue, clientOrderId: `${venue}-${i}`, size: `${i + 1}.25` }));
      expect((await store.storeOrders(orders)).inserted).toBe(5000);
      const [row] = await storage.query<{ n: number; total: string }>(
        `SELECT count(*)::int AS n, sum(size)::text AS total FROM orders WHERE venue = $1`, [venue],
      );
      const expected = orders.reduce((sum, o) => sum.plus(o.size as string), new Prisma.Decimal(0));
      expect(row?.n).toBe(5000);
      expect(new Prisma.Decimal(row?.total ?? '0').equals(expected)).toBe(true);
    });

    it('refuses a malformed lookup', async () => {
      await rejects(store.getOrder({ id: 'x' }), 'lookup.id');
    });
  });
});

function uniqueHex4(): string {
  return Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
}
