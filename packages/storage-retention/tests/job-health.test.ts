// Judging the health of a job the server's TimescaleDB scheduler runs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeJob, type TimescaleJob } from '../src/index.js';

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
