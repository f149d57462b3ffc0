// A live tick after a long backfill catches up on everything the simulation
// did meanwhile, which can be more points than the buffer takes in one call
// (ingestion.max_buffer_size). The tick must write them all, and the orders
// and fills after them, instead of failing and leaving later fills without
// their orders.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStorageServices, type StorageServices } from '@ag/storage-services';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { SIMULATED_MARKETS, TradingSimulation, writeSimulationOutput } from '@ag/trading-simulation';

const START = Date.UTC(2026, 10, 20);
const MAX_BUFFER = 1000;

describeEachEngine('a live catch-up tick larger than the buffer', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let services: StorageServices;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}), config: { ingestion: { max_buffer_size: MAX_BUFFER, batch_size: 500 } } });
    services = openStorageServices(storage);
  });
  afterAll(async () => {
    await services?.metrics.close();
    await storage?.close();
  });

  it('writes every point, order and fill of the tick', async () => {
    const out = new TradingSimulation({ markets: SIMULATED_MARKETS.slice(0, 2), seed: 11, startTime: START }).advanceTo(START + 3 * 3_600_000);
    expect(out.points.length).toBeGreaterThan(MAX_BUFFER);
    const written = await writeSimulationOutput(services, out, 'buffered');
    await services.metrics.flushBuffer();
    const [row] = await storage.query<{ points: number; orders: number; fills: number }>(
      `SELECT (SELECT count(*) FROM metric_points)::int AS points, (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM fills)::int AS fills`,
    );
    expect(row).toEqual({ points: out.points.length, orders: written.orders, fills: written.fills });
    expect(written.orders).toBeGreaterThan(0);
    expect(written.fills).toBeGreaterThan(0);
  }, 120_000);
});
