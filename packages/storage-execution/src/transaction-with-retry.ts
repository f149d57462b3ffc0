// Execution writes are retried when the failure is temporary and sending the
// write again is safe. Every execution write is idempotent by key (orders by
// client order id, fills by venue and venue fill id, positions by venue,
// market and time, candles by venue, symbol, timeframe and time), so even a
// transaction whose commit outcome is unknown (the connection was lost during
// COMMIT) may be sent again: had it committed, the retry finds the rows and
// reports them 'unchanged' / 'duplicate' instead of 'inserted'.
//   - SERIALIZATION (deadlock 40P01, serialization failure 40001), and a
//     unique violation of a key another writer claimed concurrently (a
//     venue fill id sent for two orders at once: the retry then sees the
//     duplicate): a few quick attempts, since the competing transaction is
//     already done;
//   - CONNECTION (refused, reset, terminated, server restarting or in
//     recovery): exponential backoff with jitter, long enough to ride through
//     a restart or a failover (about 6 s with the defaults), then the
//     ConnectionError propagates (still `retryable` for the caller).
// Everything else propagates at once, query timeouts included (retrying a
// statement that was too slow would multiply the wait the timeout bounds).
// The embedded engine never needs it (one in-process connection).

import { ConstraintError, StorageError, type Queryable, type Storage } from '@ag/storage-core';

export interface WriteRetryPolicy {
  /** Attempts in all for a write that lost its connection (1 = no retry). Default 8. */
  connectionAttempts: number;
  /** First backoff after a connection error, doubled each time up to maxDelayMs. Defaults 100 and 2000. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetryPolicy = { connectionAttempts: 8, initialDelayMs: 100, maxDelayMs: 2000 };

const SERIALIZATION_ATTEMPTS = 4;

/**
 * Runs `write` until it succeeds, fails for good, or runs out of attempts (see
 * above). `claimedKeys`: constraints whose violation means a concurrent
 * writer claimed the same key first.
 */
export async function withWriteRetry<T>(policy: WriteRetryPolicy, write: () => Promise<T>, claimedKeys: readonly string[] = []): Promise<T> {
  let connectionFailures = 0;
  let serializationFailures = 0;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      const code = error instanceof StorageError ? error.code : undefined;
      const raced = error instanceof ConstraintError && error.constraint !== undefined && claimedKeys.includes(error.constraint);
      if ((code === 'SERIALIZATION' || raced) && (serializationFailures += 1) < SERIALIZATION_ATTEMPTS) {
        await sleep(5 * 2 ** serializationFailures * Math.random());
        continue;
      }
      if (code === 'CONNECTION' && (connectionFailures += 1) < policy.connectionAttempts) {
        // Equal jitter: at least half the exponential bound, so that a
        // restart is waited out in a bounded number of attempts.
        const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (connectionFailures - 1));
        await sleep(bound / 2 + (Math.random() * bound) / 2);
        continue;
      }
      throw error;
    }
  }
}

export function transactionWithRetry<T>(
  storage: Storage,
  fn: (tx: Queryable) => Promise<T>,
  policy: WriteRetryPolicy = DEFAULT_WRITE_RETRY,
  claimedKeys: readonly string[] = [],
): Promise<T> {
  return withWriteRetry(policy, () => storage.transaction(fn), claimedKeys);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
