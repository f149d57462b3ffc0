// Write transactions that PostgreSQL may abort under concurrency (deadlock
// 40P01 between two batches locking the same orders in a different order,
// serialization failure 40001) are retried a few times with a short backoff;
// everything else propagates. The embedded engine never needs it (one connection).

import { StorageError, type Queryable, type Storage } from '@ag/storage-core';

const MAX_ATTEMPTS = 4;

export async function transactionWithRetry<T>(storage: Storage, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await storage.transaction(fn);
    } catch (error) {
      const retryable = error instanceof StorageError && error.code === 'SERIALIZATION';
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
    }
  }
}
