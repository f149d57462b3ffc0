// A health report as a few human-readable lines.

import type { HealthReport, ReplicaHealth } from '@ag/storage-core';

export function formatHealth(health: HealthReport): string {
  const timescale = health.timescale
    ? `TimescaleDB ${health.timescale.version} (${health.timescale.license} license)`
    : 'no TimescaleDB (plain PostgreSQL: tables, materialized views, library scheduler)';
  const lines = [
    `status      ${health.status}`,
    `engine      ${health.engine}  ${health.url}`,
    `server      PostgreSQL ${health.serverVersion ?? '?'}`,
    `timescale   ${timescale}`,
    `pool        ${health.pool.total} open, ${health.pool.idle} idle, ${health.pool.waiting} waiting (max ${health.pool.max})`,
    `migrations  ${health.migrations.applied} applied, ${health.migrations.pending.length} pending` +
      (health.migrations.pending.length ? ` (${health.migrations.pending.join(', ')})` : ''),
  ];
  if (health.replica) lines.push(`replica     ${formatReplica(health.replica)}`);
  if (health.error) lines.push(`error       ${health.error}`);
  return lines.join('\n');
}

/** The replica reads go to: its state, how far behind its answers are, and its pool. */
function formatReplica(replica: ReplicaHealth): string {
  if (replica.status === 'down') return `down  ${replica.url}${replica.error ? `  (${replica.error})` : ''}`;
  if (replica.inRecovery === false) return `ok  ${replica.url}  (not in recovery: read_url names a primary)`;
  const seconds = replica.lagSeconds === null ? 'unknown' : `${replica.lagSeconds.toFixed(1)} s`;
  const bytes = replica.lagBytes === null ? 'unknown' : `${replica.lagBytes.toLocaleString('en-US')} WAL bytes`;
  const pool = `pool ${replica.pool.total} open, ${replica.pool.idle} idle, ${replica.pool.waiting} waiting (max ${replica.pool.max})`;
  return `ok  ${replica.url}  behind by ${seconds}, ${bytes} to replay${replica.replayPaused ? ', replay PAUSED' : ''}; ${pool}`;
}
