// Resource limits from config: database.statement_timeout_ms cancels a long
// statement (QueryTimeoutError), database.max_connections with
// connection_timeout_sec turns an exhausted pool into a PoolTimeoutError.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeEachServer, type TestDatabase } from '@ag/storage-testing';
import { ConnectionError, createStorage, PoolTimeoutError, QueryTimeoutError, type Storage, type StorageError } from '../src/index.js';

describeEachServer('limits on a server', ({ adminUrl }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(adminUrl);
  });
  afterAll(async () => database?.drop());

  const open = (config: { statement_timeout_ms?: number; max_connections?: number; connection_timeout_sec?: number }) =>
    createStorage({ url: database.url, env: {}, config: { database: config, logging: { level: 'silent' } } });

  it('cancels a statement that runs past statement_timeout_ms with a retryable QueryTimeoutError', async () => {
    const storage = await open({ statement_timeout_ms: 200 });
    try {
      const started = Date.now();
      const error = (await storage.query('SELECT pg_sleep(5)').catch((e: unknown) => e)) as StorageError;
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(error.sqlState).toBe('57014');
      expect(error.retryable).toBe(true);
      expect(await storage.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(await storage.query<{ statement_timeout: string }>('SHOW statement_timeout')).toEqual([{ statement_timeout: '200ms' }]);
    } finally {
      await storage.close();
    }
  });

  it('applies the timeout inside transactions too', async () => {
    const storage = await open({ statement_timeout_ms: 200 });
    try {
      const error = await storage.transaction((tx) => tx.query('SELECT pg_sleep(5)')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryTimeoutError);
    } finally {
      await storage.close();
    }
  });

  it('leaves statements unbounded with statement_timeout_ms 0 (the default)', async () => {
    const storage = await open({});
    try {
      expect(await storage.query<{ statement_timeout: string }>('SHOW statement_timeout')).toEqual([{ statement_timeout: '0' }]);
    } finally {
      await storage.close();
    }
  });

  describe('an exhausted pool', () => {
    let storage: Storage;
    beforeAll(async () => {
      storage = await open({ max_connections: 1, connection_timeout_sec: 0.3 });
    });
    afterAll(async () => storage?.close());

    /** Holds the only connection for `ms` while fn runs. */
    const whileBusy = async <T>(ms: number, fn: () => Promise<T>): Promise<T> => {
      let entered!: () => void;
      const holding = new Promise<void>((resolve) => (entered = resolve));
      const busy = storage.engine.withSession(async (session) => {
        entered();
        await session.query(`SELECT pg_sleep(${ms / 1000})`);
      });
      await holding;
      try {
        return await fn();
      } finally {
        await busy;
      }
    };

    it('fails a query waiting past connection_timeout_sec with a retryable PoolTimeoutError naming the settings', async () => {
      const error = (await whileBusy(1500, () => storage.query('SELECT 1').catch((e: unknown) => e))) as StorageError;
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe('CONNECTION');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('database.max_connections');
      expect(error.message).toContain('database.connection_timeout_sec');
    });

    it('fails a session or transaction the same way, and serves again once a connection is free', async () => {
      await whileBusy(1500, async () => {
        await expect(storage.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(PoolTimeoutError);
        await expect(storage.engine.withSession((s) => s.query('SELECT 1'))).rejects.toBeInstanceOf(PoolTimeoutError);
      });
      expect(await storage.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(storage.engine.poolStats()).toMatchObject({ max: 1, waiting: 0 });
    });
  });
});

describe('limits on the embedded engine', () => {
  it('has no statement timeout: PGlite runs without timers (documented)', async () => {
    const storage = await createStorage({
      url: 'pglite://memory',
      env: {},
      config: { database: { statement_timeout_ms: 10 }, logging: { level: 'silent' } },
    });
    try {
      expect(await storage.query<{ ok: number }>('SELECT 1 AS ok FROM pg_sleep(0.2)')).toEqual([{ ok: 1 }]);
    } finally {
      await storage.close();
    }
  });
});
