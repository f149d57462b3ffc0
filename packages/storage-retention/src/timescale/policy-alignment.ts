// Keeps TimescaleDB's policies in step with the configuration, which is the
// single source of truth. The hypertables migration registered default
// policies (compression after 7 days, retention 90/365/365 days, refresh
// windows of 3 and 7 days; the tick tables' migration compression only); a server runs them whether or not the library is
// there, so a policy shorter than the configuration would silently delete
// data the configuration keeps. Rules:
//   compression  compress_after = compression_after_days (every managed hypertable of the
//                table registry with compression on, the tick tables included);
//   retention    drop_after = the table's retention (metric_points: the longest of its
//                retention and every metric override, so a chunk a longer override still
//                needs is never dropped whole); none when kept forever or when archiving
//                is on (the library then archives and drops in its own pass);
//   rollups      continuous aggregates: retention = rollup retention; refresh start_offset
//                = min(default lookback, shortest source retention - one bucket), so a
//                refresh never recomputes a bucket whose raw rows are gone; when that
//                leaves less than two buckets of window, the refresh policy is removed and
//                the library refreshes within the safe window instead.
// Policies are changed by remove + add (their job ids change), inside one
// transaction under an advisory lock, so two processes never interleave.

import type { Queryable, Storage } from '@ag/storage-core';
import { managedHypertables, type ManagedTable } from '../managed-tables.js';
import { rollupRetentionDays, shortestSourceRetentionDays, type RetentionPolicies } from '../retention-policies.js';
import { quoteIdentifier } from '../sql-identifier.js';

export interface PolicyChange {
  /** Table or continuous aggregate. */
  target: string;
  policy: 'compression' | 'retention' | 'refresh' | 'refresh_lookback';
  /** Interval before and after (PostgreSQL interval text), null = no policy. */
  from: string | null;
  to: string | null;
}

export const ALIGNMENT_LOCK = [0x61675374, 0x616c6e] as const; // 'agSt', 'aln'

const DAY = 86_400;

interface PolicyRow {
  proc_name: string;
  target: string;
  seconds: number | null;
  text: string | null;
  end_seconds: number | null;
  schedule: string | null;
}

const LIST_POLICIES = `
SELECT j.proc_name,
       coalesce(ca.view_name, j.hypertable_name) AS target,
       extract(epoch FROM coalesce(j.config->>'compress_after', j.config->>'drop_after', j.config->>'start_offset')::interval)::float8 AS seconds,
       coalesce(j.config->>'compress_after', j.config->>'drop_after', j.config->>'start_offset') AS text,
       extract(epoch FROM (j.config->>'end_offset')::interval)::float8 AS end_seconds,
       j.schedule_interval::text AS schedule
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.continuous_aggregates ca ON ca.materialization_hypertable_name = j.hypertable_name
 WHERE j.proc_name IN ('policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate')`;

const COMPRESSION_ENABLED = `
SELECT hypertable_name FROM timescaledb_information.hypertables
 WHERE hypertable_schema = current_schema() AND compression_enabled`;

const ROLLUPS = `
SELECT view_name, source_table, kind,
       extract(epoch FROM bucket_width)::float8 AS bucket_seconds,
       extract(epoch FROM default_refresh_lookback)::float8 AS default_lookback_seconds,
       extract(epoch FROM refresh_lookback)::float8 AS lookback_seconds
  FROM ag_storage.rollups ORDER BY view_name`;

interface RollupRow {
  view_name: string;
  source_table: string;
  kind: 'continuous_aggregate' | 'table';
  bucket_seconds: number;
  default_lookback_seconds: number;
  lookback_seconds: number;
}

/** The refresh lookback a rollup may use: its default, narrowed to stay inside the source's shortest retention. */
export function safeLookbackSeconds(policies: RetentionPolicies, rollup: RollupRow): number {
  const shortest = shortestSourceRetentionDays(policies, rollup.source_table);
  if (shortest === null) return rollup.default_lookback_seconds;
  return Math.max(0, Math.min(rollup.default_lookback_seconds, shortest * DAY - rollup.bucket_seconds));
}

/** Aligns every policy with `policies`; returns what changed (nothing on a second call). */
export async function alignPolicies(storage: Storage, policies: RetentionPolicies): Promise<PolicyChange[]> {
  return storage.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [...ALIGNMENT_LOCK]);
    const changes: PolicyChange[] = [];
    const rollups = (await tx.query<RollupRow>(ROLLUPS)).rows;
    await alignLookbacks(tx, policies, rollups, changes);
    if (storage.capabilities.jobs) await alignTimescalePolicies(tx, policies, rollups, changes);
    return changes;
  });
}

