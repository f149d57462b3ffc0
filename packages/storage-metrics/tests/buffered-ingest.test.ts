// The buffered pipeline on every engine: everything accepted becomes visible
// after flushBuffer / close, also when producers outran the database;
// backpressure waits and then rejects; failures injected in the database are
// retried (retryable) or dead-lettered (not retryable), never doubled.

import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { BackpressureError, ClosedError, createLogger, StorageError, ValidationError, type StorageConfig } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { StorageEngine, type FlushEvent, type MetricPoint, type StorageEngineOptions } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 1);
// The injected failures are logged as warnings and errors; keep test output readable.
const silent = createLogger({ level: 'silent' });

const INSTALL_FAILURE = (sqlState: string, times: number) => `
CREATE SEQUENCE IF NOT EXISTS injected_failures;
CREATE OR REPLACE FUNCTION fail_metric_writes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('injected_failures') <= ${times} THEN
    RAISE EXCEPTION 'injected failure' USING ERRCODE = '${sqlState}';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fail_metric_writes BEFORE INSERT ON metric_points FOR EACH STATEMENT EXECUTE FUNCTION fail_metric_writes();`;
const REMOVE_FAILURE = `DROP TRIGGER IF EXISTS fail_metric_writes ON metric_points; DROP SEQUENCE IF EXISTS injected_failures;`;

