// Hostile input on the order and fill write APIs (issue #7), on every
// engine: storeOrder / storeOrders / storeFill / storeFills get generated
// inputs whose fields are valid or nasty (wrong types, unknown enum values,
// NaN/Infinity/-0, decimals with exponents and too many digits, SQL, NUL,
// lone surrogates, RTL, emoji in names and client order ids, years 0 and
// 10000). Each input is either stored and read back equal (getOrder,
// queryFillsByOrder: exact decimal text, names verbatim, times to the ms),
// or refused with a ValidationError with orders and fills unchanged; a batch
// with one bad item writes nothing.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { hostilePropertyParameters, HostileTally } from '@ag/storage-testing/generators';
import { ExecutionStore, ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIMES_IN_FORCE, type FillInput, type OrderInput } from '../src/index.js';
import {
  decimalArb,
  decimalText,
  enumArb,
  nameArb,
  storableNameArb,
  timeArb,
  timeMs,
  validationErrorOf,
  validPositiveDecimalArb,
  validTimeArb,
  withHostileFields,
} from './support/hostile-inputs.js';

const RUNS = 150;
/** The valid-only halves: generated valid inputs are never refused. */
const VALID_RUNS = 60;

/** A name made unique by a generated suffix (from the fixed seed, so a failure replays). */
const uniqueNameArb = fc.tuple(storableNameArb, fc.nat()).map(([name, n]) => `${name}#${n.toString(36)}`);

const validOrderArb = fc.record(
    {
      clientOrderId: uniqueNameArb,
      time: validTimeArb,
      venue: storableNameArb,
      market: storableNameArb,
      side: fc.constantFrom(...ORDER_SIDES),
      orderType: fc.constantFrom('limit', 'stop_limit'),
      price: validPositiveDecimalArb,
      size: validPositiveDecimalArb,
      status: fc.constantFrom('new', 'open', 'cancelled', 'rejected', 'expired'),
      venueOrderId: fc.oneof(storableNameArb, fc.constant(null)),
      timeInForce: fc.oneof(fc.constantFrom(...TIMES_IN_FORCE), fc.constant(null)),
    },
    { requiredKeys: ['clientOrderId', 'time', 'venue', 'market', 'side', 'orderType', 'price', 'size'] },
);

const orderArb = withHostileFields(validOrderArb, {
    clientOrderId: nameArb,
    time: timeArb,
    venue: nameArb,
    market: nameArb,
    side: enumArb(ORDER_SIDES),
    orderType: enumArb(ORDER_TYPES),
    price: fc.oneof(decimalArb(), fc.constant(null)),
    size: decimalArb(),
    status: enumArb(ORDER_STATUSES),
    venueOrderId: fc.oneof(nameArb, fc.constant(null)),
    timeInForce: fc.oneof(enumArb(TIMES_IN_FORCE), fc.constant(null)),
});

const validFillArb = (clientOrderId: string) =>
    fc.record(
      {
        clientOrderId: fc.constant(clientOrderId),
        venueFillId: uniqueNameArb,
        time: fc.integer({ min: Date.UTC(2026, 10, 2, 10), max: Date.UTC(2199, 0, 1) }).map((ms) => new Date(ms)),
        price: validPositiveDecimalArb,
        size: validPositiveDecimalArb,
        fee: fc.oneof(validPositiveDecimalArb, validPositiveDecimalArb.map((d) => `-${d}`)),
        feeCurrency: fc.oneof(storableNameArb, fc.constant(null)),
      },
      { requiredKeys: ['clientOrderId', 'venueFillId', 'time', 'price', 'size'] },
    );

const fillArb = (clientOrderId: string) =>
  withHostileFields(validFillArb(clientOrderId), {
      clientOrderId: nameArb,
      orderId: fc.oneof(fc.uuid(), nameArb),
      venueFillId: nameArb,
      time: timeArb,
      price: decimalArb(),
      size: decimalArb(),
      fee: decimalArb({ negative: true }),
      feeCurrency: fc.oneof(nameArb, fc.constant(null)),
      side: enumArb(ORDER_SIDES),
      venue: nameArb,
  });

