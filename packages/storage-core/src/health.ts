// health(): one call that says whether the database answers and what it is:
// engine, versions, TimescaleDB license, pool figures, migration state and,
// with database.read_url, the replica's state and lag (a replica that does
// not answer makes the report 'degraded').
// Never throws; a failing database yields status 'down' with the reason.

import type { Capabilities } from './capabilities.js';
import type { Engine, EngineKind, PoolStats } from './engines/engine.js';
import { redactSecrets } from './logging/redact.js';
import type { MigrationStatus } from './migrations/migrator.js';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  engine: EngineKind;
  /** Connection URL with the password masked. */
  url: string;
  serverVersion: string | null;
  timescale: Capabilities['timescale'];
  capabilities: Capabilities | null;
  pool: PoolStats;
  migrations: { applied: number; pending: string[]; failed: string[]; modified: string[] };
  latencyMs: number;
  checkedAt: Date;
  error?: string;
  /** The replica reads go to (database.read_url), when there is one. */
  replica?: ReplicaHealth;
}

export interface ReplicaHealth {
  status: 'ok' | 'down';
  url: string;
  /** Whether the server is in recovery (a streaming replica); false means read_url names a primary. */
  inRecovery: boolean | null;
  /** Seconds since the last transaction it replayed committed on the primary (null when unknown or idle from the start). */
  lagSeconds: number | null;
  pool: PoolStats;
  error?: string;
}

const REPLICA_STATE = `
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_seconds`;

async function checkReplica(replica: Engine): Promise<ReplicaHealth> {
  try {
    const { rows } = await replica.query<{ in_recovery: boolean; lag_seconds: number | null }>(REPLICA_STATE);
    const row = rows[0];
    return {
      status: 'ok',
      url: replica.displayUrl,
      inRecovery: row?.in_recovery ?? null,
      lagSeconds: row?.lag_seconds === null || row?.lag_seconds === undefined ? null : Math.max(0, Number(row.lag_seconds)),
      pool: replica.poolStats(),
    };
  } catch (error) {
    return { status: 'down', url: replica.displayUrl, inRecovery: null, lagSeconds: null, pool: replica.poolStats(), error: redactSecrets((error as Error).message) };
  }
}

export async function checkHealth(
  engine: Engine,
  refreshCapabilities: () => Promise<Capabilities>,
  migrationStatus: () => Promise<MigrationStatus[]>,
  replica?: Engine,
): Promise<HealthReport> {
  const started = performance.now();
  const base = { engine: engine.kind, url: engine.displayUrl, checkedAt: new Date(), ...(replica ? { replica: await checkReplica(replica) } : {}) };
  try {
    const capabilities = await refreshCapabilities();
    const statuses = await migrationStatus();
    const names = (state: MigrationStatus['state']) => statuses.filter((s) => s.state === state).map((s) => s.name);
    const migrations = {
      applied: names('applied').length,
      pending: names('pending'),
      failed: names('failed'),
      modified: names('modified'),
    };
    const healthy =
      migrations.pending.length === 0 && migrations.failed.length === 0 && migrations.modified.length === 0 && base.replica?.status !== 'down';
    return {
      ...base,
      status: healthy ? 'ok' : 'degraded',
      serverVersion: capabilities.serverVersion,
      timescale: capabilities.timescale,
      capabilities,
      pool: engine.poolStats(),
      migrations,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
    };
  } catch (error) {
    return {
      ...base,
      status: 'down',
      serverVersion: null,
      timescale: null,
      capabilities: null,
      pool: engine.poolStats(),
      migrations: { applied: 0, pending: [], failed: [], modified: [] },
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      error: redactSecrets((error as Error).message),
    };
  }
}