async function alignLookbacks(tx: Queryable, policies: RetentionPolicies, rollups: RollupRow[], changes: PolicyChange[]): Promise<void> {
  for (const rollup of rollups) {
    const safe = safeLookbackSeconds(policies, rollup);
    if (safe === rollup.lookback_seconds) continue;
    await tx.query(`UPDATE ag_storage.rollups SET refresh_lookback = make_interval(secs => $2) WHERE view_name = $1`, [
      rollup.view_name,
      safe,
    ]);
    changes.push({ target: rollup.view_name, policy: 'refresh_lookback', from: `${rollup.lookback_seconds} s`, to: `${safe} s` });
  }
}

async function alignTimescalePolicies(tx: Queryable, policies: RetentionPolicies, rollups: RollupRow[], changes: PolicyChange[]): Promise<void> {
  const existing = (await tx.query<PolicyRow>(LIST_POLICIES)).rows;
  const find = (proc: string, target: string) => existing.find((p) => p.proc_name === proc && p.target === target);
  const compressible = new Set((await tx.query<{ hypertable_name: string }>(COMPRESSION_ENABLED)).rows.map((r) => r.hypertable_name));

  for (const table of managedHypertables()) {
    if (compressible.has(table)) {
      const want = policies.compressionAfterDays;
      const have = find('policy_compression', table);
      if (have?.seconds !== want * DAY) {
        await tx.query(`SELECT remove_compression_policy($1::regclass, if_exists => true)`, [quoteIdentifier(table)]);
        await tx.query(`SELECT add_compression_policy($1::regclass, compress_after => make_interval(days => $2))`, [quoteIdentifier(table), want]);
        changes.push({ target: table, policy: 'compression', from: have?.text ?? null, to: `${want} days` });
      }
    }
    const wantDays = policies.archive.enabled ? null : nativeRetentionDays(policies, table);
    await alignRetention(tx, table, wantDays, find('policy_retention', table), changes);
  }

  for (const rollup of rollups.filter((r) => r.kind === 'continuous_aggregate')) {
    await alignRetention(tx, rollup.view_name, rollupRetentionDays(policies, rollup.bucket_seconds), find('policy_retention', rollup.view_name), changes);
    await alignRefresh(tx, policies, rollup, find('policy_refresh_continuous_aggregate', rollup.view_name), changes);
  }
}

/** The migration's refresh policies end one bucket before now and run twice per bucket (hourly) or hourly. */
async function alignRefresh(tx: Queryable, policies: RetentionPolicies, rollup: RollupRow, have: PolicyRow | undefined, changes: PolicyChange[]): Promise<void> {
  const start = safeLookbackSeconds(policies, rollup);
  const end = have?.end_seconds ?? rollup.bucket_seconds;
  const feasible = start - end >= 2 * rollup.bucket_seconds;
  if (feasible ? have?.seconds === start : !have) return;
  const view = quoteIdentifier(rollup.view_name);
  await tx.query(`SELECT remove_continuous_aggregate_policy($1::regclass, if_exists => true)`, [view]);
  if (feasible) {
    const schedule = have?.schedule ?? (rollup.bucket_seconds < DAY ? '30 minutes' : '1 hour');
    await tx.query(
      `SELECT add_continuous_aggregate_policy($1::regclass, start_offset => make_interval(secs => $2),
              end_offset => make_interval(secs => $3), schedule_interval => $4::interval)`,
      [view, start, end, schedule],
    );
  }
  changes.push({ target: rollup.view_name, policy: 'refresh', from: have?.text ?? null, to: feasible ? `${start} s` : null });
}

async function alignRetention(tx: Queryable, target: string, wantDays: number | null, have: PolicyRow | undefined, changes: PolicyChange[]): Promise<void> {
  const wantSeconds = wantDays === null ? null : wantDays * DAY;
  if ((have?.seconds ?? null) === wantSeconds) return;
  await tx.query(`SELECT remove_retention_policy($1::regclass, if_exists => true)`, [quoteIdentifier(target)]);
  if (wantDays !== null) {
    await tx.query(`SELECT add_retention_policy($1::regclass, drop_after => make_interval(days => $2))`, [quoteIdentifier(target), wantDays]);
  }
  changes.push({ target, policy: 'retention', from: have?.text ?? null, to: wantDays === null ? null : `${wantDays} days` });
}

/** The drop_after a server-run retention policy may use for a hypertable (null: none). */
export function nativeRetentionDays(policies: RetentionPolicies, table: ManagedTable): number | null {
  const days = policies.tables[table] ?? null;
  if (days === null) return null;
  if (table !== 'metric_points') return days;
  return Math.max(days, ...policies.metricOverrides.map((o) => o.days));
}