describeEachEngine('orders and fills under hostile input', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const tally = new HostileTally(`execution [${engine}]`);
  const counts = async () =>
    (await storage.query<{ orders: number; fills: number }>('SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM fills)::int AS fills'))[0];
  // fill_keys too: a venue fill id is claimed for all time, so a generated id seen in an earlier run would be a duplicate.
  const clear = async () => {
    await storage.execute('DELETE FROM fill_keys');
    await storage.execute('DELETE FROM fills');
    await storage.execute('DELETE FROM orders');
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
  });
  afterAll(async () => {
    console.log(tally.report());
    await storage?.close();
  });

  const expectOrderReadBack = async (input: OrderInput) => {
    const order = await store.getOrder({ clientOrderId: input.clientOrderId });
    expect(order).not.toBeNull();
    expect([order?.venue, order?.market, order?.side, order?.orderType]).toEqual([input.venue, input.market, input.side, input.orderType]);
    expect(order?.time.getTime()).toBe(timeMs(input.time));
    expect(order?.size.toFixed()).toBe(decimalText(input.size));
    expect(order?.price?.toFixed() ?? null).toBe(input.price === undefined || input.price === null ? null : decimalText(input.price));
    expect(order?.status).toBe(input.status ?? 'new');
    expect(order?.venueOrderId ?? null).toBe(input.venueOrderId ?? null);
    expect(order?.timeInForce ?? null).toBe(input.timeInForce ?? null);
  };

  it('storeOrder: an order is stored and read back equal, or refused with a ValidationError writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(orderArb, async (order) => {
        await clear();
        const error = await validationErrorOf(() => store.storeOrder(order as OrderInput));
        if (error) {
          tally.rejected('storeOrder');
          expect(error.field).toMatch(/^order/);
          expect(await counts()).toEqual({ orders: 0, fills: 0 });
          return;
        }
        tally.stored('storeOrder');
        await expectOrderReadBack(order as OrderInput);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('storeOrders: every order of the batch is stored, or nothing of it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { maxLength: 4 }), async (orders) => {
        await clear();
        const error = await validationErrorOf(() => store.storeOrders(orders as OrderInput[]));
        if (error) {
          tally.rejected('storeOrders', orders.length);
          expect(error.field).toMatch(/^orders/);
          expect(await counts()).toEqual({ orders: 0, fills: 0 });
          return;
        }
        tally.stored('storeOrders', orders.length);
        const ids = new Set((orders as OrderInput[]).map((o) => o.clientOrderId));
        expect((await counts())?.orders).toBe(ids.size);
        // Each client order id holds the first order sent with it (later ones are updates or refused as stale).
        for (const id of ids) expect(await store.getOrder({ clientOrderId: id })).not.toBeNull();
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  const baseOrder = (clientOrderId: string): OrderInput => ({
    clientOrderId, time: new Date('2026-11-02T10:00:00Z'), venue: 'binance', market: 'BTC-USDT', side: 'buy', orderType: 'limit', price: '35000.5', size: '100000000',
  });

  it('storeFill: a fill is stored and read back equal, or refused with a ValidationError writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.noShrink(fillArb('hostile-base-order')), async (fill) => {
        await clear();
        const { order } = await store.storeOrder(baseOrder('hostile-base-order'));
        const before = await counts();
        const error = await validationErrorOf(() => store.storeFill(fill as FillInput));
        if (error) {
          tally.rejected('storeFill');
          expect(error.field).toMatch(/^fill/);
          expect(await counts()).toEqual(before);
          expect((await store.getOrder({ id: order.id }))?.filledSize.toFixed()).toBe('0');
          return;
        }
        tally.stored('storeFill');
        const input = fill as FillInput;
        const [stored, ...others] = await store.queryFillsByOrder(order.id);
        expect(others).toEqual([]);
        expect([stored?.venue, stored?.market, stored?.side, stored?.venueFillId]).toEqual(['binance', 'BTC-USDT', 'buy', input.venueFillId]);
        expect(stored?.time.getTime()).toBe(timeMs(input.time));
        expect([stored?.price.toFixed(), stored?.size.toFixed()]).toEqual([decimalText(input.price), decimalText(input.size)]);
        expect(stored?.fee.toFixed()).toBe(input.fee === undefined ? '0' : decimalText(input.fee));
        expect(stored?.feeCurrency ?? null).toBe(input.feeCurrency ?? null);
        expect((await store.getOrder({ id: order.id }))?.filledSize.toFixed()).toBe(decimalText(input.size));
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('storeFills: every fill of the batch is stored, or nothing of it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.noShrink(fc.array(fillArb('hostile-base-order'), { maxLength: 4 })), async (fills) => {
        await clear();
        const { order } = await store.storeOrder(baseOrder('hostile-base-order'));
        const before = await counts();
        const error = await validationErrorOf(() => store.storeFills(fills as FillInput[]));
        if (error) {
          tally.rejected('storeFills', fills.length);
          expect(error.field).toMatch(/^fills/);
          expect(await counts()).toEqual(before);
          return;
        }
        tally.stored('storeFills', fills.length);
        const result = await store.queryFillsByOrder(order.id);
        const distinct = new Set((fills as FillInput[]).map((f) => `${f.venueFillId}\u0000${timeMs(f.time)}`));
        expect(result).toHaveLength(distinct.size);
      }),
      hostilePropertyParameters(RUNS),
    );
  });
  it('storeOrder: every valid order is stored and read back equal, never refused', async () => {
    await fc.assert(
      fc.asyncProperty(validOrderArb, async (order) => {
        await clear();
        const error = await validationErrorOf(() => store.storeOrder(order as OrderInput));
        expect(error?.message).toBeUndefined();
        await expectOrderReadBack(order as OrderInput);
      }),
      hostilePropertyParameters(VALID_RUNS),
    );
  });

  it('storeFill: every valid fill is stored once, read back equal, and moves its order by its size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.noShrink(validFillArb('valid-base-order')), async (fill) => {
        await clear();
        // An order as large as the schema allows: a valid fill never overfills it.
        const { order } = await store.storeOrder({ ...baseOrder('valid-base-order'), size: '99999999999999999999.999999999999999999' });
        const input = fill as FillInput;
        const error = await validationErrorOf(() => store.storeFill(input));
        expect(error?.message).toBeUndefined();
        const stored = await store.queryFillsByOrder(order.id);
        expect(stored.map((f) => [f.venueFillId, f.time.getTime(), f.price.toFixed(), f.size.toFixed(), f.fee.toFixed(), f.feeCurrency ?? null])).toEqual([
          [input.venueFillId, timeMs(input.time), decimalText(input.price), decimalText(input.size), input.fee === undefined ? '0' : decimalText(input.fee), input.feeCurrency ?? null],
        ]);
        expect((await store.getOrder({ id: order.id }))?.filledSize.toFixed()).toBe(decimalText(input.size));
      }),
      hostilePropertyParameters(VALID_RUNS),
    );
  });
});
