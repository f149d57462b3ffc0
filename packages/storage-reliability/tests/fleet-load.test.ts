// Load: a fleet of bots, each its own OS process, ingesting metrics through
// bufferMetric and writing orders, fills and positions into one PostgreSQL
// database for a bounded time, while this process runs the dashboard's
// queries (latest, range, aggregates, order history) next to them. Reports
// throughput, query latency and pool waits; asserts zero errors and that
// every acknowledged point, order and fill is stored exactly once.
// FLEET_DURATION_SEC (default 15) and FLEET_BOTS (default 4) make it longer or wider.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecutionStore } from '@ag/storage-execution';
import { StorageEngine } from '@ag/storage-metrics';
import { createTestStorage, describeEachServer, type TestStorage } from '@ag/storage-testing';
import { runFleetBot, type FleetBotExit } from './support/fleet-processes.js';
import { LatencyRecorder } from './support/latency-recorder.js';
import { printReliabilitySummary } from './support/reliability-summary.js';
import { SEQUENCE_METRIC } from './support/sequence-producers.js';
import { accountExecutions, type ExecutionAccounting } from './support/stored-executions.js';
import { accountSequences, readStoredSequences, type SequenceAccounting } from './support/stored-sequences.js';

const DURATION_MS = Number(process.env.FLEET_DURATION_SEC ?? '15') * 1000;
const BOTS = Number(process.env.FLEET_BOTS ?? '4');
const BASE_TIME_MS = Date.UTC(2026, 10, 3);

