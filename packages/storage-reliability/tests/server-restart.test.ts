// Buffered ingest while the database server restarts (pg_ctl restart, fast
// shutdown: every connection is dropped, new ones refused until it is back),
// twice, on a private server of the test's own: every acknowledged point is
// stored exactly once, producers see at most backpressure, nothing crashes.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeUnless, startPrivatePostgres, type PrivatePostgres, type TestStorage } from '@ag/storage-testing';
import { FAULT_STORAGE_CONFIG, ingestFigures, runIngestUnderFaults, type IngestUnderFaultsResult } from './support/ingest-under-faults.js';
import { printReliabilitySummary } from './support/reliability-summary.js';
import { scaled } from './support/run-length.js';
import { privateServerUnavailable } from './support/server-availability.js';

const unavailable = privateServerUnavailable();

describeUnless(unavailable, 'buffered ingest across server restarts [private postgres]', () => {
  let server: PrivatePostgres;
  let storage: TestStorage;
  let result: IngestUnderFaultsResult;
  const restartMs: number[] = [];

  beforeAll(async () => {
    server = await startPrivatePostgres();
    storage = await createTestStorage({ engine: 'postgres', adminUrl: server.url, config: FAULT_STORAGE_CONFIG });
    const restarts = Math.max(2, Math.round(scaled(2000) / 1000));
    result = await runIngestUnderFaults({
      storage,
      faults: async (markFault) => {
        for (let i = 0; i < restarts; i += 1) {
          await sleep(1500);
          markFault();
          const started = performance.now();
          await server.restart();
          restartMs.push(Math.round(performance.now() - started));
        }
        await sleep(1500);
      },
    });
    printReliabilitySummary('server-restart', { restarts, restartMs, ...ingestFigures(result) });
  });
  afterAll(async () => {
    await storage?.close();
    await server?.destroy();
  });

  it('stores exactly the acknowledged points, none twice', () => {
    expect(result.accounting.mismatched).toEqual([]);
    expect(result.accounting.stored).toBe(result.accounting.acknowledged);
    expect(result.accounting.duplicates).toBe(0);
    expect(result.stats.deadLettered).toBe(0);
  });

  it('the restarts failed writes, which were retried', () => {
    expect(result.stats.failedFlushes).toBeGreaterThan(0);
  });

  it('producers saw backpressure at most: no other error, no unhandled rejection or crash', () => {
    expect(result.reports.flatMap((r) => r.failures)).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('recovered after every restart', () => {
    expect(result.recoveries.length).toBe(restartMs.length);
  });
});
