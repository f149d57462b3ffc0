// The one retry rule of the library, used by every writer (the buffered
// metrics pipeline, execution writes, the ingest of ticks):
//   - what is retried: a StorageError marked `retryable` (a lost or refused
//     connection, an exhausted pool, a statement timeout, a serialization
//     failure or deadlock, backpressure). Everything else fails at once: bad
//     input, constraints, permissions, a closed handle (code CLOSED).
//   - how long to wait: exponential backoff from initialDelayMs, capped at
//     maxDelayMs, with equal jitter (a random delay between half the bound
//     and the bound), so that writers recovering from one outage spread out
//     and a restart is still waited out in a bounded number of attempts.
//   - how many attempts: the caller's policy; the buffered pipeline never
//     gives up on acknowledged points (Infinity), a call that a bot awaits
//     gives up after a few seconds and lets the error reach the caller.
// Retrying is safe because every write is idempotent by key.

import { StorageError } from '../errors/storage-error.js';

export interface RetryPolicy {
  /** First backoff, doubled on each retry up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (1 = no retry); Infinity retries until it succeeds. */
  maxAttempts: number;
}

/** Whether a failed write may succeed when sent again. */
export function shouldRetry(error: unknown): error is StorageError {
  return error instanceof StorageError && error.retryable && error.code !== 'CLOSED';
}

/** The wait before retry number `retry` (0 for the first retry). */
export function backoffDelayMs(policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, retry: number, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(retry, 0), 52));
  return Math.floor(bound / 2 + (random() * bound) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RetryHooks {
  /** Before each wait: the error, which retry this is (0-based) and the delay. */
  onRetry?(error: StorageError, retry: number, delayMs: number): void;
  random?: () => number;
}

/** Runs `attempt` until it succeeds, fails for good, or the policy's attempts run out (then the last error propagates). */
export async function retryWithBackoff<T>(policy: RetryPolicy, attempt: (index: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  for (let index = 0; ; index += 1) {
    try {
      return await attempt(index);
    } catch (error) {
      if (!shouldRetry(error) || index + 1 >= policy.maxAttempts) throw error;
      const delay = backoffDelayMs(policy, index, hooks.random);
      hooks.onRetry?.(error, index, delay);
      await sleep(delay);
    }
  }
}
