// RetentionScheduler: an interval loop (with jitter) that runs the lifecycle
// tasks that are due (see lifecycle-tasks.ts). On a server, each task runs
// under a session advisory lock and only when the shared run log says it is
// due, so in a fleet each pass runs once per interval, in whichever process
// gets there first. A failing task is logged, recorded in the run log and in
// `failures`, never swallowed; the loop goes on. stop() waits for the pass in
// flight (the task running finishes; the rest of that pass is skipped).

import os from 'node:os';
import type { Queryable } from '@ag/storage-core';
import type { RetentionManager } from '../retention-manager.js';
import type { SchedulerPolicy } from '../retention-policies.js';
import { lifecycleTasks, type LifecycleTask } from './lifecycle-tasks.js';
import { isDue, recordRunEnd, recordRunStart } from './run-log.js';

export interface RetentionSchedulerOptions {
  /** Time between passes (default: retention.scheduler_interval_sec). */
  intervalMs?: number;
  /** Up to this much is added to each wait, at random (default: retention.scheduler_jitter_sec). */
  jitterMs?: number;
  /** Default: retention.retention_interval_hours. */
  retentionIntervalMs?: number;
  /** Default: retention.rollup_refresh_interval_minutes. */
  rollupRefreshIntervalMs?: number;
  /** This process in the run log (default host:pid). */
  runner?: string;
  /** Source of randomness for the jitter (default Math.random). */
  random?: () => number;
  /** Called after every task, run or skipped. */
  onTaskRun?: (run: TaskRun) => void;
}

export interface TaskRun {
  task: string;
  status: 'succeeded' | 'failed' | 'skipped';
  /** Why a task was skipped: not due yet, or another process holds it. */
  reason: 'not due' | 'running elsewhere' | 'stopping' | null;
  startedAt: Date;
  finishedAt: Date;
  error: Error | null;
  report: unknown;
}

export interface SchedulerStatus {
  running: boolean;
  lastRun: TaskRun | null;
  nextRun: Date | null;
  failures: TaskRun[];
}

/** Session advisory locks of the scheduler: (this, hashtext(task)). */
export const SCHEDULER_LOCK_CLASS = 0x61675363; // 'agSc'
const MAX_FAILURES_KEPT = 100;

export class RetentionScheduler {
  private readonly intervals: SchedulerPolicy;
  private readonly runner: string;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<TaskRun[]> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopping = false;
  private aligned = false;
  private next: Date | null = null;
  private last: TaskRun | null = null;
  private readonly failed: TaskRun[] = [];

  constructor(
    readonly manager: RetentionManager,
    private readonly options: RetentionSchedulerOptions = {},
  ) {
    const configured = manager.policies.scheduler;
    this.intervals = {
      intervalMs: options.intervalMs ?? configured.intervalMs,
      jitterMs: options.jitterMs ?? configured.jitterMs,
      retentionIntervalMs: options.retentionIntervalMs ?? configured.retentionIntervalMs,
      rollupRefreshIntervalMs: options.rollupRefreshIntervalMs ?? configured.rollupRefreshIntervalMs,
    };
    this.runner = options.runner ?? `${os.hostname()}:${process.pid}`;
    this.random = options.random ?? Math.random;
  }

  /** Starts the loop; the first pass runs after at most one jitter. The timer does not keep the process alive. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    this.stopping = false;
    this.schedule(this.jitter());
    return this;
  }

  /** Stops the loop and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.next = null;
    await this.inFlight?.catch(() => undefined);
    await this.chain.catch(() => undefined);
  }

  /** Runs every task that is due now, one after the other (passes never overlap in one process). */
  runDueTasks(): Promise<TaskRun[]> {
    const pass = this.chain.then(() => this.pass());
    this.chain = pass.catch(() => undefined);
    return pass;
  }

  get lastRun(): TaskRun | null {
    return this.last;
  }

  get nextRun(): Date | null {
    return this.next;
  }

  /** Failed tasks, oldest first (the last 100). */
  get failures(): TaskRun[] {
    return [...this.failed];
  }

  get running(): boolean {
    return this.started;
  }

  status(): SchedulerStatus {
    return { running: this.started, lastRun: this.last, nextRun: this.next, failures: this.failures };
  }

