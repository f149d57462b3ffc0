// health(): one call that says whether the database answers and what it is:
// engine, versions, TimescaleDB license, pool figures, migration state and,
// with database.read_url, the replica's state and lag (a replica that does
// not answer makes the report 'degraded').
// Never throws; a failing database yields status 'down' with the reason.

import type { Capabilities } from './capabilities.js';
import type { Engine, EngineKind, PoolStats } from './engines/engine.js';
import { redactSecrets } from './logging/redact.js';
import { primaryWalPosition } from './read-routing.js';
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
  /**
   * How far behind the replica's answers are, in seconds: 0 when it has
   * replayed all the WAL the primary has written (so an idle primary does
   * not make it look ever more behind); otherwise the seconds since the last
   * transaction it replayed committed on the primary, an upper bound that
   * overstates when that primary sat idle before the pending writes. Null
   * when unknown (nothing replayed since it started) or not a replica.
   */
  lagSeconds: number | null;
  /** WAL bytes the replica has yet to replay: of what the primary has written, or, when the primary cannot be asked, of what it received. */
  lagBytes: number | null;
  /** Whether replay is paused (pg_wal_replay_pause()). */
  replayPaused: boolean | null;
  pool: PoolStats;
  error?: string;
}

// $1 is the primary's WAL position (null when it could not be read). Without
// it, "caught up" needs the replica to be streaming: a replica cut off from
// its primary has replayed all it received and still falls behind.
const REPLICA_STATE = `
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused,
       (SELECT status = 'streaming' FROM pg_stat_wal_receiver) AS streaming,
       pg_wal_lsn_diff(greatest($1::pg_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn())::float8 AS pending_bytes,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since_last_replayed_commit`;

interface ReplicaStateRow {
  in_recovery: boolean;
  replay_paused: boolean | null;
  streaming: boolean | null;
  pending_bytes: number | null;
  since_last_replayed_commit: number | null;
}

/** The lag rule of ReplicaHealth.lagSeconds and lagBytes, from one REPLICA_STATE row. */
function replicaLag(row: ReplicaStateRow, primaryPositionKnown: boolean): Pick<ReplicaHealth, 'lagSeconds' | 'lagBytes'> {
  if (!row.in_recovery || row.pending_bytes === null) return { lagSeconds: null, lagBytes: null };
  const pendingBytes = Math.max(0, Number(row.pending_bytes));
  const caughtUp = pendingBytes === 0 && (primaryPositionKnown || row.streaming === true);
  if (caughtUp) return { lagSeconds: 0, lagBytes: 0 };
  const seconds = row.since_last_replayed_commit;
  return { lagSeconds: seconds === null ? null : Math.max(0, Number(seconds)), lagBytes: pendingBytes };
}

async function checkReplica(replica: Engine, primary: Engine): Promise<ReplicaHealth> {
  // The primary first: whatever the replica replays after this moment only helps.
  const primaryPosition = await primaryWalPosition(primary).catch(() => null);
  try {
    const { rows } = await replica.query<ReplicaStateRow>(REPLICA_STATE, [primaryPosition]);
    const row = rows[0] as ReplicaStateRow;
    return {
      status: 'ok',
      url: replica.displayUrl,
      inRecovery: row.in_recovery,
      ...replicaLag(row, primaryPosition !== null),
      replayPaused: row.replay_paused,
      pool: replica.poolStats(),
    };
  } catch (error) {
    const message = redactSecrets((error as Error).message);
    return { status: 'down', url: replica.displayUrl, inRecovery: null, lagSeconds: null, lagBytes: null, replayPaused: null, pool: replica.poolStats(), error: message };
  }
}

export async function checkHealth(
  engine: Engine,
  refreshCapabilities: () => Promise<Capabilities>,
  migrationStatus: () => Promise<MigrationStatus[]>,
  replica?: Engine,
): Promise<HealthReport> {
  const started = performance.now();
  const base = { engine: engine.kind, url: engine.displayUrl, checkedAt: new Date(), ...(replica ? { replica: await checkReplica(replica, engine) } : {}) };
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