describeEachServer(`a fleet of ${BOTS} bot processes with queries alongside`, ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let exits: FleetBotExit[];
  let points: SequenceAccounting;
  let executions: ExecutionAccounting;
  let latencies: LatencyRecorder;
  const parentPool = { maxWaiting: 0, samples: 0, samplesWithWaiters: 0 };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, adminUrl, config: { logging: { level: 'silent' } } });
    const metrics = new StorageEngine(storage);
    const store = new ExecutionStore(storage);
    latencies = new LatencyRecorder();
    const started = performance.now();
    const fleet = Array.from({ length: BOTS }, (_, i) => runFleetBot({ url: storage.url, bot: `b${i}`, durationMs: DURATION_MS, baseTimeMs: BASE_TIME_MS }));
    let running = true;
    const sampler = setInterval(() => {
      const stats = storage.engine.poolStats();
      parentPool.samples += 1;
      if (stats.waiting > 0) parentPool.samplesWithWaiters += 1;
      parentPool.maxWaiting = Math.max(parentPool.maxWaiting, stats.waiting);
    }, 50);
    const queryLoop = async (loop: number) => {
      for (let n = 0; running; n += 1) {
        // Sequence timestamps advance a few ms per real ms: query windows inside what exists so far.
        const reach = (performance.now() - started) * 3;
        const from = BASE_TIME_MS + Math.floor(Math.random() * reach);
        const producer = `b${n % BOTS}-${loop % 2}`;
        switch (n % 4) {
          case 0:
            await latencies.time('latest', () => metrics.queryLatest({ name: SEQUENCE_METRIC }));
            break;
          case 1:
            await latencies.time('range', () =>
              metrics.queryMetrics({ name: SEQUENCE_METRIC, labels: { producer }, start: from, end: from + 2000, limit: 1000 }),
            );
            break;
          case 2:
            await latencies.time('aggregate', () =>
              metrics.queryAggregated({
                name: SEQUENCE_METRIC,
                start: BASE_TIME_MS,
                end: BASE_TIME_MS + 600_000,
                bucket: '10s',
                aggregations: ['count', 'avg', 'max', 'p99'],
                groupBy: 'producer',
              }),
            );
            break;
          default:
            await latencies.time('orders', () => store.queryOrders({ start: BASE_TIME_MS, end: BASE_TIME_MS + 86_400_000, limit: 100, order: 'desc' }));
        }
        await sleep(10);
      }
    };
    const queries = [queryLoop(0), queryLoop(1)];
    try {
      exits = await Promise.all(fleet);
    } finally {
      running = false;
      await Promise.all(queries);
      clearInterval(sampler);
    }
    const wallMs = performance.now() - started;

    const reports = exits.flatMap((e) => e.report?.points ?? []);
    const executionReports = exits.flatMap((e) => e.report?.executions ?? []);
    points = accountSequences(reports, await readStoredSequences(storage, BASE_TIME_MS));
    executions = await accountExecutions(storage, store, executionReports);
    await metrics.close();
    const runSec = Math.max(...exits.map((e) => e.report?.runMs ?? wallMs)) / 1000;
    const health = await storage.health();
    const query = latencies.summary();
    printReliabilitySummary('fleet-load', {
      bots: BOTS,
      durationSec: Math.round(runSec * 10) / 10,
      pointsAcknowledged: points.acknowledged,
      pointsStored: points.stored,
      pointsPerSec: Math.round(points.acknowledged / runSec),
      ordersAcknowledged: executions.ordersAcknowledged,
      ordersStored: executions.ordersStored,
      ordersPerSec: Math.round(executions.ordersAcknowledged / runSec),
      fillsPerSec: Math.round(executions.fillsAcknowledged / runSec),
      duplicates: points.duplicates + executions.duplicates,
      queries: query.all?.count,
      queryP50Ms: query.all?.p50,
      queryP99Ms: query.all?.p99,
      queryP99MsByKind: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.p99])),
      errors: errorsOf(exits).length + latencies.errors.length,
      backpressureErrors: reports.reduce((s, r) => s + r.backpressureErrors, 0),
      maxAckWaitMs: Math.max(0, ...reports.map((r) => r.maxAckWaitMs)),
      maxFlushLatencyMs: Math.round(Math.max(0, ...exits.map((e) => e.report?.ingest.maxFlushLatencyMs ?? 0))),
      botPoolMaxWaiting: Math.max(0, ...exits.map((e) => e.report?.pool.maxWaiting ?? 0)),
      botPoolSamplesWithWaitersPct: pct(exits.reduce((s, e) => s + (e.report?.pool.samplesWithWaiters ?? 0), 0), exits.reduce((s, e) => s + (e.report?.pool.samples ?? 0), 0)),
      parentPoolMaxWaiting: parentPool.maxWaiting,
      parentPoolSamplesWithWaitersPct: pct(parentPool.samplesWithWaiters, parentPool.samples),
      parentPoolAtEnd: health.pool,
    });
  });
  afterAll(async () => storage?.close());

  it('every bot ran to the end and reported, with no error anywhere', () => {
    expect(errorsOf(exits)).toEqual([]);
    expect(latencies.errors).toEqual([]);
    expect(exits.every((e) => e.report)).toBe(true);
  });

  it('stores every acknowledged point exactly once', () => {
    expect(points.mismatched).toEqual([]);
    expect(points.stored).toBe(points.acknowledged);
    expect(points.duplicates).toBe(0);
    expect(points.acknowledged).toBeGreaterThan(0);
  });

  it('stores every acknowledged order and fill exactly once, consistent with positions', () => {
    expect(executions.mismatched).toEqual([]);
    expect(executions.duplicates).toBe(0);
    expect(executions.inconsistentOrders).toBe(0);
    expect(executions.positionDrift).toEqual([]);
    expect(executions.ordersAcknowledged).toBeGreaterThan(0);
  });

  it('answered queries of every kind while the fleet wrote', () => {
    const summary = latencies.summary();
    for (const kind of ['latest', 'range', 'aggregate', 'orders']) expect(summary[kind]?.count, kind).toBeGreaterThan(0);
  });
});

function errorsOf(exits: readonly FleetBotExit[]): string[] {
  return exits.flatMap((e) => {
    const problems: string[] = [];
    if (e.code !== 0) problems.push(`${e.bot}: exit code ${e.code}: ${e.stderr.slice(-2000)}`);
    if (!e.report) problems.push(`${e.bot}: no report`);
    if (e.report?.closeError) problems.push(`${e.bot}: close: ${e.report.closeError}`);
    for (const r of e.report?.points ?? []) problems.push(...r.failures.map((f) => `${r.producer}: ${f}`));
    for (const r of e.report?.executions ?? []) problems.push(...r.failures.map((f) => `${r.producer}: ${f}`));
    if (e.report && e.report.ingest.deadLettered > 0) problems.push(`${e.bot}: ${e.report.ingest.deadLettered} points dead-lettered`);
    return problems;
  });
}

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
