// A venue fill id is stored once per (account, venue), for all time, on
// every engine: re-sent 90 days later for an order created then, it is a
// duplicate (the old writer looked only a day back and stored it again);
// storeFill's result always carries the order it was sent for; the schema
// itself refuses a second fill of a key whoever inserts it; and two writers
// sending one venue fill id for two orders at once store it once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConstraintError, createStorage, type Storage } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, requireTrait, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type OrderInput } from '../src/index.js';
import { aFill, anOrder, uniqueName } from './support/fixtures.js';

const DAY = 86_400_000;

describeEachEngine('fills stored once for all time', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  let account: string;
  const storedWith = async (venueFillId: string) =>
    storage.query<{ order_id: string; time: Date }>(`SELECT order_id, time FROM fills WHERE venue_fill_id = $1`, [venueFillId]);
  const at = (base: string, days: number) => new Date(new Date(base).getTime() + days * DAY);
  const openOrder = async (overrides: Partial<OrderInput>) => {
    const order = anOrder({ status: 'open', size: '1', ...overrides });
    const { order: stored } = await store.storeOrder({ ...order, stateTime: order.time });
    return { input: order, stored };
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
    account = uniqueName('acct');
    await store.registerAccount({ id: account, venue: 'binance', mode: 'live' });
  });
  afterAll(async () => storage?.close());

  it('reports a venue fill id re-sent 90 days later (for a later order) as a duplicate and stores it once', async () => {
    const venueFillId = uniqueName('vf-90d');
    const first = await openOrder({ time: new Date('2026-08-01T10:00:00Z') });
    const later = await openOrder({ time: at('2026-08-01T10:00:00Z', 90) });
    const original = await store.storeFill(aFill(first.input, { venueFillId, time: at('2026-08-01T10:00:01Z', 0), size: '0.4' }));
    expect(original.outcome).toBe('inserted');
    const again = await store.storeFill(aFill(later.input, { venueFillId, time: at('2026-08-01T10:00:01Z', 90), size: '0.4' }));
    expect(again.outcome).toBe('duplicate');
    const batch = await store.storeFills([aFill(later.input, { venueFillId, time: at('2026-08-01T10:00:02Z', 90) })]);
    expect([batch.inserted, batch.duplicates]).toEqual([0, 1]);
    const rows = await storedWith(venueFillId);
    expect(rows.map((r) => [r.order_id, r.time.toISOString()])).toEqual([[first.stored.id, '2026-08-01T10:00:01.000Z']]);
    // The later order was not moved by the duplicate.
    expect((await store.getOrder({ id: later.stored.id }))?.filledSize.toFixed()).toBe('0');
  });

  it('always returns the fill\'s order, also for a duplicate stored for another order', async () => {
    const venueFillId = uniqueName('vf-other');
    const a = await openOrder({});
    const b = await openOrder({});
    const stored = await store.storeFill(aFill(a.input, { venueFillId }));
    const duplicate = await store.storeFill(aFill(b.input, { venueFillId }));
    expect(duplicate.outcome).toBe('duplicate');
    expect(duplicate.order).toBeDefined();
    expect(duplicate.order.id).toBe(b.stored.id);
    expect(duplicate.fill?.id).toBe(stored.fill?.id);
    expect(duplicate.fill?.orderId).toBe(a.stored.id);
    // And for a fill that is new.
    const c = await openOrder({});
    const repeated = await store.storeFill(aFill(c.input, { venueFillId: uniqueName('vf-new') }));
    expect([repeated.outcome, repeated.order.id, repeated.order.status]).toEqual(['inserted', c.stored.id, 'partially_filled']);
  });

  it('keys fills by account: the same venue fill id in two accounts is two fills', async () => {
    const venueFillId = uniqueName('vf-acct');
    const a = await openOrder({});
    const b = await openOrder({ account });
    expect((await store.storeFill(aFill(a.input, { venueFillId }))).outcome).toBe('inserted');
    expect((await store.storeFill(aFill(b.input, { venueFillId, account }))).outcome).toBe('inserted');
    expect(await storedWith(venueFillId)).toHaveLength(2);
  });

  it('keeps the key after its fill is gone (removed by retention): re-sent, it is still a duplicate', async () => {
    const venueFillId = uniqueName('vf-gone');
    const a = await openOrder({});
    const first = await store.storeFill(aFill(a.input, { venueFillId }));
    await storage.execute(`DELETE FROM fills WHERE id = $1`, [first.fill?.id]);
    const again = await store.storeFill(aFill(a.input, { venueFillId }));
    expect([again.outcome, again.fill, again.order.id]).toEqual(['duplicate', null, a.stored.id]);
    expect(await storedWith(venueFillId)).toHaveLength(0);
  });

  it('refuses a second fill of a key in the schema itself, for any writer', async () => {
    const venueFillId = uniqueName('vf-raw');
    const a = await openOrder({});
    await store.storeFill(aFill(a.input, { venueFillId }));
    const insert = (time: string) =>
      storage.execute(
        `INSERT INTO fills (id, time, order_id, venue, market, side, price, size, venue_fill_id)
         VALUES (gen_random_uuid(), $1, $2, 'binance', 'BTC-USDT', 'buy', 1, 0.1, $3)`,
        [time, a.stored.id, venueFillId],
      );
    const error = await insert('2026-12-30T00:00:00Z').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintError);
    expect((error as ConstraintError).constraint).toBe('fill_keys_pkey');
    expect(await storedWith(venueFillId)).toHaveLength(1);
    // A raw insert of a new key claims it: the store then sees it as stored.
    const rawId = uniqueName('vf-raw-new');
    await storage.execute(
      `INSERT INTO fills (id, time, order_id, venue, market, side, price, size, venue_fill_id)
       VALUES (gen_random_uuid(), '2026-11-02T10:00:05Z', $1, 'binance', 'BTC-USDT', 'buy', 1, 0.1, $2)`,
      [a.stored.id, rawId],
    );
    expect((await store.storeFill(aFill(a.input, { venueFillId: rawId }))).outcome).toBe('duplicate');
    // A fill's key cannot be changed afterwards.
    const changed = await storage.execute(`UPDATE fills SET venue_fill_id = 'other' WHERE venue_fill_id = $1`, [rawId]).then(() => undefined, (e: unknown) => e);
    expect(changed).toBeInstanceOf(ConstraintError);
  });

  // Needs a second connection pool on the same database: an engine shared across processes.
  describe('two writers (two connection pools)', () => {
    let other: Storage | undefined;
    let otherStore: ExecutionStore;
    beforeAll(async () => {
      if (!storage.engine.traits.sharedAcrossProcesses) return;
      other = await createStorage({ url: storage.url, env: {}, config: { logging: { level: 'warn' } } });
      otherStore = new ExecutionStore(other);
    });
    afterAll(async () => other?.close());

    it('store one venue fill id sent for two different orders at once exactly once', async (ctx) => {
      requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
      for (let round = 0; round < 10; round += 1) {
        const venueFillId = uniqueName('vf-race');
        const a = await openOrder({});
        const b = await openOrder({});
        const results = await Promise.all([
          store.storeFill(aFill(a.input, { venueFillId })),
          otherStore.storeFill(aFill(b.input, { venueFillId })),
          otherStore.storeFills([aFill(a.input, { venueFillId })]),
          store.storeFills([aFill(b.input, { venueFillId })]),
        ]);
        const outcomes = [results[0]!.outcome, results[1]!.outcome, ...results[2]!.outcomes, ...results[3]!.outcomes];
        expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
        expect(await storedWith(venueFillId)).toHaveLength(1);
      }
    });
  });
});