describeEachEngine('buffered ingest', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const engines: StorageEngine[] = [];
  const open = (ingestion: Partial<StorageConfig['ingestion']>, options: StorageEngineOptions = {}) => {
    const created = new StorageEngine(storage, { ...options, ingestion: { retry_initial_delay_ms: 5, retry_max_delay_ms: 20, ...ingestion } });
    engines.push(created);
    return created;
  };
  const stored = async (name: string) =>
    storage.query<{ value: number }>(
      `SELECT p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = $1 ORDER BY p.value`,
      [name],
    );
  const point = (name: string, i: number) => ({ name, value: i, timestamp: T0 + i * 1000, labels: { k: String(i % 3) } });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  /** Holds a lock that blocks every write to metric_points until the returned function is called. */
  async function blockWrites(): Promise<() => Promise<void>> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = storage.transaction(async (tx) => {
      await tx.query('LOCK TABLE metric_points IN EXCLUSIVE MODE');
      locked();
      await gate;
    });
    await isLocked;
    return async () => {
      release();
      await holder;
    };
  }

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => {
    for (const e of engines) await e.close().catch(() => undefined);
    await storage?.close();
  });
  beforeEach(async () => {
    await storage.engine.exec(REMOVE_FAILURE);
  });

  it('makes every buffered point visible after flushBuffer', async () => {
    const metrics = open({ batch_size: 100, flush_interval_ms: 10_000 });
    for (const i of range(250)) await metrics.bufferMetric(point('flushed', i));
    // Full batches may already be written; the flush writes (at least) the rest.
    expect(await metrics.flushBuffer()).toBeGreaterThanOrEqual(50);
    expect((await stored('flushed')).map((r) => r.value)).toEqual(range(250));
  });

  it('writes a partial batch once flush_interval_ms has passed, without an explicit flush', async () => {
    const metrics = open({ batch_size: 1000, flush_interval_ms: 20 });
    for (const i of range(5)) await metrics.bufferMetric(point('interval', i));
    await vi.waitFor(async () => expect(await stored('interval')).toHaveLength(5), { timeout: 10_000, interval: 20 });
  });

  it('lets the event loop turn while a producer awaits each bufferMetric, so batches are written meanwhile', async () => {
    const metrics = open({ batch_size: 500, max_buffer_size: 100_000, flush_interval_ms: 60_000 });
    let turns = 0;
    const countTurns = () => {
      turns += 1;
      if (!stop) setImmediate(countTurns);
    };
    let stop = false;
    setImmediate(countTurns);
    let flushesWhileProducing = 0;
    for (const i of range(20_000)) {
      await metrics.bufferMetric(point('turns', i));
      if (i === 19_999) flushesWhileProducing = metrics.stats().flushes;
    }
    stop = true;
    // 20,000 awaited calls give the loop about 20,000 / 256 turns; without them, none.
    expect(turns).toBeGreaterThanOrEqual(20);
    expect(flushesWhileProducing).toBeGreaterThan(0);
    await metrics.flushBuffer();
    expect(await stored('turns')).toHaveLength(20_000);
  });

  it('makes producers wait while the buffer is full, then writes all of their points', async () => {
    const metrics = open({ batch_size: 10, max_buffer_size: 20, flush_interval_ms: 5, backpressure_timeout_ms: 60_000 });
    const release = await blockWrites();
    const producers = range(100).map((i) => metrics.bufferMetric(point('backpressure', i)));
    await vi.waitFor(() => expect(metrics.stats().waitingProducers).toBe(80), { timeout: 10_000 });
    expect(metrics.stats().bufferDepth).toBe(20);
    await release();
    await Promise.all(producers);
    await metrics.flushBuffer();
    expect((await stored('backpressure')).map((r) => r.value)).toEqual(range(100));
    expect(metrics.stats()).toMatchObject({ accepted: 100, written: 100, bufferDepth: 0, waitingProducers: 0 });
  });

  it('rejects with BackpressureError after backpressure_timeout_ms, keeping what it accepted', async () => {
    const metrics = open({ batch_size: 10, max_buffer_size: 20, flush_interval_ms: 5, backpressure_timeout_ms: 50 });
    const release = await blockWrites();
    for (const i of range(20)) await metrics.bufferMetric(point('rejected', i));
    const error = await metrics.bufferMetric(point('rejected', 20)).catch((e: unknown) => e);
    await release();
    expect(error).toBeInstanceOf(BackpressureError);
    expect((error as BackpressureError).retryable).toBe(true);
    await metrics.flushBuffer();
    expect((await stored('rejected')).map((r) => r.value)).toEqual(range(20));
    expect(metrics.stats().backpressureRejections).toBe(1);
  });

  it('flushes everything on close, including producers that were waiting for room', async () => {
    const metrics = open({ batch_size: 10, max_buffer_size: 20, flush_interval_ms: 10_000, backpressure_timeout_ms: 60_000 });
    const release = await blockWrites();
    const producers = range(60).map((i) => metrics.bufferMetric(point('closing', i)));
    await vi.waitFor(() => expect(metrics.stats().waitingProducers).toBe(40), { timeout: 10_000 });
    const closed = metrics.close();
    await release();
    await Promise.all([closed, ...producers]);
    expect((await stored('closing')).map((r) => r.value)).toEqual(range(60));
  });

  it('refuses points after close at once, with core\'s non-retryable ClosedError (code CLOSED)', async () => {
    const metrics = open({});
    await metrics.close();
    for (const attempt of [() => metrics.bufferMetric(point('after.close', 1)), () => metrics.insertMetric(point('after.close', 2))]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ClosedError);
      expect([(error as ClosedError).code, (error as ClosedError).retryable]).toEqual(['CLOSED', false]);
    }
    expect(await stored('after.close')).toEqual([]);
  });

  it('rejects an invalid point at bufferMetric time and never buffers it', async () => {
    const metrics = open({});
    await expect(metrics.bufferMetric({ name: 'bad', value: Number.NaN })).rejects.toMatchObject({ field: 'point.value' });
    await expect(metrics.bufferMetrics([point('bad', 1), { name: 'bad', value: 'x' as never }])).rejects.toMatchObject({
      field: 'points[1].value',
    });
    expect(metrics.stats()).toMatchObject({ accepted: 0, bufferDepth: 0 });
    expect(await metrics.flushBuffer()).toBe(0);
    expect(await stored('bad')).toEqual([]);
  });

  it('retries a retryable failure until the batch is written, once', async () => {
    await storage.engine.exec(INSTALL_FAILURE('40001', 3));
    const metrics = open({ batch_size: 1000, flush_interval_ms: 10_000 }, { logger: silent });
    await metrics.bufferMetrics(range(50).map((i) => point('retried', i)));
    expect(await metrics.flushBuffer()).toBe(50);
    expect((await stored('retried')).map((r) => r.value)).toEqual(range(50));
    expect(metrics.stats()).toMatchObject({ failedFlushes: 3, written: 50, duplicates: 0, deadLettered: 0 });
  });

  it('reports every flush attempt to onFlush listeners: latency, rows and outcome', async () => {
    await storage.engine.exec(INSTALL_FAILURE('40001', 2));
    const metrics = open({ batch_size: 20, flush_interval_ms: 10_000 }, { logger: silent });
    const events: FlushEvent[] = [];
    const unsubscribe = metrics.onFlush((event) => events.push(event));
    await metrics.bufferMetrics(range(50).map((i) => point('hooked', i)));
    expect(await metrics.flushBuffer()).toBe(50);
    expect(events.filter((e) => e.outcome === 'retrying').map((e) => e.error?.retryable)).toEqual([true, true]);
    const written = events.filter((e) => e.outcome === 'written');
    expect(written.map((e) => e.rows).sort((a, b) => a - b)).toEqual([10, 20, 20]);
    expect(written.reduce((sum, e) => sum + e.inserted, 0)).toBe(50);
    expect(events.every((e) => e.latencyMs >= 0)).toBe(true);
    unsubscribe();
    await metrics.bufferMetric(point('hooked', 99));
    await metrics.flushBuffer();
    expect(events).toHaveLength(5);
  });

  it('dead-letters a batch the database refuses for good, and keeps going', async () => {
    await storage.engine.exec(INSTALL_FAILURE('P0001', 1_000_000));
    const deadLetters: MetricPoint[][] = [];
    const metrics = open({ batch_size: 1000, flush_interval_ms: 10_000 }, { onDeadLetter: (points) => deadLetters.push(points), logger: silent });
    await metrics.bufferMetrics(range(5).map((i) => point('refused', i)));
    const error = await metrics.flushBuffer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.map((p) => [p.value, p.timestamp.getTime(), p.labels])).toEqual(
      range(5).map((i) => [i, T0 + i * 1000, { k: String(i % 3) }]),
    );
    expect(metrics.stats()).toMatchObject({ deadLettered: 5, failedFlushes: 1, bufferDepth: 0 });
    await storage.engine.exec(REMOVE_FAILURE);
    await metrics.bufferMetric(point('refused', 99));
    expect(await metrics.flushBuffer()).toBe(1);
    expect(await stored('refused')).toEqual([{ value: 99 }]);
  });

  it('counts re-buffered points that are already stored as duplicates', async () => {
    const metrics = open({ batch_size: 1000, flush_interval_ms: 10_000 });
    await metrics.bufferMetrics(range(30).map((i) => point('rebuffered', i)));
    await metrics.flushBuffer();
    await metrics.bufferMetrics(range(40).map((i) => point('rebuffered', i)));
    expect(await metrics.flushBuffer()).toBe(40);
    expect(metrics.stats()).toMatchObject({ accepted: 70, written: 40, duplicates: 30 });
    expect(await stored('rebuffered')).toHaveLength(40);
  });
});
