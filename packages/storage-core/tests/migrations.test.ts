// The migrator on every engine: from scratch, idempotent, status, rollback
// round trip, edited-file refusal, concurrency, Prisma-compatible bookkeeping.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { createStorage, defaultMigrationsDirectory, MigrationError, Migrator, readMigrationFiles } from '../src/index.js';

const MIGRATIONS = defaultMigrationsDirectory();
const MIGRATION_NAMES = readMigrationFiles(MIGRATIONS).map((m) => m.name);
const TABLES = ['metric_series', 'metric_points', 'events', 'orders', 'fills', 'positions', 'candles'];
const VIEWS = ['metrics', 'active_orders', 'latest_positions'];
const ROLLUPS = ['metrics_hourly', 'metrics_daily', 'orders_daily_stats', 'fills_daily_stats'];

function copyMigrations(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  return dir;
}

async function relationNames(storage: TestStorage): Promise<string[]> {
  const rows = await storage.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')`,
  );
  return rows.map((r) => r.name);
}

describeEachEngine('migrations', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const tempDirs: string[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ engine, migrate: false, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => {
    await storage?.close();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every migration from scratch, creating every table, view and rollup', async () => {
    const before = await storage.migrationStatus();
    expect(before.map((s) => s.state)).toEqual(MIGRATION_NAMES.map(() => 'pending'));

    const report = await storage.migrate();
    expect(report.applied).toEqual(MIGRATION_NAMES);
    const relations = await relationNames(storage);
    for (const name of [...TABLES, ...VIEWS, ...ROLLUPS]) expect(relations).toContain(name);
  });

  it('changes nothing when run a second time', async () => {
    const rowsBefore = await storage.query(`SELECT id FROM "_prisma_migrations" ORDER BY id`);
    const report = await storage.migrate();
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toBe(MIGRATION_NAMES.length);
    expect(await storage.query(`SELECT id FROM "_prisma_migrations" ORDER BY id`)).toEqual(rowsBefore);
  });

  it('lists every migration in status, applied, with its checksum', async () => {
    const status = await storage.migrationStatus();
    expect(status.map((s) => s.name)).toEqual(MIGRATION_NAMES);
    for (const s of status) {
      expect(s.state).toBe('applied');
      expect(s.appliedAt).toBeInstanceOf(Date);
      expect(s.recordedChecksum).toBe(s.localChecksum);
      expect(s.hasDown).toBe(true);
    }
  });

  it('records migrations in _prisma_migrations exactly as Prisma does', async () => {
    const rows = await storage.query<{
      id: string; checksum: string; migration_name: string; finished_at: Date | null;
      rolled_back_at: Date | null; applied_steps_count: number; logs: string | null;
    }>(`SELECT * FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(MIGRATION_NAMES);
    for (const row of rows) {
      const sql = readFileSync(path.join(MIGRATIONS, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
    const columns = await storage.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'id', 'checksum', 'finished_at', 'migration_name', 'logs', 'rolled_back_at', 'started_at', 'applied_steps_count',
    ]);
  });

  it('rolls back and re-applies, round-tripping to the same schema', async () => {
    await storage.prisma.order.create({
      data: { time: new Date(), venue: 'v', market: 'm', side: 'buy', orderType: 'limit', size: '1', clientOrderId: 'rb-1' },
    });
    const relationsBefore = (await relationNames(storage)).sort();

    const rolled = await storage.rollback(MIGRATION_NAMES.length);
    expect(rolled.rolledBack).toEqual([...MIGRATION_NAMES].reverse());
    expect((await storage.migrationStatus()).every((s) => s.state === 'pending')).toBe(true);
    const relationsAfterRollback = await relationNames(storage);
    for (const name of [...TABLES, ...VIEWS, ...ROLLUPS]) expect(relationsAfterRollback).not.toContain(name);

    const reapplied = await storage.migrate();
    expect(reapplied.applied).toEqual(MIGRATION_NAMES);
    expect((await relationNames(storage)).sort()).toEqual(relationsBefore);
    expect(await storage.prisma.order.count()).toBe(0);
    // Prisma's history keeps the rolled-back rows, marked, beside the new ones.
    const history = await storage.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE rolled_back_at IS NOT NULL`,
    );
    expect(history[0]?.n).toBe(MIGRATION_NAMES.length);
  });

  it('rolls back one step by default and refuses a non-positive step count', async () => {
    const last = MIGRATION_NAMES[MIGRATION_NAMES.length - 1];
    expect((await storage.rollback()).rolledBack).toEqual([last]);
    expect((await storage.migrationStatus()).find((s) => s.name === last)?.state).toBe('pending');
    await expect(storage.rollback(0)).rejects.toBeInstanceOf(MigrationError);
    expect((await storage.migrate()).applied).toEqual([last]);
  });

  it('refuses to run when an applied migration file was edited, naming it', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const edited = MIGRATION_NAMES[1] as string;
    const file = path.join(dir, edited, 'migration.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- an innocent-looking edit\n`);
    const migrator = new Migrator(storage.engine, dir, storage.logger);
    const error = await migrator.migrate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe(edited);
    expect((error as Error).message).toContain(edited);
    expect((await migrator.status()).find((s) => s.name === edited)?.state).toBe('modified');
  });

  it('accepts a file whose only change is CRLF line endings, as Prisma does', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const file = path.join(dir, MIGRATION_NAMES[0] as string, 'migration.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    const status = await new Migrator(storage.engine, dir, storage.logger).status();
    expect(status.every((s) => s.state === 'applied')).toBe(true);
  });

  it('rolls back a failing migration completely and names it', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const name = '20991231000000_broken';
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), `CREATE TABLE half_done (id int);\nSELECT no_such_function();\n`);
    const migrator = new Migrator(storage.engine, dir, storage.logger);
    const error = await migrator.migrate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migration).toBe(name);
    expect(await relationNames(storage)).not.toContain('half_done');
    expect((await migrator.status()).find((s) => s.name === name)?.state).toBe('pending');
  });

  it('runs a -- ag-storage:no-transaction migration and down.sql statement by statement', async () => {
    const dir = copyMigrations();
    tempDirs.push(dir);
    const name = '20991231000001_outside_transaction';
    mkdirSync(path.join(dir, name));
    // VACUUM cannot run inside a transaction block.
    writeFileSync(
      path.join(dir, name, 'migration.sql'),
      `-- ag-storage:no-transaction\nCREATE TABLE nt_probe (id int, note text DEFAULT 'a;b');\nVACUUM nt_probe;\nINSERT INTO nt_probe (id) VALUES (1);\n`,
    );
    // A down.sql may say so too.
    writeFileSync(path.join(dir, name, 'down.sql'), `-- ag-storage:no-transaction\nVACUUM nt_probe;\nDROP TABLE nt_probe;\n`);
    const migrator = new Migrator(storage.engine, dir, storage.logger);
    expect((await migrator.migrate()).applied).toEqual([name]);
    expect(await storage.query(`SELECT id, note FROM nt_probe`)).toEqual([{ id: 1, note: 'a;b' }]);
    expect((await migrator.rollback()).rolledBack).toEqual([name]);
    expect(await relationNames(storage)).not.toContain('nt_probe');
  });

  it('leaves one correct result when two migrators run at once', async () => {
    await storage.rollback(MIGRATION_NAMES.length);
    if (!storage.engine.traits.sharedAcrossProcesses) {
      // One process owns an embedded database: two concurrent calls on it.
      const [a, b] = await Promise.all([storage.migrate(), storage.migrate()]);
      expect([...a.applied, ...b.applied].sort()).toEqual([...MIGRATION_NAMES].sort());
    } else {
      const other = await createStorage({ url: storage.url, env: {}, config: { logging: { level: 'silent' } } });
      try {
        const [a, b] = await Promise.all([storage.migrate(), other.migrate()]);
        expect([...a.applied, ...b.applied].sort()).toEqual([...MIGRATION_NAMES].sort());
        expect(Math.min(a.applied.length, b.applied.length)).toBe(0);
      } finally {
        await other.close();
      }
    }
    const applied = await storage.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name`,
    );
    expect(applied.map((r) => r.migration_name)).toEqual(MIGRATION_NAMES);
  });
});
