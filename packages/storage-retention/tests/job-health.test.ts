// Judging the health of a job the server's TimescaleDB scheduler runs.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { judgeJob, RetentionManager, type TimescaleJob } from '../src/index.js';
import { jobFromRow, listTimescaleJobs, type JobRow } from '../src/timescale/timescale-jobs.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const job = (over: Partial<TimescaleJob> = {}): TimescaleJob => ({
  jobId: 1000,
  name: 'Columnstore Policy [1000]',
  procName: 'policy_compression',
  hypertable: 'metric_points',
  scheduleSeconds: 12 * 3600,
  scheduled: true,
  config: null,
  lastRunStartedAt: new Date('2026-11-23T06:00:00Z'),
  lastSuccessfulFinish: new Date('2026-11-23T06:00:05Z'),
  lastRunStatus: 'Success',
  totalRuns: 10,
  totalFailures: 0,
  nextStart: new Date('2026-11-23T18:00:00Z'),
  ...over,
});

describe('judgeJob', () => {
  it('finds a job that succeeded and is scheduled in the future healthy', () => {
    expect(judgeJob(job(), NOW)).toMatchObject({ healthy: true, problem: null });
  });

  it('reports a job whose last run failed, with its failure count', () => {
    expect(judgeJob(job({ lastRunStatus: 'Failed', totalFailures: 3 }), NOW)).toMatchObject({ healthy: false, problem: 'last run failed (3 failures in total)' });
  });

  it('reports a paused job', () => {
    expect(judgeJob(job({ scheduled: false }), NOW).problem).toBe('paused (scheduled = false)');
  });

  it('reports a job overdue by more than twice its interval', () => {
    expect(judgeJob(job({ nextStart: new Date('2026-11-22T11:00:00Z') }), NOW).problem).toMatch(/^overdue since 2026-11-22T11:00:00.000Z/);
  });

  it('never reports a job whose next start is within twice its interval (and ten minutes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 7 * 86_400 }), fc.double({ min: 0, max: 1, noNaN: true }), (interval, fraction) => {
        const late = Math.max(2 * interval * 1000, 600_000) * fraction;
        return judgeJob(job({ scheduleSeconds: interval, nextStart: new Date(NOW.getTime() - late) }), NOW).healthy;
      }),
    );
  });
});

describe('jobFromRow', () => {
  const row = (over: Partial<JobRow>): JobRow => ({
    job_id: 1000,
    application_name: 'Columnstore Policy [1000]',
    proc_name: 'policy_compression',
    hypertable_name: 'metric_points',
    schedule_seconds: 43_200,
    scheduled: true,
    config: null,
    last_run_started_at: new Date('2026-11-23T06:00:00Z'),
    last_successful_finish: new Date('2026-11-23T06:00:05Z'),
    last_run_status: 'Success',
    total_runs: 1,
    total_failures: 0,
    next_start: new Date('2026-11-23T18:00:00Z'),
    ...over,
  });

  it('reads infinite timestamps (node-postgres: ±Infinity, PGlite: Invalid Date) as null, and judges the job without throwing', () => {
    for (const infinite of [Infinity, -Infinity, new Date(Number.NaN), 'infinity']) {
      const job = jobFromRow(row({ next_start: infinite, last_run_started_at: infinite, last_successful_finish: infinite }));
      expect(job.nextStart).toBeNull();
      expect(job.lastRunStartedAt).toBeNull();
      expect(job.lastSuccessfulFinish).toBeNull();
      const health = judgeJob(job, NOW);
      expect(health.healthy).toBe(true);
      expect(() => JSON.stringify(health)).not.toThrow();
    }
  });

  it('keeps finite timestamps as they are', () => {
    const job = jobFromRow(row({}));
    expect(job.nextStart?.toISOString()).toBe('2026-11-23T18:00:00.000Z');
    expect(job.lastRunStartedAt?.toISOString()).toBe('2026-11-23T06:00:00.000Z');
  });
});

describeEachEngine('checkJobs after the jobs have run', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('judges every job, infinite next starts included, and the report serializes (or reports none without a job API)', async () => {
    const manager = new RetentionManager(storage);
    if (!storage.capabilities.jobs) {
      expect(await manager.checkJobs()).toEqual([]);
      return;
    }
    const jobs = await listTimescaleJobs(storage.engine);
    expect(jobs.length).toBeGreaterThan(0);
    const first = jobs[0]!.jobId;
    await storage.query('CALL run_job($1)', [first]);
    // What a server's scheduler leaves behind for a job it will not start again.
    await storage.query(`SELECT alter_job($1, next_start => 'infinity')`, [first]);
    const health = await manager.checkJobs();
    expect(health).toHaveLength(jobs.length);
    const judged = health.find((h) => h.jobId === first);
    expect(judged?.nextStart).toBeNull();
    expect(judged?.healthy).toBe(true);
    expect(JSON.parse(JSON.stringify(health))).toHaveLength(jobs.length);
  });
});
