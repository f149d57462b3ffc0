// RetentionScheduler: runs what is due on each engine (the TimescaleDB jobs
// themselves on the embedded engine), records every pass, reports a failing
// job instead of hiding it, stops cleanly after the pass in flight, and, on a
// server, runs each pass once across processes.

import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireCapability, requireNoCapability, requireTrait, type TestStorage } from '@ag/storage-testing';
import { RetentionManager, RetentionScheduler, type TaskRun } from '../src/index.js';
import { buildLifecycleData, insertLifecycleData, testNow } from './fixtures/lifecycle-data.js';

const HOUR = 3_600_000;
const here = path.dirname(fileURLToPath(import.meta.url));

describeEachEngine('RetentionScheduler', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let scheduler: RetentionScheduler | undefined;
  const temporary: string[] = [];

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await insertLifecycleData(storage, buildLifecycleData(testNow()));
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await storage.execute(`DELETE FROM ag_storage.lifecycle_runs`);
  });
  afterAll(async () => {
    await storage?.close();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  const runLog = () =>
    storage.query<{ task: string; status: string; error: string | null; finished_at: Date | null }>(
      `SELECT task, status, error, finished_at FROM ag_storage.lifecycle_runs ORDER BY id`,
    );

  it('runs every task that is due and records each in the run log', async () => {
    scheduler = new RetentionScheduler(new RetentionManager(storage), { runner: 'test' });
    const runs = await scheduler.runDueTasks();
    expect(runs.map((r) => [r.task, r.status])).toEqual(runs.map((r) => [r.task, 'succeeded']));
    expect(runs.map((r) => r.task)).toEqual(expect.arrayContaining(['rollup-refresh', 'retention']));
    expect((await runLog()).map((r) => [r.task, r.status])).toEqual(runs.map((r) => [r.task, 'succeeded']));
    expect(scheduler.lastRun?.task).toBe('retention');
  }, 240_000); // the embedded engine runs every policy job in process (about 100 s since the tick tables got policies)

  it('skips tasks that ran less than an interval ago, whoever ran them', async () => {
    await new RetentionScheduler(new RetentionManager(storage), { runner: 'other process' }).runDueTasks();
    scheduler = new RetentionScheduler(new RetentionManager(storage), { runner: 'test' });
    const runs = await scheduler.runDueTasks();
    expect(runs.map((r) => [r.status, r.reason])).toEqual(runs.map(() => ['skipped', 'not due']));
  });

  it('runs the due TimescaleDB policy jobs itself where the engine has the job API but no background workers', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'jobs');
    requireNoCapability(ctx, storage.capabilities, 'backgroundWorkers');
    const jobs = await storage.query<{ job_id: number }>(`SELECT job_id FROM timescaledb_information.jobs WHERE job_id >= 1000 AND scheduled ORDER BY job_id`);
    scheduler = new RetentionScheduler(new RetentionManager(storage), { runner: 'test' });
    const runs = await scheduler.runDueTasks();
    expect(runs.filter((r) => r.task.startsWith('timescaledb-job:')).map((r) => [r.task, r.status]).sort()).toEqual(
      jobs.map((j) => [`timescaledb-job:${j.job_id}`, 'succeeded']).sort(),
    );
    const compressed = await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE is_compressed`);
    expect(compressed[0]?.n).toBeGreaterThan(0);
  });

  it('reports a failing job, with its error, and still runs the others', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'jobs');
    requireNoCapability(ctx, storage.capabilities, 'backgroundWorkers');
    await storage.execute(
      `CREATE OR REPLACE PROCEDURE public.ag_test_failing_job(job_id int, config jsonb) LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'disk quota exceeded (test)'; END $$`,
    );
    const [{ id }] = (await storage.query<{ id: number }>(`SELECT add_job('public.ag_test_failing_job', '1 hour') AS id`)) as [{ id: number }];
    try {
      scheduler = new RetentionScheduler(new RetentionManager(storage), { runner: 'test' });
      const runs = await scheduler.runDueTasks();
      const failed = runs.find((r) => r.task === `timescaledb-job:${id}`);
      expect(failed?.status).toBe('failed');
      expect(failed?.error?.message).toContain('disk quota exceeded (test)');
      expect(scheduler.failures.map((f) => f.task)).toEqual([`timescaledb-job:${id}`]);
      expect(runs.filter((r) => r.task !== failed?.task).every((r) => r.status === 'succeeded')).toBe(true);
      const logged = (await runLog()).find((r) => r.task === `timescaledb-job:${id}`);
      expect(logged).toMatchObject({ status: 'failed' });
      expect(logged?.error).toContain('disk quota exceeded (test)');
    } finally {
      await storage.query(`SELECT delete_job($1)`, [id]);
    }
  });

  it('reports a failing retention pass, with its error, and still runs the other tasks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-scheduler-'));
    temporary.push(dir);
    const notADirectory = path.join(dir, 'archive');
    writeFileSync(notADirectory, 'a file where the archive directory should be');
    const manager = new RetentionManager(storage, { archive_enabled: true, archive_directory: notADirectory });
    const countBefore = await storage.query(`SELECT count(*)::int AS n FROM metric_points`);
    scheduler = new RetentionScheduler(manager, { runner: 'test' });
    const runs = await scheduler.runDueTasks();
    const libraryTask = (task: string) => !task.startsWith('timescaledb-job:');
    expect(runs.filter((r) => libraryTask(r.task)).map((r) => [r.task, r.status])).toEqual([
      ['rollup-refresh', 'succeeded'],
      ['retention', 'failed'],
    ]);
    expect(scheduler.failures.map((f) => f.task)).toEqual(['retention']);
    expect(scheduler.failures[0]?.error?.message).toMatch(/EEXIST|ENOTDIR|not a directory|exists/i);
    expect((await runLog()).filter((r) => libraryTask(r.task)).map((r) => [r.task, r.status])).toEqual([
      ['rollup-refresh', 'succeeded'],
      ['retention', 'failed'],
    ]);
    expect(await storage.query(`SELECT count(*)::int AS n FROM metric_points`)).toEqual(countBefore);
  });

  it('stop() waits for the pass in flight, which finishes its task and skips the rest', async () => {
    const seen: TaskRun[] = [];
    let stopped: Promise<void> | undefined;
    scheduler = new RetentionScheduler(new RetentionManager(storage), {
      runner: 'test',
      intervalMs: 10,
      jitterMs: 0,
      onTaskRun: (run) => {
        seen.push(run);
        stopped ??= scheduler!.stop();
      },
    });
    scheduler.start();
    await expect.poll(() => stopped !== undefined, { timeout: 30_000 }).toBe(true);
    await stopped;
    const log = await runLog();
    expect(log.every((r) => r.status !== 'running' && r.finished_at !== null)).toBe(true);
    expect(seen.slice(1).every((r) => r.status === 'skipped' && r.reason === 'stopping')).toBe(true);
    expect(log).toHaveLength(1);
    expect([scheduler.running, scheduler.nextRun]).toEqual([false, null]);
  });

  it('schedules the next pass one interval plus jitter away, and exposes it', async () => {
    scheduler = new RetentionScheduler(new RetentionManager(storage), { runner: 'test', intervalMs: HOUR, jitterMs: 1000, random: () => 0.5 });
    const before = Date.now();
    scheduler.start();
    const next = scheduler.nextRun!.getTime();
    expect(next).toBeGreaterThanOrEqual(before + 500);
    expect(next).toBeLessThanOrEqual(Date.now() + 500);
    expect(scheduler.running).toBe(true);
  });

  it('runs each pass once when two processes schedule it at the same time', async (ctx) => {
    requireTrait(ctx, storage.engine.traits, 'sharedAcrossProcesses');
    const passEveryMs = 1500;
    const child = (runner: string) =>
      promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(here, 'fixtures/scheduler-process.ts'), storage.url, runner, '5000', String(passEveryMs)], {
        cwd: path.join(here, '..'),
        timeout: 60_000,
      });
    const [a, b] = await Promise.all([child('process-a'), child('process-b')]);
    const outputs = [a, b].map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!) as { succeeded: number; failed: number; skipped: number });
    expect(outputs.map((o) => o.failed)).toEqual([0, 0]);
    const runs = await storage.query<{ task: string; runner: string; started_at: Date; finished_at: Date; status: string }>(
      `SELECT task, runner, started_at, finished_at, status FROM ag_storage.lifecycle_runs ORDER BY task, started_at`,
    );
    expect(outputs[0]!.succeeded + outputs[1]!.succeeded).toBe(runs.length);
    for (const task of ['retention', 'rollup-refresh']) {
      const mine = runs.filter((r) => r.task === task);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < mine.length; i += 1) {
        // Never two passes within one interval, and never overlapping.
        expect(mine[i]!.started_at.getTime() - mine[i - 1]!.started_at.getTime()).toBeGreaterThanOrEqual(passEveryMs);
        expect(mine[i]!.started_at.getTime()).toBeGreaterThanOrEqual(mine[i - 1]!.finished_at.getTime());
      }
    }
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });
});
