// The server engine: any PostgreSQL (with or without TimescaleDB) through one
// node-postgres Pool, shared by raw queries, COPY and Prisma (@prisma/adapter-pg).

import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { isTlsFailure, mapDatabaseError } from '../errors/map-database-error.js';
import { ClosedError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import type { StorageConfig } from '../config/config-schema.js';
import type { Engine, EngineTraits, PoolStats, QueryResult, Queryable, StatementOptions } from './engine.js';
import { buildPoolOptions, withoutTls, type TlsSettings } from './postgres-pool-options.js';
import { runInTransaction } from './run-in-transaction.js';

export interface PostgresEngineOptions {
  url: string;
  displayUrl: string;
  database: StorageConfig['database'];
  logger: Logger;
}

/** int8 as a JS number when it fits, BigInt beyond: the same as the embedded engine. */
const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string) => {
        const big = BigInt(value);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  readonly traits: EngineTraits = { singleConnection: false, advisoryLocks: true, backgroundJobs: true, sharedAcrossProcesses: true, statementTimeout: true, preparedStatements: true };
  readonly displayUrl: string;
  private readonly pool: pg.Pool;
  private readonly max: number;
  private closed = false;

  private constructor(pool: pg.Pool, displayUrl: string, max: number) {
    this.pool = pool;
    this.displayUrl = displayUrl;
    this.max = max;
  }

  static async open(options: PostgresEngineOptions): Promise<PostgresEngine> {
    const { database } = options;
    const plan = buildPoolOptions(options.url, database);
    const connect = async (poolOptions: pg.PoolConfig): Promise<pg.Pool> => {
      const pool = new pg.Pool({ ...poolOptions, types: typeParsers });
      // An idle client whose backend died emits 'error' on the pool; without a
      // listener that would crash the process. The pool replaces the client.
      pool.on('error', (error) => {
        options.logger.warn({ err: error }, 'idle database connection lost; the pool will reconnect');
      });
      try {
        await pool.query('SELECT 1');
        return pool;
      } catch (error) {
        await pool.end().catch(() => undefined);
        throw error;
      }
    };
    let pool: pg.Pool;
    try {
      pool = await connect(plan.options);
    } catch (error) {
      if (plan.tls.mode !== 'prefer' || !isTlsRefusedByServer(error)) {
        throw mapDatabaseError(error, `cannot connect to ${options.displayUrl}${tlsHint(plan.tls, error)}`);
      }
      // libpq's prefer: TLS when the server offers it, else plain text.
      options.logger.info({ url: options.displayUrl }, 'server does not offer TLS; connecting without it (sslmode prefer)');
      try {
        pool = await connect(withoutTls(plan.options));
      } catch (retryError) {
        throw mapDatabaseError(retryError, `cannot connect to ${options.displayUrl}`);
      }
    }
    return new PostgresEngine(pool, options.displayUrl, database.max_connections);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<QueryResult<T>> {
    this.assertOpen();
    try {
      const result = await this.pool.query(statement(sql, params, options));
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }

  async exec(sql: string): Promise<void> {
    this.assertOpen();
    try {
      await this.pool.query(sql);
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }

  copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number> {
    return this.withSession((session) => session.copyFrom(copyStatement, data));
  }

  async withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapDatabaseError(error, `cannot connect to ${this.displayUrl}`);
    }
    let broken: Error | undefined;
    // While held, the pool listens to the client no longer: a connection lost
    // between statements (pg_terminate_backend, a restart) would emit an
    // 'error' nobody handles and crash the process. The next statement fails
    // with a ConnectionError instead.
    const onLost = (error: Error) => {
      broken ??= mapDatabaseError(error);
    };
    client.on('error', onLost);
    try {
      return await fn(clientQueryable(client, (error) => (broken = error)));
    } finally {
      client.off('error', onLost);
      // A connection that failed at the protocol level is destroyed, not reused.
      client.release(broken);
    }
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withSession((session) => runInTransaction(session, fn));
  }

  createPrismaAdapter(): PrismaPg {
    return new PrismaPg(this.pool);
  }

  poolStats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.max };
  }

  /** A closed engine refuses at once with CLOSED (never retried), not with the driver's pool error. */
  private assertOpen(): void {
    if (this.closed) throw new ClosedError('the database connection');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** Statement names, one per prepared text, the same on every connection (node-postgres prepares a name once per connection). */
const preparedNames = new Map<string, string>();

/** What node-postgres sends: a named (prepared) statement when asked for, else an unnamed one. */
function statement(sql: string, params: readonly unknown[] | undefined, options: StatementOptions | undefined): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  if (!options?.prepared) return { text: sql, values };
  let name = preparedNames.get(sql);
  if (name === undefined) preparedNames.set(sql, (name = `ag_prepared_${preparedNames.size + 1}`));
  return { name, text: sql, values };
}

function clientQueryable(client: pg.PoolClient, markBroken: (error: Error) => void): Queryable {
  const fail = (error: unknown): never => {
    const mapped = mapDatabaseError(error);
    if (mapped.code === 'CONNECTION') markBroken(mapped);
    throw mapped;
  };
  return {
    async query<T>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<QueryResult<T>> {
      try {
        const result = await client.query(statement(sql, params, options));
        return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
      } catch (error) {
        return fail(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await client.query(sql);
      } catch (error) {
        fail(error);
      }
    },
    async copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number> {
      try {
        const stream = client.query(copyFromStream(copyStatement));
        const source = typeof data === 'string' ? Readable.from([data]) : Readable.from(data);
        await pipeline(source, stream);
        return Number(stream.rowCount ?? 0);
      } catch (error) {
        return fail(error);
      }
    },
  };
}

function isTlsRefusedByServer(error: unknown): boolean {
  return /server does not support SSL connections/i.test((error as Error | undefined)?.message ?? '');
}

/** Names the TLS setting in a connection failure that TLS caused. */
function tlsHint(tls: TlsSettings, error: unknown): string {
  if (tls.mode === 'disable' || !isTlsFailure(error)) return '';
  return ` (TLS: ${tls.modeKey} = ${tls.mode}${tls.caFile ? `, ${tls.caKey} = ${tls.caFile}` : ''})`;
}
