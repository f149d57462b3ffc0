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
// Whether an error is retried is core's one rule (shouldRetry: a retryable
// StorageError, never CLOSED: a write on closed storage fails at once), and
// the waits are core's one backoff (backoffDelayMs, equal jitter). The budgets
// are execution's own: a few quick attempts for a lost race, policy.connectionAttempts
// for everything else that is retryable (connection, pool, timeout).
// The embedded engine never needs it (one in-process connection).

import { ConstraintError, backoffDelayMs, shouldRetry, sleep, type Queryable, type Storage } from '@ag/storage-core';

export interface WriteRetryPolicy {
  /** Attempts in all for a write that failed for a retryable reason other than a lost race (1 = no retry). Default 8. */
  connectionAttempts: number;
  /** First backoff, doubled each time up to maxDelayMs. Defaults 100 and 2000. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetryPolicy = { connectionAttempts: 8, initialDelayMs: 100, maxDelayMs: 2000 };

/** A lost race (deadlock, serialization failure, a key claimed concurrently) is retried quickly: the competitor is already done. */
const RACE_RETRY = { attempts: 4, initialDelayMs: 10, maxDelayMs: 80 };

/**
 * Runs `write` until it succeeds, fails for good, or runs out of attempts (see
 * above). `claimedKeys`: constraints whose violation means a concurrent
 * writer claimed the same key first.
 */
export async function withWriteRetry<T>(policy: WriteRetryPolicy, write: () => Promise<T>, claimedKeys: readonly string[] = []): Promise<T> {
  let otherFailures = 0;
  let raceFailures = 0;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      const raced = error instanceof ConstraintError && error.constraint !== undefined && claimedKeys.includes(error.constraint);
      if (raced || (shouldRetry(error) && error.code === 'SERIALIZATION')) {
        if ((raceFailures += 1) >= RACE_RETRY.attempts) throw error;
        await sleep(backoffDelayMs(RACE_RETRY, raceFailures - 1));
        continue;
      }
      if (!shouldRetry(error) || (otherFailures += 1) >= policy.connectionAttempts) throw error;
      await sleep(backoffDelayMs(policy, otherFailures - 1));
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
