// ag_storage.lifecycle_runs: what each scheduler pass did, shared by every
// process using the database. A pass is due when the last one of the same
// task started at least one interval ago (by the database clock), so
// processes whose clocks differ still agree.

import type { Queryable } from '@ag/storage-core';

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface LifecycleRun {
  id: number;
  task: string;
  runner: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: RunStatus;
  error: string | null;
}

const IS_DUE = `
SELECT coalesce(max(started_at) <= now() - make_interval(secs => $2), true) AS due, now() AS now
  FROM ag_storage.lifecycle_runs WHERE task = $1`;

export async function isDue(db: Queryable, task: string, intervalMs: number): Promise<boolean> {
  const { rows } = await db.query<{ due: boolean }>(IS_DUE, [task, intervalMs / 1000]);
  return rows[0]?.due ?? true;
}

export async function recordRunStart(db: Queryable, task: string, runner: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ag_storage.lifecycle_runs (task, runner, status) VALUES ($1, $2, 'running') RETURNING id`,
    [task, runner],
  );
  return Number(rows[0]?.id);
}

export async function recordRunEnd(db: Queryable, id: number, status: Exclude<RunStatus, 'running'>, error: string | null, report: unknown): Promise<void> {
  await db.query(
    `UPDATE ag_storage.lifecycle_runs SET finished_at = now(), status = $2, error = $3, report = $4::jsonb WHERE id = $1`,
    [id, status, error, report === undefined ? null : JSON.stringify(report)],
  );
}

export async function listRuns(db: Queryable, task?: string, limit = 100): Promise<LifecycleRun[]> {
  const { rows } = await db.query<{
    id: number;
    task: string;
    runner: string;
    started_at: Date;
    finished_at: Date | null;
    status: RunStatus;
    error: string | null;
  }>(
    `SELECT id, task, runner, started_at, finished_at, status, error FROM ag_storage.lifecycle_runs
      WHERE $1::text IS NULL OR task = $1 ORDER BY started_at DESC, id DESC LIMIT $2`,
    [task ?? null, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    task: r.task,
    runner: r.runner,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
  }));
}

/** Forgets runs older than `keepDays` (called by the retention pass). */
export async function pruneRuns(db: Queryable, keepDays: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM ag_storage.lifecycle_runs WHERE started_at < now() - make_interval(days => $1)`, [keepDays]);
  return rowCount;
}
