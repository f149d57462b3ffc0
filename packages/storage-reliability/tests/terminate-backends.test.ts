// Sustained buffered ingest while an admin session repeatedly kills every
// backend of the library (pg_terminate_backend) on the shared server: every
// acknowledged point is stored exactly once, producers see at most
// backpressure, nothing crashes, and ingest recovers after each kill.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachServer, type TestStorage } from '@ag/storage-testing';
import { connectBackendTerminator, databaseOf, type BackendTerminator } from './support/backend-terminator.js';
import { FAULT_STORAGE_CONFIG, ingestFigures, runIngestUnderFaults, type IngestUnderFaultsResult } from './support/ingest-under-faults.js';
import { printReliabilitySummary } from './support/reliability-summary.js';
import { scaled } from './support/run-length.js';


describeEachServer('buffered ingest while backends are terminated', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let terminator: BackendTerminator;
  let result: IngestUnderFaultsResult;
  let kills = 0;
  let sessionsKilled = 0;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, adminUrl, config: FAULT_STORAGE_CONFIG });
    terminator = await connectBackendTerminator(adminUrl, databaseOf(storage.url));
    const until = performance.now() + scaled(8000);
    result = await runIngestUnderFaults({
      storage,
      faults: async (markFault) => {
        while (performance.now() < until) {
          // Every other kill waits for a statement in flight (mid-COPY, mid-INSERT).
          markFault();
          const killed = kills % 2 === 0 ? await terminator.terminateMidStatement(500) : await terminator.terminateAll();
          sessionsKilled += killed;
          kills += 1;
          await sleep(400 + Math.random() * 400);
        }
      },
    });
    printReliabilitySummary('terminate-backends', { kills, sessionsKilled, ...ingestFigures(result) });
  });
  afterAll(async () => {
    await terminator?.close();
    await storage?.close();
  });

  it('killed live sessions of the library, repeatedly', () => {
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(sessionsKilled).toBeGreaterThan(0);
    // Some kills interrupted a write in flight.
    expect(result.stats.failedFlushes).toBeGreaterThan(0);
  });

  it('stores exactly the acknowledged points, none twice', () => {
    expect(result.accounting.mismatched).toEqual([]);
    expect(result.accounting.stored).toBe(result.accounting.acknowledged);
    expect(result.accounting.duplicates).toBe(0);
    expect(result.accounting.acknowledged).toBeGreaterThan(1000);
    expect(result.stats.deadLettered).toBe(0);
  });

  it('producers saw backpressure at most: no other error, no unhandled rejection or crash', () => {
    expect(result.reports.flatMap((r) => r.failures)).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('recovered after every kill', () => {
    expect(result.recoveries.length).toBeGreaterThanOrEqual(kills - 1);
  });
});
