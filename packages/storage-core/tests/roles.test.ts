// The least-privilege roles the migrations create: a writer that reads and
// writes data but cannot change the schema, and a reader that only reads.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireTrait, type TestStorage } from '@ag/storage-testing';
import { createStorage, PermissionError, type Queryable } from '../src/index.js';

describeEachEngine('least-privilege roles', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  /** Runs fn as `role` on one session, resetting afterwards. */
  const asRole = <T>(role: string, fn: (db: Queryable) => Promise<T>) =>
    storage.engine.withSession(async (session) => {
      await session.exec(`SET ROLE ${role}`);
      try {
        return await fn(session);
      } finally {
        await session.exec('RESET ROLE');
      }
    });

  it('creates both roles without login', async () => {
    const roles = await storage.query<{ rolname: string; rolcanlogin: boolean }>(
      `SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'ag_storage_%' ORDER BY rolname`,
    );
    expect(roles).toEqual([
      { rolname: 'ag_storage_reader', rolcanlogin: false },
      { rolname: 'ag_storage_writer', rolcanlogin: false },
    ]);
  });

  it('lets the writer write data and refresh rollups, but not change the schema', async () => {
    await asRole('ag_storage_writer', async (db) => {
      await db.query(`INSERT INTO metric_series (metric_name) VALUES ('writer.ok')`);
      await db.query(`INSERT INTO events (time, kind, source, message) VALUES (now(), 'k', 's', 'm')`);
      await db.query(`UPDATE metric_series SET labels = '{"a":"b"}' WHERE metric_name = 'writer.ok'`);
      await db.query(`SELECT ag_storage.refresh_rollup_table('orders_daily_stats', now() - interval '1 day', now())`);
      await expect(db.query(`DROP TABLE candles`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`CREATE TABLE intruder (id int)`)).rejects.toBeInstanceOf(PermissionError);
    });
    expect(await storage.query(`SELECT labels FROM metric_series WHERE metric_name = 'writer.ok'`)).toEqual([{ labels: { a: 'b' } }]);
  });

  it('keeps the writer from emptying, altering or dropping tables and from creating roles', async () => {
    await asRole('ag_storage_writer', async (db) => {
      await expect(db.query(`TRUNCATE metric_points`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`ALTER TABLE orders ADD COLUMN hacked int`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`DROP VIEW active_orders`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`CREATE INDEX intruder_idx ON orders (venue)`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`CREATE FUNCTION ag_storage.intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`CREATE ROLE intruder`)).rejects.toBeInstanceOf(PermissionError);
    });
    expect(await storage.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'hacked'`)).toEqual([{ n: 0 }]);
  });

  it('lets the writer read the migration history but not rewrite it', async () => {
    const before = await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM _prisma_migrations`);
    await asRole('ag_storage_writer', async (db) => {
      expect((await db.query(`SELECT count(*)::int AS n FROM _prisma_migrations`)).rows).toEqual(before);
      await expect(db.query(`DELETE FROM _prisma_migrations`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`UPDATE _prisma_migrations SET checksum = 'forged'`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'forged')`)).rejects.toBeInstanceOf(
        PermissionError,
      );
    });
    expect(await storage.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE checksum = 'forged' OR migration_name = 'forged'`)).toEqual([{ n: 0 }]);
  });

  it('keeps the reader from writing through the refresh functions, updating, emptying or altering', async () => {
    await asRole('ag_storage_reader', async (db) => {
      await expect(db.query(`UPDATE orders SET venue = venue`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`TRUNCATE events`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`DROP TABLE candles`)).rejects.toBeInstanceOf(PermissionError);
      await expect(
        db.query(`SELECT ag_storage.refresh_rollup_table('orders_daily_stats', now() - interval '1 day', now())`),
      ).rejects.toBeInstanceOf(PermissionError);
    });
  });

  it('lets the reader read every table and view, and nothing else', async () => {
    await asRole('ag_storage_reader', async (db) => {
      for (const relation of ['metric_series', 'metric_points', 'metrics', 'orders', 'active_orders', 'latest_positions', 'metrics_hourly', 'orders_daily_stats', 'ag_storage.rollups']) {
        await db.query(`SELECT count(*) FROM ${relation}`);
      }
      await expect(db.query(`INSERT INTO metric_series (metric_name) VALUES ('reader.no')`)).rejects.toBeInstanceOf(PermissionError);
      await expect(db.query(`DELETE FROM events`)).rejects.toBeInstanceOf(PermissionError);
    });
    expect(await storage.query(`SELECT 1 FROM metric_series WHERE metric_name = 'reader.no'`)).toEqual([]);
  });

  it('serves a login user made a member of the writer role, through createStorage', async (ctx) => {
    requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
    const user = `ag_bot_${process.pid}_${Date.now() % 100000}`;
    await storage.execute(`CREATE ROLE ${user} LOGIN IN ROLE ag_storage_writer`);
    const url = new URL(storage.url);
    url.username = user;
    const bot = await createStorage({ url: url.toString(), env: {}, config: { logging: { level: 'silent' } } });
    try {
      await bot.prisma.metricSeries.create({ data: { metricName: 'bot.wrote' } });
      expect(await bot.query(`SELECT count(*)::int AS n FROM metric_series WHERE metric_name = 'bot.wrote'`)).toEqual([{ n: 1 }]);
      await expect(bot.execute(`ALTER TABLE orders ADD COLUMN hacked int`)).rejects.toBeInstanceOf(PermissionError);
      expect((await bot.health()).migrations.pending).toEqual([]);
    } finally {
      await bot.close();
      await storage.execute(`DROP OWNED BY ${user}`);
      await storage.execute(`DROP ROLE ${user}`);
    }
  });
});
