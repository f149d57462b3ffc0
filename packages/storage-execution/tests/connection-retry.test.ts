// Writes that lose their connection are retried (they are idempotent by key):
// a write sent while the server refuses connections lands once it answers
// again; a fill batch whose backend is killed mid-transaction is sent again
// and stored once; with retries turned off the ConnectionError reaches the
// caller, marked retryable.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConnectionError, createStorage, type Storage } from '@ag/storage-core';
import { createTestStorage, describeEachServer, startFaultProxy, type FaultProxy, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore } from '../src/index.js';
import { aFill, anOrder } from './support/fixtures.js';

describeEachServer('execution writes across lost connections', ({ engine, adminUrl }) => {
  let database: TestStorage;
  let proxy: FaultProxy;
  let storage: Storage;
  let store: ExecutionStore;

  beforeAll(async () => {
    database = await createTestStorage({ engine, adminUrl });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: Number(new URL(database.url).port || 5432) });
    storage = await createStorage({
      url: proxy.rewriteUrl(database.url),
      env: {},
      config: { logging: { level: 'silent' }, database: { connection_timeout_sec: 2 } },
    });
    store = new ExecutionStore(storage, { retry: { initialDelayMs: 50 } });
  });
  afterAll(async () => {
    await storage?.close();
    await proxy?.close();
    await database?.close();
  });

  it('stores an order batch sent while connections are refused, once the server answers', async () => {
    const orders = [anOrder(), anOrder()];
    await proxy.refuse();
    proxy.cutAll();
    const write = store.storeOrders(orders);
    await sleep(600);
    await proxy.accept();
    expect(await write).toMatchObject({ inserted: 2 });
    const [row] = await database.query<{ n: number }>(`SELECT count(*) AS n FROM orders WHERE client_order_id = ANY($1)`, [
      orders.map((o) => o.clientOrderId),
    ]);
    expect(row?.n).toBe(2);
  });

  it('sends a fill batch again when its backend is killed mid-transaction, and stores it once', async () => {
    const order = anOrder();
    await store.storeOrder(order);
    const fills = [aFill(order), aFill(order)];
    // Another session holds the order's row lock, so storeFills waits inside its transaction.
    await database.engine.withSession(async (admin) => {
      await admin.exec('BEGIN');
      await admin.query('SELECT 1 FROM orders WHERE client_order_id = $1 FOR UPDATE', [order.clientOrderId]);
      const write = store.storeFills(fills);
      let killed = 0;
      for (let i = 0; i < 100 && killed === 0; i += 1) {
        await sleep(20);
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        killed = rows[0]?.n ?? 0;
      }
      await admin.exec('COMMIT');
      expect(killed).toBe(1);
      expect(await write).toMatchObject({ inserted: 2, duplicates: 0 });
    });
    const stored = await store.getOrder({ clientOrderId: order.clientOrderId });
    expect(stored?.filledSize.toFixed()).toBe('1');
    expect(await store.queryFillsByOrder(stored?.id as string)).toHaveLength(2);
  });

  it('hands the ConnectionError, marked retryable, to the caller when retries are turned off', async () => {
    const noRetry = new ExecutionStore(storage, { retry: { connectionAttempts: 1 } });
    await proxy.refuse();
    proxy.cutAll();
    try {
      const failure = noRetry.storeOrders([anOrder()]);
      await expect(failure).rejects.toBeInstanceOf(ConnectionError);
      await expect(failure).rejects.toMatchObject({ retryable: true });
    } finally {
      await proxy.accept();
    }
  });

  it('refuses a retry policy without attempts', () => {
    expect(() => new ExecutionStore(storage, { retry: { connectionAttempts: 0 } })).toThrow(/connectionAttempts/);
  });
});
