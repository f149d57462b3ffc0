// health(): one call that says whether the database answers and what it is:
// engine, versions, TimescaleDB license, pool figures and migration state.
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
}

export async function checkHealth(
  engine: Engine,
  refreshCapabilities: () => Promise<Capabilities>,
  migrationStatus: () => Promise<MigrationStatus[]>,
): Promise<HealthReport> {
  const started = performance.now();
  const base = { engine: engine.kind, url: engine.displayUrl, checkedAt: new Date() };
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
    const healthy = migrations.pending.length === 0 && migrations.failed.length === 0 && migrations.modified.length === 0;
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
