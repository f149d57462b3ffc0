// The crash-safety promise of the spool, end to end: a child process ingests
// with the spool on and is SIGKILLed mid-ingest; a new StorageEngine on the
// same spool directory replays what it left. Every acknowledged point is then
// stored, none twice, and none that was never produced.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { createStorage, type Storage } from '@ag/storage-core';
import { createTestDatabaseUrl, describeEachEngine } from '@ag/storage-testing';
import { StorageEngine } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const INGEST_FOR_MS = 2500;

interface ChildProgress {
  sent: number;
  acknowledged: number;
}

/** Runs the ingesting child until it has acknowledged points for INGEST_FOR_MS, then SIGKILLs it. */
async function ingestAndKill(url: string, spoolDirectory: string): Promise<ChildProgress> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(here, 'fixtures/spool-ingest-process.ts'), url, spoolDirectory], {
    cwd: path.join(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const progress: ChildProgress = { sent: 0, acknowledged: 0 };
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let firstAckAt: number | undefined;
    const giveUp = setTimeout(() => reject(new Error(`the ingesting child made no progress: ${stderr}`)), 45_000);
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'sent') progress.sent = Number(n);
        if (word === 'ack') progress.acknowledged = Number(n);
      }
      if (progress.acknowledged > 0) firstAckAt ??= Date.now();
      if (firstAckAt !== undefined && Date.now() - firstAckAt >= INGEST_FOR_MS) {
        // Kill at once, mid-ingest: what was acknowledged so far is what counts.
        child.kill('SIGKILL');
        clearTimeout(giveUp);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(giveUp);
      if (firstAckAt === undefined || Date.now() - firstAckAt < INGEST_FOR_MS) reject(new Error(`the ingesting child exited early: ${stderr}`));
    });
  });
  expect(await exited).toBe('SIGKILL');
  return progress;
}

async function storedFigures(storage: Storage) {
  const [row] = await storage.query<{ points: number; distinct_values: number; distinct_keys: number; max_value: number }>(
    `SELECT count(*)::int AS points, count(DISTINCT p.value)::int AS distinct_values,
            count(DISTINCT (p.series_id, p.time))::int AS distinct_keys, coalesce(max(p.value), -1)::float8 AS max_value
       FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = $1`,
    ['crash.ingest'],
  );
  return row!;
}

describeEachEngine('spool survives SIGKILL', ({ engine, adminUrl }) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stores every acknowledged point exactly once after a SIGKILL and a restart', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'ag-spool-kill-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    const spoolDirectory = path.join(work, 'spool');

    // A database the child can open and own until it is killed (on disk for the embedded engine).
    const database = await createTestDatabaseUrl({ engine, adminUrl });
    cleanups.push(() => database.drop());
    const url = database.url;

    const progress = await ingestAndKill(url, spoolDirectory);
    expect(progress.acknowledged).toBeGreaterThan(0);
    const left = (await readdir(spoolDirectory)).filter((name) => name.endsWith('.spool'));
    expect(left.length).toBeGreaterThan(0);

    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    cleanups.push(() => storage.close());
    const before = await storedFigures(storage);
    const metrics = new StorageEngine(storage, { ingestion: { spool_directory: spoolDirectory } });
    await metrics.flushBuffer();
    const stats = metrics.stats();
    await metrics.close();

    const after = await storedFigures(storage);
    const [acknowledgedStored] = await storage.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id
        WHERE s.metric_name = 'crash.ingest' AND p.value < $1`,
      [progress.acknowledged],
    );
    // Every acknowledged point is stored ...
    expect(acknowledgedStored!.n).toBe(progress.acknowledged);
    // ... none twice, and nothing that was never produced.
    expect(after.points).toBe(after.distinct_values);
    expect(after.points).toBe(after.distinct_keys);
    expect(after.max_value).toBeLessThan(progress.sent);
    // The replay wrote what the killed process had not, and counted the rest as duplicates.
    expect(stats.replayedPoints).toBeGreaterThan(0);
    expect(after.points - before.points).toBe(stats.written);
    expect(stats.written + stats.duplicates).toBe(stats.replayedPoints);
    // Replayed segments are gone, and so is the lock.
    expect(await readdir(spoolDirectory)).toEqual([]);
    console.info(
      `[${engine}] SIGKILL after ${progress.acknowledged} acknowledged (${progress.sent} sent): ${before.points} stored before replay, ` +
        `${stats.replayedPoints} replayed from ${stats.replayedSegments} segment(s) = ${stats.written} new + ${stats.duplicates} duplicates; ${after.points} stored`,
    );
  }, 90_000);
});
