// A health report as a few human-readable lines.

import type { HealthReport } from '@ag/storage-core';

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
  if (health.error) lines.push(`error       ${health.error}`);
  return lines.join('\n');
}
