// The crash-safe spool on every engine: off by default; an acknowledged
// point is on disk (with the timestamp it was acknowledged with) before it is
// written; segments are deleted once written; segments an earlier process
// left are replayed oldest first, damaged records skipped with a warning,
// duplicates counted and not doubled; one process per spool directory.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createLogger, StorageError, type StorageConfig } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { decodeSegment, SEGMENT_MAGIC, segmentFileName, SpoolRecordBuffer } from '@ag/storage-core';
import { pointSpoolCodec } from '../src/ingest/point-spool-codec.js';
import type { NormalizedPoint } from '../src/metric-point.js';
import { StorageEngine } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 2);

const normalized = (name: string, venue: string, timeMs: number, value: number): NormalizedPoint => {
  const labelsJson = JSON.stringify({ venue });
  return { name, labelsJson, seriesKey: `${name}\u0000${labelsJson}`, timeMs, value };
};

/** Writes a segment file as an earlier process would have; `damage` flips a byte inside record `damage`. */
async function writeSegment(directory: string, number: number, records: NormalizedPoint[][], damage?: number): Promise<void> {
  const buffer = new SpoolRecordBuffer(pointSpoolCodec);
  const starts: number[] = [];
  let at = SEGMENT_MAGIC.length;
  for (const record of records) {
    starts.push(at);
    at += buffer.append(record);
  }
  const file = Buffer.concat([SEGMENT_MAGIC, buffer.take()]);
  if (damage !== undefined) file.writeUInt8(file.readUInt8(starts[damage]! + 14) ^ 0xff, starts[damage]! + 14);
  await writeFile(path.join(directory, segmentFileName(number)), file);
}

