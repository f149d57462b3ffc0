// What the scheduler runs, per engine kind:
//   TimescaleDB server with background workers: the server runs the policy
//     jobs; the scheduler checks them (registered, last run, failures) and
//     reports unhealthy ones as failures;
//   embedded TimescaleDB (no background workers): the scheduler runs each
//     due policy job itself (CALL run_job), keeping its own bookkeeping since
//     TimescaleDB's next_start stays NULL there; refresh jobs first, then
//     compression, then retention;
//   every engine: the library's rollup-table refresh (rollup tables exist on
//     every engine: orders_daily_stats, and all rollups without TimescaleDB)
//     and the library's retention pass.

import { StorageError } from '@ag/storage-core';
import type { RetentionManager } from '../retention-manager.js';
import type { SchedulerPolicy } from '../retention-policies.js';
import { listTimescaleJobs, runTimescaleJob, type TimescaleJob } from '../timescale/timescale-jobs.js';

export interface LifecycleTask {
  name: string;
  /** Human description for logs. */
  label: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

const JOB_ORDER = ['policy_refresh_continuous_aggregate', 'policy_compression', 'policy_retention'];

export async function lifecycleTasks(manager: RetentionManager, intervals: SchedulerPolicy): Promise<LifecycleTask[]> {
  const { capabilities, engine } = manager.storage;
  const tasks: LifecycleTask[] = [];
  if (capabilities.jobs && capabilities.backgroundWorkers) {
    tasks.push({
      name: 'timescaledb-job-health',
      label: 'check the TimescaleDB jobs the server runs',
      intervalMs: intervals.intervalMs,
      run: async () => {
        const health = await manager.checkJobs();
        const unhealthy = health.filter((h) => !h.healthy);
        if (unhealthy.length) {
          throw new StorageError(`unhealthy TimescaleDB jobs: ${unhealthy.map((h) => `${h.jobId} ${h.name}: ${h.problem}`).join('; ')}`);
        }
        return health;
      },
    });
  } else if (capabilities.jobs) {
    const jobs = (await listTimescaleJobs(engine)).filter((j) => j.scheduled).sort(byJobOrder);
    for (const job of jobs) {
      tasks.push({
        name: `timescaledb-job:${job.jobId}`,
        label: job.name,
        intervalMs: Math.max(1000, job.scheduleSeconds * 1000),
        run: async () => {
          await runTimescaleJob(engine, job.jobId);
          return { jobId: job.jobId, procName: job.procName };
        },
      });
    }
  }
  tasks.push({
    name: 'rollup-refresh',
    label: 'refresh the rollup tables',
    intervalMs: intervals.rollupRefreshIntervalMs,
    run: () => manager.refreshRollups({ kind: 'table' }),
  });
  tasks.push({
    name: 'retention',
    label: 'retention pass',
    intervalMs: intervals.retentionIntervalMs,
    run: () => manager.runRetention(),
  });
  return tasks;
}

function byJobOrder(a: TimescaleJob, b: TimescaleJob): number {
  const rank = (j: TimescaleJob) => {
    const i = JOB_ORDER.indexOf(j.procName);
    return i === -1 ? JOB_ORDER.length : i;
  };
  return rank(a) - rank(b) || a.jobId - b.jobId;
}
