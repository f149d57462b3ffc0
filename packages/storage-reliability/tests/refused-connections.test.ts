// Buffered ingest through an outage of several seconds: first the server
// stopped (connections dropped, new ones refused: ECONNREFUSED), then a
// network partition through a proxy (every open connection cut, new ones
// refused). The buffer fills, producers are held back (waiting, then
// BackpressureError) and never lose a point: every acknowledged point is
// stored exactly once after the outage, and ingest resumes promptly.

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestStorage,
  describeUnless,
  startFaultProxy,
  startPrivatePostgres,
  type FaultProxy,
  type PrivatePostgres,
  type TestStorage,
} from '@ag/storage-testing';
import { createStorage } from '@ag/storage-core';
import { FAULT_STORAGE_CONFIG, ingestFigures, runIngestUnderFaults, type IngestUnderFaultsResult } from './support/ingest-under-faults.js';
import { printReliabilitySummary } from './support/reliability-summary.js';
import { scaled } from './support/run-length.js';
import { privateServerUnavailable } from './support/server-availability.js';

const unavailable = privateServerUnavailable();
const OUTAGE_MS = scaled(4000);

function expectNothingLost(result: IngestUnderFaultsResult): void {
  expect(result.accounting.mismatched).toEqual([]);
  expect(result.accounting.stored).toBe(result.accounting.acknowledged);
  expect(result.accounting.duplicates).toBe(0);
  expect(result.stats.deadLettered).toBe(0);
}

function expectBackpressureOnly(result: IngestUnderFaultsResult): void {
  expect(result.reports.flatMap((r) => r.failures)).toEqual([]);
  expect(result.problems).toEqual([]);
  // The outage outlasted the buffer: producers were held back.
  const held = result.reports.some((r) => r.backpressureErrors > 0 || r.maxAckWaitMs >= 500);
  expect(held, JSON.stringify(result.reports)).toBe(true);
}

describeUnless(unavailable, 'buffered ingest through refused connections [private postgres]', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  });
  afterAll(async () => server?.destroy());

  describe('server stopped for several seconds', () => {
    let storage: TestStorage;
    let result: IngestUnderFaultsResult;
    let outageMs = 0;
    beforeAll(async () => {
      storage = await createTestStorage({ engine: 'postgres', adminUrl: server.url, config: FAULT_STORAGE_CONFIG });
      result = await runIngestUnderFaults({
        storage,
        faults: async (markRestored) => {
          await sleep(1000);
          const stopped = performance.now();
          await server.stop();
          await sleep(OUTAGE_MS);
          await server.start();
          outageMs = Math.round(performance.now() - stopped);
          // Recovery is measured from the moment the server answers again.
          markRestored();
          await sleep(1500);
        },
      });
      printReliabilitySummary('server-stopped', { outageMs, ...ingestFigures(result) });
    });
    afterAll(async () => storage?.close());

    it('stores exactly the acknowledged points, none twice', () => expectNothingLost(result));
    it('held producers back with backpressure, nothing else', () => expectBackpressureOnly(result));
    it('resumed writing within a retry delay of the server answering', () => {
      expect(result.recoveries).toHaveLength(1);
      expect(result.stats.failedFlushes).toBeGreaterThan(0);
    });
  });

  describe('network partition: connections cut and refused through a proxy', () => {
    let proxy: FaultProxy;
    let storage: Awaited<ReturnType<typeof createStorage>>;
    let database: TestStorage;
    let result: IngestUnderFaultsResult;
    let outageMs = 0;
    beforeAll(async () => {
      // The database is created and migrated directly; the storage under test goes through the proxy.
      database = await createTestStorage({ engine: 'postgres', adminUrl: server.url, config: FAULT_STORAGE_CONFIG });
      proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
      storage = await createStorage({ url: proxy.rewriteUrl(database.url), env: {}, config: FAULT_STORAGE_CONFIG });
      result = await runIngestUnderFaults({
        storage,
        faults: async (markRestored) => {
          await sleep(1000);
          const cut = performance.now();
          await proxy.refuse();
          proxy.cutAll();
          await sleep(OUTAGE_MS);
          await proxy.accept();
          outageMs = Math.round(performance.now() - cut);
          markRestored();
          await sleep(1500);
        },
      });
      printReliabilitySummary('network-partition', { outageMs, ...ingestFigures(result) });
    });
    afterAll(async () => {
      await storage?.close();
      await proxy?.close();
      await database?.close();
    });

    it('stores exactly the acknowledged points, none twice', () => expectNothingLost(result));
    it('held producers back with backpressure, nothing else', () => expectBackpressureOnly(result));
    it('resumed writing after the partition healed', () => {
      expect(result.recoveries).toHaveLength(1);
      expect(result.stats.failedFlushes).toBeGreaterThan(0);
    });
  });
});
