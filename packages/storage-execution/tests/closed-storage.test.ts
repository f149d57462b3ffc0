// A write on closed storage fails at once with code CLOSED (not retryable):
// the execution retry asks core's shouldRetry, which never retries CLOSED,
// so no backoff is waited out (before, it waited 3.5 to 7 s as a lost
// connection). On every engine.

import { describe, expect, it } from 'vitest';
import { ClosedError, StorageError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine } from '@ag/storage-testing';
import { ExecutionStore, MarketDataStore } from '../src/index.js';
import { aCandle, aFill, anOrder } from './support/fixtures.js';

describeEachEngine('execution writes on closed storage', ({ engine, adminUrl }) => {
  const writes: Array<[string, (store: ExecutionStore, candles: MarketDataStore) => Promise<unknown>]> = [
    ['storeOrder', (store) => store.storeOrder(anOrder())],
    ['storeOrders', (store) => store.storeOrders([anOrder(), anOrder()])],
    ['storeFill', (store) => store.storeFill(aFill(anOrder()))],
    ['upsertCandles', (_store, candles) => candles.upsertCandles([aCandle()])],
  ];

  describe.each(writes)('%s', (_name, write) => {
    it('fails within a second with CLOSED, not retryable', async () => {
      const storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
      const store = new ExecutionStore(storage);
      const candles = new MarketDataStore(storage);
      expect((await store.storeOrder(anOrder())).outcome).toBe('inserted');
      await storage.close();

      const started = performance.now();
      const error = await write(store, candles).then(() => undefined, (e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(ClosedError);
      expect((error as StorageError).code).toBe('CLOSED');
      expect((error as StorageError).retryable).toBe(false);
      expect(elapsed).toBeLessThan(1000);
    });
  });
});
