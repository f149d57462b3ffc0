// The one retry rule every writer uses: which errors are retried, how long to
// wait between attempts, and when to give up; and the CLOSED error, which is
// never retried, so that a write on a closed handle fails at once.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BackpressureError,
  backoffDelayMs,
  ClosedError,
  ConnectionError,
  ConstraintError,
  createStorage,
  PermissionError,
  PoolTimeoutError,
  QueryTimeoutError,
  retryWithBackoff,
  shouldRetry,
  StorageError,
  ValidationError,
} from '../src/index.js';

const FAST = { initialDelayMs: 1, maxDelayMs: 4, maxAttempts: 5 };

describe('shouldRetry', () => {
  it('retries temporary failures: lost connections, an exhausted pool, timeouts, serialization, backpressure', () => {
    for (const error of [
      new ConnectionError('reset'),
      new PoolTimeoutError('busy'),
      new QueryTimeoutError('slow'),
      new StorageError('deadlock', { code: 'SERIALIZATION', retryable: true }),
      new BackpressureError('full'),
    ]) {
      expect([error.name, shouldRetry(error)]).toEqual([error.name, true]);
    }
  });

  it('never retries what cannot succeed again: bad input, constraints, permissions, a closed handle, foreign errors', () => {
    for (const error of [
      new ValidationError('x', 1, 'bad'),
      new ConstraintError('dup'),
      new PermissionError('no'),
      new ClosedError('storage'),
      new StorageError('closed, marked retryable by mistake', { code: 'CLOSED', retryable: true }),
      new Error('not ours'),
      'a string',
    ]) {
      expect(shouldRetry(error)).toBe(false);
    }
  });
});

describe('backoffDelayMs', () => {
  it('waits between half the exponential bound and the bound, capped at maxDelayMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.nat(80), fc.double({ min: 0, max: 0.999999, noNaN: true }), (initial, max, retry, r) => {
        const bound = Math.min(max, initial * 2 ** retry);
        const delay = backoffDelayMs({ initialDelayMs: initial, maxDelayMs: max }, retry, () => r);
        return delay >= Math.floor(bound / 2) && delay <= bound;
      }),
    );
  });
});

describe('retryWithBackoff', () => {
  it('retries a retryable failure until the attempt succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWithBackoff(FAST, async () => {
      calls += 1;
      if (calls < 3) throw new ConnectionError('reset');
      return 'ok';
    }, { onRetry: (_error, retry) => retries.push(retry) });
    expect([result, calls, retries]).toEqual(['ok', 3, [0, 1]]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    let calls = 0;
    const error = await retryWithBackoff(FAST, async () => {
      calls += 1;
      throw new ConnectionError(`reset ${calls}`);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe('reset 5');
    expect(calls).toBe(5);
  });

  it('fails at once on an error that is not retryable', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await retryWithBackoff({ initialDelayMs: 1000, maxDelayMs: 1000, maxAttempts: Infinity }, async () => {
      calls += 1;
      throw new ClosedError('storage');
    }).catch((e: unknown) => e);
    expect([error instanceof ClosedError, calls]).toEqual([true, 1]);
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('a closed Storage', () => {
  it('refuses every call at once with a non-retryable ClosedError (code CLOSED)', async () => {
    const storage = await createStorage({ url: 'pglite://memory', env: {}, config: { logging: { level: 'silent' } } });
    await storage.close();
    for (const call of [() => storage.query('SELECT 1'), () => storage.execute('SELECT 1'), () => storage.transaction(async () => 1), () => storage.migrate()]) {
      const error = await Promise.resolve().then(() => call() as Promise<unknown>).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClosedError);
      expect(error).toMatchObject({ code: 'CLOSED', retryable: false, message: 'storage is closed' });
    }
  });
});
