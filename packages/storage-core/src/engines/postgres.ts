// The server engine: any PostgreSQL (with or without TimescaleDB) through one
// node-postgres Pool, shared by raw queries, COPY and Prisma (@prisma/adapter-pg).

import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { mapDatabaseError } from '../errors/map-database-error.js';
import type { Logger } from '../logging/logger.js';
import type { StorageConfig } from '../config/config-schema.js';
import type { Engine, PoolStats, QueryResult, Queryable } from './engine.js';
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
    const pool = new pg.Pool({
      connectionString: options.url,
      max: database.max_connections,
      connectionTimeoutMillis: Math.round(database.connection_timeout_sec * 1000),
      idleTimeoutMillis: 30_000,
      application_name: 'ag-storage',
      types: typeParsers,
      ...(database.statement_timeout_ms > 0 ? { statement_timeout: database.statement_timeout_ms } : {}),
      ...sslOptions(database.ssl),
    });
    // An idle client whose backend died emits 'error' on the pool; without a
    // listener that would crash the process. The pool replaces the client.
    pool.on('error', (error) => {
      options.logger.warn({ err: error }, 'idle database connection lost; the pool will reconnect');
    });
    const engine = new PostgresEngine(pool, options.displayUrl, database.max_connections);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw mapDatabaseError(error, `cannot connect to ${options.displayUrl}`);
    }
    return engine;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    try {
      const result = await this.pool.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }

  async exec(sql: string): Promise<void> {
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function clientQueryable(client: pg.PoolClient, markBroken: (error: Error) => void): Queryable {
  const fail = (error: unknown): never => {
    const mapped = mapDatabaseError(error);
    if (mapped.code === 'CONNECTION') markBroken(mapped);
    throw mapped;
  };
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      try {
        const result = await client.query(sql, params as unknown[] | undefined);
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

function sslOptions(ssl: StorageConfig['database']['ssl']): { ssl?: pg.PoolConfig['ssl'] } {
  switch (ssl.mode) {
    case 'disable':
    case 'prefer':
      return {};
    case 'require':
      return { ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
    case 'verify-full': {
      const ca = ssl.ca_file ? readFileSync(ssl.ca_file, 'utf8') : undefined;
      return {
        ssl: {
          rejectUnauthorized: true,
          ...(ca ? { ca } : {}),
          ...(ssl.mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
        },
      };
    }
  }
}
