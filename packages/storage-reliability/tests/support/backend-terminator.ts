// Kills the library's database sessions from a separate admin connection,
// the way an operator or a failover would: pg_terminate_backend on every
// backend connected to the test's database (the admin session itself is on
// another database and is spared). It can wait for a statement to be
// running first, so that the kill lands mid-write rather than on idle
// pooled connections.

import pg from 'pg';

const TERMINATE_BACKENDS = `
SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS terminated
  FROM pg_stat_activity
 WHERE datname = $1 AND pid <> pg_backend_pid()`;

const TERMINATE_BACKENDS_WHEN_ACTIVE = `
SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS terminated
  FROM pg_stat_activity
 WHERE datname = $1 AND pid <> pg_backend_pid()
   AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = $1 AND a.state <> 'idle' AND a.pid <> pg_backend_pid())`;

export interface BackendTerminator {
  /** Terminates every session on the database; resolves with how many there were. */
  terminateAll(): Promise<number>;
  /**
   * Waits (polling, up to `waitMs`) until a session of the database runs a
   * statement, then terminates every session; 0 when none became active.
   */
  terminateMidStatement(waitMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function connectBackendTerminator(adminUrl: string, database: string): Promise<BackendTerminator> {
  const admin = new pg.Client({ connectionString: adminUrl, application_name: 'ag-reliability-admin', connectionTimeoutMillis: 5000 });
  await admin.connect();
  return {
    async terminateAll() {
      const { rows } = await admin.query<{ terminated: number }>(TERMINATE_BACKENDS, [database]);
      return rows[0]?.terminated ?? 0;
    },
    async terminateMidStatement(waitMs: number) {
      const until = performance.now() + waitMs;
      do {
        const { rows } = await admin.query<{ terminated: number }>(TERMINATE_BACKENDS_WHEN_ACTIVE, [database]);
        if (rows[0]?.terminated) return rows[0].terminated;
      } while (performance.now() < until);
      return 0;
    },
    close: () => admin.end(),
  };
}

/** The database name of a postgres:// URL. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
