// TimescaleDB's job scheduler as the library sees it: the policy jobs
// (ids >= 1000; compression, retention, continuous-aggregate refresh, and
// any user job), their statistics, running one in the foreground, and
// judging whether a job the server runs is healthy.

import type { Queryable } from '@ag/storage-core';

export interface TimescaleJob {
  jobId: number;
  name: string;
  procName: string;
  /** The hypertable (for a continuous aggregate's jobs, its materialization hypertable). */
  hypertable: string | null;
  scheduleSeconds: number;
  scheduled: boolean;
  config: Record<string, unknown> | null;
  lastRunStartedAt: Date | null;
  lastSuccessfulFinish: Date | null;
  lastRunStatus: string | null;
  totalRuns: number | null;
  totalFailures: number | null;
  nextStart: Date | null;
}

/** A job_stats row as the drivers return it: timestamps may be ±infinity. */
export interface JobRow {
  job_id: number;
  application_name: string;
  proc_name: string;
  hypertable_name: string | null;
  schedule_seconds: number | null;
  scheduled: boolean;
  config: Record<string, unknown> | null;
  last_run_started_at: unknown;
  last_successful_finish: unknown;
  last_run_status: string | null;
  total_runs: number | null;
  total_failures: number | null;
  next_start: unknown;
}

const LIST_JOBS = `
SELECT j.job_id, j.application_name, j.proc_name, j.hypertable_name, j.scheduled, j.config,
       extract(epoch FROM j.schedule_interval)::float8 AS schedule_seconds,
       s.last_run_started_at, s.last_successful_finish, s.last_run_status,
       s.total_runs, s.total_failures, s.next_start
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
 WHERE j.job_id >= 1000
 ORDER BY j.job_id`;

export async function listTimescaleJobs(db: Queryable): Promise<TimescaleJob[]> {
  const { rows } = await db.query<JobRow>(LIST_JOBS);
  return rows.map(jobFromRow);
}

/**
 * A job from its row. TimescaleDB keeps "never" and "not scheduled" as
 * ±infinity, which node-postgres returns as the number ±Infinity and PGlite
 * as an Invalid Date: both become null here (a server's scheduler writes them
 * after running jobs; reading them as dates crashed checkJobs()).
 */
export function jobFromRow(r: JobRow): TimescaleJob {
  return {
    jobId: r.job_id,
    name: r.application_name,
    procName: r.proc_name,
    hypertable: r.hypertable_name,
    scheduleSeconds: r.schedule_seconds ?? 0,
    scheduled: r.scheduled,
    config: r.config,
    lastRunStartedAt: finiteTime(r.last_run_started_at),
    lastSuccessfulFinish: finiteTime(r.last_successful_finish),
    lastRunStatus: r.last_run_status,
    totalRuns: r.total_runs === null ? null : Number(r.total_runs),
    totalFailures: r.total_failures === null ? null : Number(r.total_failures),
    nextStart: finiteTime(r.next_start),
  };
}

/** A finite timestamp as a Date; ±infinity, invalid dates and anything else as null. */
function finiteTime(value: unknown): Date | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value : null;
  if (typeof value === 'string') {
    const parsed = new Date(value);
    return Number.isFinite(parsed.getTime()) ? parsed : null;
  }
  return null;
}

/** Runs one job now, in this session (what the background worker would do). Must not be inside a transaction. */
export async function runTimescaleJob(db: Queryable, jobId: number): Promise<void> {
  await db.query(`CALL run_job($1)`, [jobId]);
}

export interface JobHealth {
  jobId: number;
  name: string;
  healthy: boolean;
  /** Why it is not healthy. */
  problem: string | null;
  lastRunStartedAt: Date | null;
  lastRunStatus: string | null;
  totalFailures: number | null;
  nextStart: Date | null;
}

/**
 * Judges a job the server's scheduler runs: unhealthy when paused, when its
 * last run failed, or when it is overdue by more than twice its interval
 * (and at least 10 minutes), which means no background worker is running it.
 */
export function judgeJob(job: TimescaleJob, now: Date): JobHealth {
  let problem: string | null = null;
  const overdueMs = Math.max(2 * job.scheduleSeconds * 1000, 600_000);
  if (!job.scheduled) problem = 'paused (scheduled = false)';
  else if (job.lastRunStatus === 'Failed') problem = `last run failed (${job.totalFailures ?? '?'} failures in total)`;
  else if (job.nextStart && now.getTime() - job.nextStart.getTime() > overdueMs) {
    problem = `overdue since ${job.nextStart.toISOString()}: is a background worker running it?`;
  }
  return {
    jobId: job.jobId,
    name: job.name,
    healthy: problem === null,
    problem,
    lastRunStartedAt: job.lastRunStartedAt,
    lastRunStatus: job.lastRunStatus,
    totalFailures: job.totalFailures,
    nextStart: job.nextStart,
  };
}
