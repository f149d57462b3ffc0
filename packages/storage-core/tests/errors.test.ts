// SQLSTATEs from real servers map to the right StorageError subclasses.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireTrait, type TestStorage } from '@ag/storage-testing';
import {
  ConnectionError,
  ConstraintError,
  createStorage,
  mapDatabaseError,
  QueryTimeoutError,
  StorageError,
  ValidationError,
} from '../src/index.js';

describeEachEngine('error mapping', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  const order = (clientOrderId: string) => ({
    time: new Date(), venue: 'v', market: 'm', side: 'buy' as const, orderType: 'limit' as const, size: '1', clientOrderId,
  });

  it('maps a unique violation from raw SQL to ConstraintError with SQLSTATE 23505', async () => {
    await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('dup')`);
    const error = await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('dup')`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintError);
    expect((error as ConstraintError).sqlState).toBe('23505');
    expect((error as ConstraintError).retryable).toBe(false);
    expect((error as ConstraintError).cause).toBeDefined();
  });

  it('maps a unique violation through Prisma to ConstraintError', async () => {
    await storage.prisma.order.create({ data: order('same-id') });
    const error = await storage.prisma.order.create({ data: order('same-id') }).catch((e: unknown) => mapDatabaseError(e));
    expect(error).toBeInstanceOf(ConstraintError);
  });

  it('maps a check violation to ConstraintError', async () => {
    const error = await storage
      .execute(`INSERT INTO orders (id, time, venue, market, side, order_type, size, client_order_id) VALUES (gen_random_uuid(), now(), 'v', 'm', 'buy', 'limit', -1, 'neg')`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintError);
    expect((error as StorageError).sqlState).toBe('23514');
  });

  it('maps an invalid enum value to ValidationError', async () => {
    const error = await storage
      .execute(`INSERT INTO orders (id, time, venue, market, side, order_type, size, client_order_id) VALUES (gen_random_uuid(), now(), 'v', 'm', 'sideways', 'limit', 1, 'enum')`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as StorageError).sqlState).toBe('22P02');
  });

  it('keeps working after a failed transaction', async () => {
    await expect(storage.transaction(async (tx) => tx.query('SELECT 1/0'))).rejects.toBeInstanceOf(StorageError);
    expect(await storage.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  // PGlite runs single-threaded in WASM without timers: statement_timeout has
  // no effect there (documented in the README).
  it('maps a statement timeout (57014) to a retryable QueryTimeoutError', async (ctx) => {
    requireTrait(ctx, storage.engine.traits, 'statementTimeout');
    const error = await storage
      .transaction(async (tx) => {
        await tx.exec(`SET LOCAL statement_timeout = '50ms'`);
        await tx.query(`SELECT pg_sleep(2)`);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect((error as StorageError).sqlState).toBe('57014');
    expect((error as StorageError).retryable).toBe(true);
  });

  it('maps a terminated backend (57P01) to a retryable ConnectionError and recovers', async (ctx) => {
    requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
    const error = await storage.engine
      .withSession(async (session) => session.query('SELECT pg_terminate_backend(pg_backend_pid())'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as StorageError).retryable).toBe(true);
    expect(await storage.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });
});

describe('connection failures', () => {
  it('map to a retryable ConnectionError that carries no password', async () => {
    const error = await createStorage({
      url: 'postgres://bot:very-secret-pw@127.0.0.1:1/nowhere',
      env: {},
      config: { database: { connection_timeout_sec: 2 }, logging: { level: 'silent' } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(true);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('very-secret-pw');
  });

  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, ConnectionError],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, ConnectionError],
    [{ code: '53300', message: 'too many clients' }, ConnectionError],
    [{ code: '08006', message: 'connection failure' }, ConnectionError],
    [{ message: 'Connection terminated unexpectedly' }, ConnectionError],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, QueryTimeoutError],
    [{ code: '23505', message: 'duplicate key', constraint: 'k' }, ConstraintError],
    [{ code: '23503', message: 'fk' }, ConstraintError],
    [{ code: 'P2010', message: 'raw failed', meta: { driverAdapterError: { cause: { originalCode: '23505', originalMessage: 'dup' } } } }, ConstraintError],
    [{ code: 'P1001', message: "Can't reach database server" }, ConnectionError],
  ])('maps %o', (raw, expected) => {
    expect(mapDatabaseError(Object.assign(new Error(String(raw.message)), raw))).toBeInstanceOf(expected);
  });

  it('marks serialization failures and deadlocks retryable', () => {
    for (const code of ['40001', '40P01']) {
      const mapped = mapDatabaseError(Object.assign(new Error('conflict'), { code }));
      expect(mapped.code).toBe('SERIALIZATION');
      expect(mapped.retryable).toBe(true);
    }
  });
});
