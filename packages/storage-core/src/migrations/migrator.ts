// Applies prisma/migrations in order and records them in _prisma_migrations
// exactly as Prisma does, so `prisma migrate deploy` run elsewhere sees them
// as applied. Holds Prisma's own advisory lock while working, so two
// migrators (ours or Prisma's) never run at once. Each migration runs in one
// transaction unless it starts with `-- ag-storage:no-transaction`; so does
// each down.sql (a rollback), by its own first line.

import { randomUUID } from 'node:crypto';
import type { Engine, Queryable } from '../engines/engine.js';
import { runInTransaction } from '../engines/run-in-transaction.js';
import { MigrationError, StorageError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import { checksumMatches, readMigrationFiles, type MigrationFile } from './migration-files.js';
import { splitSqlStatements } from './split-sql-statements.js';

/** The key Prisma's migrate engine locks; sharing it excludes both tools. */
export const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationState = 'applied' | 'pending' | 'failed' | 'modified' | 'missing_locally';

export interface MigrationStatus {
  name: string;
  state: MigrationState;
  appliedAt: Date | null;
  /** Checksum recorded in the database (null when never applied). */
  recordedChecksum: string | null;
  /** Checksum of the local migration.sql (null when the file is missing). */
  localChecksum: string | null;
  hasDown: boolean;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
  durationMs: number;
}

export interface RollbackReport {
  rolledBack: string[];
  durationMs: number;
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

export class Migrator {
  constructor(
    private readonly engine: Engine,
    private readonly directory: string,
    private readonly logger: Logger,
  ) {}

  /** Every local and recorded migration with its state, in name order. */
  async status(): Promise<MigrationStatus[]> {
    return this.engine.withSession(async (session) => computeStatus(this.files(), await readRows(session)));
  }

  /** Applies every pending migration; refuses when an applied one was edited or one failed. */
  async migrate(): Promise<MigrationReport> {
    const started = Date.now();
    const files = this.files();
    return this.withLock(async (session) => {
      const statuses = computeStatus(files, await readRows(session));
      assertAppliable(statuses);
      const pending = statuses.filter((s) => s.state === 'pending');
      const applied: string[] = [];
      for (const status of pending) {
        const file = files.find((f) => f.name === status.name) as MigrationFile;
        const t0 = Date.now();
        if (file.transactional) await applyInTransaction(session, file);
        else await applyStatementByStatement(session, file);
        this.logger.info({ migration: file.name, ms: Date.now() - t0 }, 'migration applied');
        applied.push(file.name);
      }
      return {
        applied,
        alreadyApplied: statuses.filter((s) => s.state === 'applied').length,
        durationMs: Date.now() - started,
      };
    });
  }

  /** Reverts the newest `steps` applied migrations with their down.sql. */
  async rollback(steps = 1): Promise<RollbackReport> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new MigrationError(`rollback steps must be a positive integer, got ${String(steps)}`);
    }
    const started = Date.now();
    const files = this.files();
    return this.withLock(async (session) => {
      const rows = await readRows(session);
      const statuses = computeStatus(files, rows);
      const failed = statuses.find((s) => s.state === 'failed');
      if (failed) throw failedMigrationError(failed.name);
      const applied = statuses.filter((s) => s.state === 'applied' || s.state === 'modified').reverse();
      const targets = applied.slice(0, steps);
      const rolledBack: string[] = [];
      for (const target of targets) {
        const file = files.find((f) => f.name === target.name);
        if (!file?.downSql) {
          throw new MigrationError(`migration ${target.name} has no down.sql; cannot roll it back`, {
            migration: target.name,
          });
        }
        const row = currentRow(rows, target.name) as MigrationRow;
        const markRolledBack = () => session.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1`, [row.id]);
        if (file.downTransactional) {
          await inTransaction(session, target.name, async () => {
            await session.exec(file.downSql as string);
            await markRolledBack();
          });
        } else {
          // Statement by statement; the migration stays applied until the last one succeeded.
          await runStatements(session, target.name, file.downSql);
          await markRolledBack();
        }
        this.logger.info({ migration: target.name }, 'migration rolled back');
        rolledBack.push(target.name);
      }
      return { rolledBack, durationMs: Date.now() - started };
    });
  }

  private files(): MigrationFile[] {
    return readMigrationFiles(this.directory);
  }

  private withLock<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    return this.engine.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
      try {
        await session.exec(CREATE_MIGRATIONS_TABLE);
        return await fn(session);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]).catch(() => undefined);
      }
    });
  }
}

async function readRows(session: Queryable): Promise<MigrationRow[]> {
  const exists = await session.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return [];
  const { rows } = await session.query<MigrationRow>(
    `SELECT id, checksum, migration_name, finished_at, rolled_back_at, started_at, logs
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows;
}

/** The row that decides a migration's state: the newest one not rolled back. */
function currentRow(rows: MigrationRow[], name: string): MigrationRow | undefined {
  let found: MigrationRow | undefined;
  for (const row of rows) {
    if (row.migration_name === name && row.rolled_back_at === null) found = row;
  }
  return found;
}

function computeStatus(files: MigrationFile[], rows: MigrationRow[]): MigrationStatus[] {
  const statuses: MigrationStatus[] = files.map((file) => {
    const row = currentRow(rows, file.name);
    let state: MigrationState = 'pending';
    if (row && row.finished_at === null) state = 'failed';
    else if (row) state = checksumMatches(file.sql, row.checksum) ? 'applied' : 'modified';
    return {
      name: file.name,
      state,
      appliedAt: row?.finished_at ?? null,
      recordedChecksum: row?.checksum ?? null,
      localChecksum: file.checksum,
      hasDown: file.downSql !== undefined,
    };
  });
  const localNames = new Set(files.map((f) => f.name));
  const missing = new Set(rows.filter((r) => !localNames.has(r.migration_name)).map((r) => r.migration_name));
  for (const name of missing) {
    const row = currentRow(rows, name);
    if (!row) continue;
    statuses.push({
      name,
      state: 'missing_locally',
      appliedAt: row.finished_at,
      recordedChecksum: row.checksum,
      localChecksum: null,
      hasDown: false,
    });
  }
  return statuses.sort((a, b) => a.name.localeCompare(b.name));
}

function assertAppliable(statuses: MigrationStatus[]): void {
  const failed = statuses.find((s) => s.state === 'failed');
  if (failed) throw failedMigrationError(failed.name);
  const modified = statuses.find((s) => s.state === 'modified');
  if (modified) {
    throw new MigrationError(
      `migration ${modified.name} was edited after it was applied (recorded checksum ${modified.recordedChecksum?.slice(0, 12)}..., ` +
        `file now ${modified.localChecksum?.slice(0, 12)}...). Restore the file, or add a new migration instead of editing an applied one.`,
      { migration: modified.name },
    );
  }
}

function failedMigrationError(name: string): MigrationError {
  return new MigrationError(
    `migration ${name} failed earlier and is marked as failed in _prisma_migrations. Repair the database, then ` +
      `mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${name}' AND finished_at IS NULL).`,
    { migration: name },
  );
}

async function inTransaction(session: Queryable, migration: string, fn: () => Promise<void>): Promise<void> {
  try {
    await runInTransaction(session, fn);
  } catch (error) {
    throw asMigrationError(error, migration);
  }
}

async function applyInTransaction(session: Queryable, file: MigrationFile): Promise<void> {
  await inTransaction(session, file.name, async () => {
    await session.exec(file.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp(), 1)`,
      [randomUUID(), file.checksum, file.name],
    );
  });
}

/** For statements PostgreSQL refuses inside a transaction block. A failure is recorded as Prisma does. */
async function applyStatementByStatement(session: Queryable, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, clock_timestamp(), 0)`,
    [id, file.checksum, file.name],
  );
  await runStatements(session, file.name, file.sql, (message) =>
    session.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]).then(() => undefined),
  );
  await session.query(
    `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
    [id],
  );
}

/** Runs a script's statements one by one, outside a transaction; a failure names the statement. */
async function runStatements(
  session: Queryable,
  migration: string,
  script: string,
  onFailure: (message: string) => Promise<void> = async () => undefined,
): Promise<void> {
  const statements = splitSqlStatements(script);
  for (const [index, statement] of statements.entries()) {
    try {
      await session.exec(statement);
    } catch (error) {
      const message = `statement ${index + 1} of ${statements.length} failed: ${(error as Error).message}`;
      await onFailure(message);
      throw asMigrationError(error, migration);
    }
  }
}

function asMigrationError(error: unknown, migration: string): MigrationError {
  if (error instanceof MigrationError) return error;
  const sqlState = error instanceof StorageError ? error.sqlState : undefined;
  return new MigrationError(`migration ${migration} failed: ${(error as Error).message}`, {
    migration,
    cause: error,
    ...(sqlState ? { sqlState } : {}),
  });
}
