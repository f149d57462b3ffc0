// The one interface both database engines implement. Nothing outside
// engines/ knows which engine is behind a Storage; code that must choose a
// strategy (COPY vs multi-row insert, say) reads `engine.kind`.

import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type EngineKind = 'pglite' | 'postgres';

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE/COPY, or returned by SELECT. */
  rowCount: number;
}

/** Anything SQL can be sent to: the engine itself, a session or a transaction. */
export interface Queryable {
  /** One statement, parameters as $1..$n (always parameters, never interpolation). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** One or more statements without parameters (DDL, scripts). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load with `COPY <table> (<columns>) FROM STDIN` in text format.
   * `data` is the COPY text (rows separated by newlines, columns by tabs).
   * Returns the number of rows copied.
   */
  copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number>;
}

export interface PoolStats {
  /** Connections open (embedded: always 1). */
  total: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
  max: number;
}

export interface Engine extends Queryable {
  readonly kind: EngineKind;
  /** The connection URL with any password masked. */
  readonly displayUrl: string;
  /** Runs fn in BEGIN/COMMIT on one connection, ROLLBACK on error. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs fn on one dedicated connection (session state, advisory locks). */
  withSession<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  /** A Prisma driver adapter sharing this engine's connection(s). */
  createPrismaAdapter(): SqlDriverAdapterFactory;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