describeEachEngine('metrics spool', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let directory: string;
  const engines: StorageEngine[] = [];
  const open = (ingestion: Partial<StorageConfig['ingestion']> = {}, logger = createLogger({ level: 'silent' })) => {
    const created = new StorageEngine(storage, { logger, ingestion: { spool_directory: directory, ...ingestion } });
    engines.push(created);
    return created;
  };
  const stored = (name: string) =>
    storage.query<{ time: Date; value: number; venue: string }>(
      `SELECT p.time, p.value, s.labels->>'venue' AS venue FROM metric_points p JOIN metric_series s ON s.id = p.series_id
        WHERE s.metric_name = $1 ORDER BY p.time, venue`,
      [name],
    );
  const spoolFiles = async () => (await readdir(directory)).filter((name) => name.endsWith('.spool'));

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => {
    await storage?.close();
  });
  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'ag-spool-'));
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  });

  it('is off by default', async () => {
    const metrics = new StorageEngine(storage);
    engines.push(metrics);
    await metrics.bufferMetric({ name: 'spool.off', value: 1 });
    await metrics.flushBuffer();
    expect(metrics.stats()).toMatchObject({ spooledPoints: 0, spoolFsyncs: 0, spooledSegments: 0 });
  });

  it('has an acknowledged point on disk, with the timestamp it was acknowledged with, before it is written', async () => {
    // A flush interval far away: nothing reaches the database until flushBuffer.
    const metrics = open({ flush_interval_ms: 600_000, batch_size: 1000 });
    const before = Date.now();
    await metrics.bufferMetric({ name: 'spool.ack', value: 42, labels: { venue: 'binance' } });
    const after = Date.now();
    expect(await stored('spool.ack')).toEqual([]);
    const [file] = await spoolFiles();
    const onDisk = decodeSegment(await readFile(path.join(directory, file!)), pointSpoolCodec).items;
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]).toMatchObject({ name: 'spool.ack', labelsJson: '{"venue":"binance"}', value: 42 });
    expect(onDisk[0]!.timeMs).toBeGreaterThanOrEqual(before);
    expect(onDisk[0]!.timeMs).toBeLessThanOrEqual(after);

    await metrics.flushBuffer();
    expect((await stored('spool.ack')).map((r) => r.time.getTime())).toEqual([onDisk[0]!.timeMs]);
    expect(metrics.stats()).toMatchObject({ spooledPoints: 1, replayedPoints: 0 });
    expect(metrics.stats().spoolFsyncs).toBeGreaterThanOrEqual(1);
  });

  it('acknowledges many concurrent producers with few fsyncs (group commit)', async () => {
    const metrics = open({ spool_fsync_interval_ms: 20 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => metrics.bufferMetric({ name: 'spool.group', value: i, timestamp: T0 + i })));
    expect(metrics.stats().spooledPoints).toBe(500);
    expect(metrics.stats().spoolFsyncs).toBeLessThanOrEqual(5);
  });

  it('deletes segments once their points are written, rotating at spool_segment_bytes, and leaves nothing after close', async () => {
    const metrics = open({ spool_segment_bytes: 4096, batch_size: 1000, flush_interval_ms: 600_000 });
    for (let from = 0; from < 950; from += 50) {
      await metrics.bufferMetrics(Array.from({ length: 50 }, (_, k) => ({ name: 'spool.rotate', value: from + k, timestamp: T0 + from + k })));
    }
    // Nothing written yet: every segment is still there.
    expect((await spoolFiles()).length).toBeGreaterThan(5);
    await metrics.flushBuffer();
    expect((await stored('spool.rotate')).length).toBe(950);
    // Segments of about 4 KiB hold ~80 points; all but the open one go once written.
    await expect.poll(async () => (await spoolFiles()).length).toBeLessThanOrEqual(1);
    await expect.poll(() => metrics.stats().spooledSegments).toBeLessThanOrEqual(1);
    await metrics.close();
    expect(await readdir(directory)).toEqual([]);
  });

  it('replays segments left by an earlier process, oldest first, counting points already stored as duplicates', async () => {
    const name = 'spool.replay';
    // The earlier process wrote a@T0 = 1 and b@T0 = 2 (b reached the database), then, later, a@T0 = 99 again and c.
    await writeSegment(directory, 7, [[normalized(name, 'a', T0, 1)], [normalized(name, 'b', T0, 2)]]);
    await writeSegment(directory, 8, [[normalized(name, 'a', T0, 99), normalized(name, 'c', T0 + 1, 3)]]);
    const direct = new StorageEngine(storage);
    await direct.insertMetric({ name, value: 2, timestamp: T0, labels: { venue: 'b' } });

    const metrics = open();
    await metrics.flushBuffer();
    // Oldest segment first: its a@T0 wins (the first point of a series and time wins).
    expect((await stored(name)).map((r) => [r.venue, r.value])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(metrics.stats()).toMatchObject({ replayedPoints: 4, replayedSegments: 2, written: 2, duplicates: 2, spooledSegments: 0 });
    expect(await spoolFiles()).toEqual([]);
  });

  it('skips a record with a bad checksum with a warning, replays the rest, and takes new points alongside', async () => {
    const name = 'spool.damaged';
    await writeSegment(directory, 1, [[normalized(name, 'a', T0, 1)], [normalized(name, 'b', T0, 2)], [normalized(name, 'c', T0, 3)]], 1);
    const lines: string[] = [];
    const metrics = open({}, createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }));
    await metrics.bufferMetric({ name, value: 4, timestamp: T0, labels: { venue: 'd' } });
    await metrics.flushBuffer();
    expect((await stored(name)).map((r) => r.venue)).toEqual(['a', 'c', 'd']);
    expect(metrics.stats()).toMatchObject({ replayedPoints: 2, spoolCorruptRecords: 1 });
    const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string; corruptRecords?: number });
    expect(logged.find((l) => l.level === 40 && l.corruptRecords === 1)?.msg).toMatch(/bad checksum/);
    expect(logged.some((l) => /replay done/.test(l.msg))).toBe(true);
  });

  it('refuses a second engine on the same spool directory, naming it', async () => {
    const first = open();
    await first.bufferMetric({ name: 'spool.lock', value: 1 });
    const second = open();
    const refused = await second.bufferMetric({ name: 'spool.lock', value: 2 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StorageError);
    expect((refused as Error).message).toContain(directory);
    expect((refused as Error).message).toMatch(/in use/);
    await first.close();
    // Released on close: a new engine may take it.
    const third = open();
    await expect(third.bufferMetric({ name: 'spool.lock', value: 3 })).resolves.toBeUndefined();
  });

  it('takes over the lock of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await writeFile(path.join(directory, 'LOCK'), `${gone}\n`);
    // What a process killed while taking the lock leaves behind.
    await writeFile(path.join(directory, `LOCK.${gone}.1700000000000`), `${gone}\n`);
    const metrics = open();
    await expect(metrics.bufferMetric({ name: 'spool.stale', value: 1 })).resolves.toBeUndefined();
    expect((await readFile(path.join(directory, 'LOCK'), 'utf8')).trim()).toBe(String(process.pid));
    expect((await readdir(directory)).filter((name) => name.startsWith('LOCK'))).toEqual(['LOCK']);
  });
});
