// The one interface both database engines implement. Nothing outside
// engines/ knows which engine is behind a Storage: code that must choose a
// strategy reads the engine's traits (what it can do), never its kind, the
// way Kysely's dialect adapters declare `supportsMultipleConnections`.
// Adding an engine is a file here that implements Engine and sets its traits.

import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type EngineKind = 'pglite' | 'postgres';

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE/COPY, or returned by SELECT. */
  rowCount: number;
}

/** How one statement is sent. */
export interface StatementOptions {
  /**
   * A statement the library runs very often with the same text (a hot read):
   * a server keeps it prepared on each connection, parsed and planned once,
   * so a call costs only its execution. An engine without named statements
   * ignores it. Only for statements whose best plan does not depend on the
   * parameter values (no time ranges over chunks).
   */
  prepared?: boolean;
}

/** Anything SQL can be sent to: the engine itself, a session or a transaction. */
export interface Queryable {
  /** One statement, parameters as $1..$n (always parameters, never interpolation). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: StatementOptions): Promise<QueryResult<T>>;
  /** One or more statements without parameters (DDL, scripts). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load with `COPY <table> (<columns>) FROM STDIN` in text format.
   * `data` is the COPY text (rows separated by newlines, columns by tabs).
   * Returns the number of rows copied.
   */
  copyFrom(copyStatement: string, data: string | Iterable<string>): Promise<number>;
}

/** What an engine can do, set by each engine; the rest of the library reads these. */
export interface EngineTraits {
  /** One connection serves everything: statements are serialized, so parallel writers gain nothing. */
  readonly singleConnection: boolean;
  /** Session advisory locks exist and coordinate processes (a server); without them one process owns the database. */
  readonly advisoryLocks: boolean;
  /** A server process that can run TimescaleDB's background workers (an in-process engine never can). */
  readonly backgroundJobs: boolean;
  /** Several processes (and login roles) may open the same database at once: a server. */
  readonly sharedAcrossProcesses: boolean;
  /** statement_timeout cancels a statement that runs too long (the WASM build has no timers). */
  readonly statementTimeout: boolean;
  /** Statements sent with `{ prepared: true }` stay prepared on their connection (an engine without named statements plans each call). */
  readonly preparedStatements: boolean;
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
  /** A name for people (health, logs); behaviour reads `traits`. */
  readonly kind: EngineKind;
  readonly traits: EngineTraits;
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
