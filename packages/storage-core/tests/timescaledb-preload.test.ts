// A server that offers TimescaleDB but does not preload it (the Debian
// TimescaleDB server started without shared_preload_libraries): migrate()
// refuses with a ConfigurationError that says what to change, before anything
// is written, and the same server restarted with the preload migrates.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigurationError, createStorage, type Storage } from '@ag/storage-core';
import {
  createTestDatabase,
  describeUnless,
  privatePostgresUnavailableReason,
  startPrivatePostgres,
  type PrivatePostgres,
  type TestDatabase,
} from '@ag/storage-testing';

const unavailable = privatePostgresUnavailableReason('timescaledb');

describeUnless(unavailable, 'migrate() on a TimescaleDB server without the preload [private timescaledb]', () => {
  let server: PrivatePostgres;
  let database: TestDatabase;

  beforeAll(async () => {
    server = await startPrivatePostgres({ installation: 'timescaledb' });
    database = await createTestDatabase(server.url);
  });
  afterAll(async () => {
    await database?.drop().catch(() => undefined);
    await server?.destroy();
  });

  const open = (): Promise<Storage> => createStorage({ url: database.url, env: {}, config: { logging: { level: 'silent' } } });

  it('sees the extension as available but not installable', async () => {
    const storage = await open();
    try {
      expect(storage.capabilities.timescale).toBeNull();
      expect(storage.capabilities.timescaleAvailable).toBe(true);
      expect(storage.capabilities.timescaleNeedsPreload).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('refuses to migrate with a ConfigurationError naming shared_preload_libraries, and writes nothing', async () => {
    const storage = await open();
    try {
      const error = await storage.migrate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe('shared_preload_libraries');
      expect((error as Error).message).toMatch(/shared_preload_libraries = 'timescaledb'.*restart the server/);
      const tables = await storage.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(tables[0]?.n).toBe(0);
      // The session is still usable: nothing tried CREATE EXTENSION.
      expect(await storage.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await storage.close();
    }
  });

  it('migrates onto hypertables once the server preloads the extension', async () => {
    await server.destroy();
    server = await startPrivatePostgres({ installation: 'timescaledb', settings: { shared_preload_libraries: 'timescaledb' } });
    database = await createTestDatabase(server.url);
    const storage = await open();
    try {
      expect(storage.capabilities.timescaleNeedsPreload).toBe(false);
      await storage.migrate();
      expect(storage.capabilities.timescale?.version).toMatch(/^2\./);
      const hypertables = await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM timescaledb_information.hypertables`);
      expect(hypertables[0]?.n).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });
});
