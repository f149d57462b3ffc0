// Orders, fills and position snapshots written while the server is broken
// in every way the other suites use, one after the other on a private
// server: backends terminated repeatedly (mid-transaction included), a
// restart, and connections refused for seconds. The store retries lost
// connections itself and the producers re-send what still failed; afterwards
// exactly the acknowledged orders and fills are stored, none twice, every
// order's filled size is the sum of its fills, and positions reconcile.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecutionStore } from '@ag/storage-execution';
import { createTestStorage, describeUnless, startPrivatePostgres, type PrivatePostgres, type TestStorage } from '@ag/storage-testing';
import { connectBackendTerminator, databaseOf } from './support/backend-terminator.js';
import { startExecutionProducers, type ExecutionProducerReport } from './support/execution-producers.js';
import { FAULT_STORAGE_CONFIG } from './support/ingest-under-faults.js';
import { watchProcessFaults } from './support/process-fault-watch.js';
import { printReliabilitySummary } from './support/reliability-summary.js';
import { scaled } from './support/run-length.js';
import { privateServerUnavailable } from './support/server-availability.js';
import { accountExecutions, type ExecutionAccounting } from './support/stored-executions.js';

const unavailable = privateServerUnavailable();

describeUnless(unavailable, 'order and fill writes under faults [private postgres]', () => {
  let server: PrivatePostgres;
  let storage: TestStorage;
  let reports: ExecutionProducerReport[];
  let accounting: ExecutionAccounting;
  let problems: string[];
  const faults = { kills: 0, sessionsKilled: 0, restarts: 0, outageMs: 0 };
  let durationMs = 0;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    storage = await createTestStorage({ engine: 'postgres', adminUrl: server.url, config: FAULT_STORAGE_CONFIG });
    const store = new ExecutionStore(storage);
    const watch = watchProcessFaults();
    const started = performance.now();
    const producers = startExecutionProducers(store, { producers: 4, baseTimeMs: Date.UTC(2026, 10, 2), prefix: 'x', pauseMs: 5 });
    try {
      const terminator = await connectBackendTerminator(server.url, databaseOf(storage.url));
      const until = performance.now() + scaled(4000);
      while (performance.now() < until) {
        await sleep(300 + Math.random() * 300);
        faults.sessionsKilled += await terminator.terminateMidStatement(300);
        faults.kills += 1;
      }
      await terminator.close();
      await sleep(500);
      await server.restart();
      faults.restarts += 1;
      await sleep(1000);
      const stopped = performance.now();
      await server.stop();
      await sleep(scaled(3000));
      await server.start();
      faults.outageMs = Math.round(performance.now() - stopped);
      await sleep(1000);
    } finally {
      reports = await producers.stop();
      durationMs = Math.round(performance.now() - started);
      watch.stop();
      problems = watch.problems;
    }
    accounting = await accountExecutions(storage, store, reports);
    const sum = (f: (r: ExecutionProducerReport) => number) => reports.reduce((s, r) => s + f(r), 0);
    printReliabilitySummary('execution-faults', {
      ...faults,
      ordersAcknowledged: accounting.ordersAcknowledged,
      ordersStored: accounting.ordersStored,
      fillsAcknowledged: accounting.fillsAcknowledged,
      fillsStored: accounting.fillsStored,
      duplicates: accounting.duplicates,
      inconsistentOrders: accounting.inconsistentOrders,
      positionDrift: accounting.positionDrift.length,
      callerRetries: sum((r) => r.callerRetries),
      foundCommittedOnRetry: sum((r) => r.foundCommittedOnRetry),
      maxCallMs: Math.max(...reports.map((r) => r.maxCallMs)),
      failures: sum((r) => r.failures.length),
      problems: problems.length,
      ordersPerSec: Math.round(accounting.ordersAcknowledged / (durationMs / 1000)),
      fillsPerSec: Math.round(accounting.fillsAcknowledged / (durationMs / 1000)),
      durationMs,
    });
  });
  afterAll(async () => {
    await storage?.close();
    await server?.destroy();
  });

  it('killed live sessions, restarted and stopped the server', () => {
    expect(faults.sessionsKilled).toBeGreaterThan(0);
    expect(faults.restarts).toBe(1);
    expect(faults.outageMs).toBeGreaterThanOrEqual(3000);
  });

  it('stores exactly the acknowledged orders and fills, none twice', () => {
    expect(accounting.mismatched).toEqual([]);
    expect(accounting.ordersStored).toBe(accounting.ordersAcknowledged);
    expect(accounting.fillsStored).toBe(accounting.fillsAcknowledged);
    expect(accounting.duplicates).toBe(0);
    expect(accounting.ordersAcknowledged).toBeGreaterThan(0);
  });

  it('keeps every order consistent with its fills, and positions with the fills', () => {
    expect(accounting.inconsistentOrders).toBe(0);
    expect(accounting.positionDrift).toEqual([]);
  });

  it('producers saw no error other than retryable ones, and nothing crashed', () => {
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
