// A server connection lost while the library holds it in a session (COPY, a
// transaction) must surface as a retryable ConnectionError from the next
// statement, never as an uncaught 'error' event that would crash the process
// (found by the fault tests: pg_terminate_backend during buffered ingest).

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachServer, type TestStorage } from '@ag/storage-testing';
import { ConnectionError } from '../src/index.js';

describeEachServer('a session whose connection is killed', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, adminUrl });
  });
  afterAll(async () => storage?.close());

  it('fails its next statement with a ConnectionError, does not crash, and the pool recovers', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = storage.engine.withSession(async (session) => {
        const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Killed while held and idle: the server's notice arrives with no statement running.
        await storage.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await session.query('SELECT 1');
      });
      await expect(outcome).rejects.toBeInstanceOf(ConnectionError);
      await expect(outcome).rejects.toMatchObject({ retryable: true });
      expect(uncaught).toEqual([]);
      expect(await storage.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
