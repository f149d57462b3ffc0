// Reads from a streaming replica (database.read_url): a private primary and a
// replica made from it with pg_basebackup. Writes and migrations go to the
// primary, readQuery() and storage.reader to the replica, which answers with
// what it has replayed: under replica lag (replay paused) a read does not see
// a fresh write until the replica catches up. health() reports the replica:
// lag 0 once it has replayed all the primary wrote (an idle primary included),
// and the seconds and bytes it is behind while replay is paused.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigurationError, createStorage, type Storage } from '@ag/storage-core';
import { describeUnless, privatePostgresUnavailableReason, startPrivatePostgres, type PrivatePostgres } from '@ag/storage-testing';

const unavailable = privatePostgresUnavailableReason();

describeUnless(unavailable, 'reads from a streaming replica [replica]', () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let storage: Storage;

  beforeAll(async () => {
    primary = await startPrivatePostgres({ settings: { wal_level: 'replica', max_wal_senders: '4' } });
    replica = await startPrivatePostgres({ fromBaseBackupOf: primary, settings: { hot_standby: 'on' } });
    storage = await createStorage({
      url: primary.url,
      env: {},
      config: { database: { read_url: replica.url }, logging: { level: 'silent' } },
      migrate: true,
    });
  });
  afterAll(async () => {
    await storage?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  const waitForReplay = async (sql: string, params: unknown[], want: unknown) => {
    await expect.poll(async () => (await storage.readQuery(sql, params))[0], { timeout: 20_000, interval: 50 }).toEqual(want);
  };

  it('sends reads to the replica and writes and migrations to the primary', async () => {
    expect(storage.readsFromReplica).toBe(true);
    expect(await storage.readQuery<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    expect(await storage.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);
    // The migrations ran on the primary and reached the replica by replication.
    await waitForReplay(`SELECT count(*)::int AS n FROM "_prisma_migrations"`, [], { n: (await storage.migrationStatus()).length });
    // A write through reader would fail: the replica is read-only.
    await expect(storage.reader.query(`INSERT INTO metric_series (metric_name) VALUES ('nope')`)).rejects.toThrow(/read-only/);
  });

  it('answers a read with what the replica has replayed: a write appears once it is replayed', async () => {
    await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('replica.probe.1')`);
    await waitForReplay(`SELECT count(*)::int AS n FROM metric_series WHERE metric_name = $1`, ['replica.probe.1'], { n: 1 });
  });

  it('reports lag 0 once the replica has replayed everything, however long the primary then stays idle', async () => {
    await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('replica.probe.idle')`);
    await waitForReplay(`SELECT count(*)::int AS n FROM metric_series WHERE metric_name = $1`, ['replica.probe.idle'], { n: 1 });
    // Idle for longer than the old measure (seconds since the last replayed commit) would allow.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect
      .poll(async () => (await storage.health()).replica, { timeout: 5_000, interval: 100 })
      .toMatchObject({ status: 'ok', inRecovery: true, lagSeconds: 0, lagBytes: 0, replayPaused: false });
  });

  it('under replica lag, reads miss fresh writes until the replica catches up, and health says how far behind it is', async () => {
    await storage.reader.query('SELECT pg_wal_replay_pause()');
    try {
      await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('replica.probe.2')`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await storage.readQuery(`SELECT 1 FROM metric_series WHERE metric_name = $1`, ['replica.probe.2'])).toEqual([]);
      expect(await storage.query(`SELECT 1 AS one FROM metric_series WHERE metric_name = $1`, ['replica.probe.2'])).toEqual([{ one: 1 }]);
      const health = await storage.health();
      expect(health.replica).toMatchObject({ status: 'ok', inRecovery: true, replayPaused: true });
      // Paused with WAL pending: behind by the seconds since its last replayed commit, and by the bytes it has not replayed.
      expect(health.replica?.lagSeconds).toBeGreaterThanOrEqual(0.4);
      expect(health.replica?.lagBytes).toBeGreaterThan(0);
    } finally {
      await storage.reader.query('SELECT pg_wal_replay_resume()');
    }
    await waitForReplay(`SELECT count(*)::int AS n FROM metric_series WHERE metric_name = $1`, ['replica.probe.2'], { n: 1 });
    await expect.poll(async () => (await storage.health()).replica?.lagSeconds, { timeout: 5_000, interval: 100 }).toBe(0);
  });

  it('reports a replica that stopped answering as degraded health, while writes go on', async () => {
    await replica.stop();
    try {
      const health = await storage.health();
      expect(health.status).toBe('degraded');
      expect(health.replica?.status).toBe('down');
      await storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('replica.probe.3')`);
    } finally {
      await replica.start();
    }
  });

  it('refuses a replica for the embedded engine, and a replica URL that is not a server', async () => {
    const embedded = await createStorage({ url: 'pglite://memory', env: {}, config: { database: { read_url: replica.url } } }).catch((e: unknown) => e);
    expect(embedded).toBeInstanceOf(ConfigurationError);
    expect((embedded as ConfigurationError).field).toBe('database.read_url');
    const notServer = await createStorage({ url: primary.url, env: {}, config: { database: { read_url: 'pglite://memory' } } }).catch((e: unknown) => e);
    expect(notServer).toBeInstanceOf(ConfigurationError);
  });

  it('takes the replica from DATABASE_READ_URL', async () => {
    const fromEnv = await createStorage({ env: { DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url }, config: { logging: { level: 'silent' } } });
    try {
      expect(fromEnv.config.database.read_url).toBe(replica.url);
      expect(await fromEnv.readQuery<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    } finally {
      await fromEnv.close();
    }
  });
});