  private schedule(delayMs: number): void {
    this.next = new Date(Date.now() + delayMs);
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.inFlight = this.runDueTasks();
    this.inFlight
      .catch((error: unknown) => this.manager.storage.logger.error({ err: error }, 'lifecycle scheduler pass failed'))
      .finally(() => {
        this.inFlight = undefined;
        if (this.started && !this.stopping) this.schedule(this.intervals.intervalMs + this.jitter());
      });
  }

  private jitter(): number {
    return Math.floor(this.random() * this.intervals.jitterMs);
  }

  private async pass(): Promise<TaskRun[]> {
    const runs: TaskRun[] = [];
    const record = (run: TaskRun) => {
      runs.push(run);
      if (run.status !== 'skipped') this.last = run;
      if (run.status === 'failed') {
        this.failed.push(run);
        if (this.failed.length > MAX_FAILURES_KEPT) this.failed.shift();
      }
      this.options.onTaskRun?.(run);
    };
    // The first pass aligns the TimescaleDB policies with the configuration (retried until it succeeds).
    if (!this.aligned) {
      const aligned = await this.attempt('policy-alignment', () => this.manager.alignPolicies());
      if (aligned.status === 'failed') record(aligned);
      this.aligned = aligned.status === 'succeeded';
    }
    let tasks: LifecycleTask[] = [];
    const listed = await this.attempt('scheduler', async () => (tasks = await lifecycleTasks(this.manager, this.intervals)));
    if (listed.status === 'failed') record(listed);
    for (const task of tasks) record(this.stopping ? skipped(task, 'stopping') : await this.runTask(task));
    return runs;
  }

  /** Runs a step that is not a recorded task; a failure is reported like a task's. */
  private async attempt(name: string, step: () => Promise<unknown>): Promise<TaskRun> {
    const startedAt = new Date();
    try {
      const report = await step();
      return { task: name, status: 'succeeded', reason: null, startedAt, finishedAt: new Date(), error: null, report };
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.manager.storage.logger.error({ task: name, err: error }, `lifecycle scheduler: ${name} failed`);
      return { task: name, status: 'failed', reason: null, startedAt, finishedAt: new Date(), error, report: null };
    }
  }

  /** Under a session advisory lock where the engine has them; else one process owns the database and no lock is needed. */
  private runTask(task: LifecycleTask): Promise<TaskRun> {
    const { engine } = this.manager.storage;
    if (!engine.traits.advisoryLocks) return this.runIfDue(engine, task);
    return engine.withSession(async (session) => {
      const { rows } = await session.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, [
        SCHEDULER_LOCK_CLASS,
        task.name,
      ]);
      if (!rows[0]?.locked) return skipped(task, 'running elsewhere');
      try {
        return await this.runIfDue(session, task);
      } finally {
        await session.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [SCHEDULER_LOCK_CLASS, task.name]);
      }
    });
  }

  private async runIfDue(log: Queryable, task: LifecycleTask): Promise<TaskRun> {
    if (!(await isDue(log, task.name, task.intervalMs))) return skipped(task, 'not due');
    const startedAt = new Date();
    const id = await recordRunStart(log, task.name, this.runner);
    const logger = this.manager.storage.logger;
    try {
      const report = await task.run();
      await recordRunEnd(log, id, 'succeeded', null, summarize(report));
      logger.debug({ task: task.name }, `${task.label}: done`);
      return { task: task.name, status: 'succeeded', reason: null, startedAt, finishedAt: new Date(), error: null, report };
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      await recordRunEnd(log, id, 'failed', error.message, null).catch(() => undefined);
      logger.error({ task: task.name, err: error }, `${task.label}: failed`);
      return { task: task.name, status: 'failed', reason: null, startedAt, finishedAt: new Date(), error, report: null };
    }
  }
}

function skipped(task: LifecycleTask, reason: NonNullable<TaskRun['reason']>): TaskRun {
  const now = new Date();
  return { task: task.name, status: 'skipped', reason, startedAt: now, finishedAt: now, error: null, report: null };
}

/** Reports go to the run log as JSON; large ones are cut to their headline numbers. */
function summarize(report: unknown): unknown {
  try {
    const text = JSON.stringify(report ?? null);
    return text.length > 100_000 ? { truncated: true } : JSON.parse(text);
  } catch {
    return null;
  }
}
