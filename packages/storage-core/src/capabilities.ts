// What the connected server can do, detected at connect time (and again after
// migrations, which may install TimescaleDB). Every feature degrades on the
// engines that lack it; see the table in the README.

import type { EngineTraits, Queryable } from './engines/engine.js';

export type TimescaleLicense = 'timescale' | 'apache';

export interface Capabilities {
  /** null when the timescaledb extension is not installed. */
  timescale: null | { version: string; license: TimescaleLicense };
  /** Native compression (timescale license). */
  compression: boolean;
  /** Continuous aggregates (timescale license); otherwise materialized views. */
  continuousAggregates: boolean;
  /** TimescaleDB's job API (policies, run_job) is available. */
  jobs: boolean;
  /** TimescaleDB background workers run the jobs by themselves (never embedded). */
  backgroundWorkers: boolean;
  /** The extension can be installed but is not yet (run migrate()). */
  timescaleAvailable: boolean;
  /**
   * The extension is available but not installed, and the server does not
   * preload it (shared_preload_libraries), so it cannot be installed: migrate()
   * refuses with a ConfigurationError saying what to change. False when the
   * setting cannot be read (it is superuser-only): CREATE EXTENSION then tells.
   */
  timescaleNeedsPreload: boolean;
  serverVersion: string;
  serverVersionNum: number;
}

interface ProbeRow {
  server_version: string;
  server_version_num: string;
  ts_version: string | null;
  ts_available: boolean;
  license: string | null;
  workers: string | null;
  preload: string | null;
}

const PROBE_SQL = `
SELECT current_setting('server_version') AS server_version,
       current_setting('server_version_num') AS server_version_num,
       (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS ts_version,
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS ts_available,
       current_setting('timescaledb.license', true) AS license,
       current_setting('timescaledb.max_background_workers', true) AS workers,
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload`;

export async function detectCapabilities(db: Queryable, traits: Pick<EngineTraits, 'backgroundJobs'>): Promise<Capabilities> {
  const { rows } = await db.query<ProbeRow>(PROBE_SQL);
  const row = rows[0];
  if (!row) throw new Error('capability probe returned no row');
  const timescale =
    row.ts_version === null
      ? null
      : { version: row.ts_version, license: (row.license === 'apache' ? 'apache' : 'timescale') as TimescaleLicense };
  const tsl = timescale?.license === 'timescale';
  return {
    timescale,
    compression: tsl,
    continuousAggregates: tsl,
    jobs: tsl,
    backgroundWorkers: tsl && traits.backgroundJobs && Number(row.workers ?? 0) > 0,
    timescaleAvailable: row.ts_available,
    timescaleNeedsPreload:
      row.ts_version === null && row.ts_available && row.preload !== null && !preloads(row.preload, 'timescaledb'),
    serverVersion: row.server_version,
    serverVersionNum: Number(row.server_version_num),
  };
}

/** Whether a shared_preload_libraries value names the library (a comma-separated list, maybe quoted, maybe a path). */
function preloads(setting: string, library: string): boolean {
  return setting
    .split(',')
    .map((entry) => entry.trim().replace(/^"|"$/g, ''))
    .some((entry) => entry === library || entry.endsWith(`/${library}`) || entry.startsWith(`${library}-`));
}
