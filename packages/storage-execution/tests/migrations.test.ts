// This package's migrations (orders.state_time, fill_candles_1m) roll back
// and re-apply cleanly on every engine, and fill_candles_1m is registered as
// a rollup core can refresh.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { listRollups } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';

const FIRST_OWN_MIGRATION = '20261123200001_order_state_time';

describeEachEngine('execution migrations', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const exists = async (sql: string) => (await storage.query(sql)).length > 0;
  const hasStateTime = () => exists(`SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'state_time'`);
  const hasFillCandles = () => exists(`SELECT 1 FROM pg_class WHERE relname = 'fill_candles_1m'`);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('registers fill_candles_1m as a one-minute rollup of fills', async () => {
    const rollup = (await listRollups(storage.engine)).find((r) => r.viewName === 'fill_candles_1m');
    expect(rollup).toMatchObject({ sourceTable: 'fills', bucketSeconds: 60, kind: storage.capabilities.continuousAggregates ? 'continuous_aggregate' : 'table' });
  });

  it('adds state_time to orders and to the active_orders view', async () => {
    expect(await hasStateTime()).toBe(true);
    expect(await exists(`SELECT 1 FROM information_schema.columns WHERE table_name = 'active_orders' AND column_name = 'state_time'`)).toBe(true);
  });

  it('rolls back and re-applies', async () => {
    const applied = (await storage.migrationStatus()).filter((m) => m.state === 'applied' && m.name >= FIRST_OWN_MIGRATION);
    await storage.rollback(applied.length);
    expect(await hasStateTime()).toBe(false);
    expect(await hasFillCandles()).toBe(false);
    expect((await listRollups(storage.engine)).map((r) => r.viewName)).not.toContain('fill_candles_1m');
    await storage.migrate();
    expect(await hasStateTime()).toBe(true);
    expect(await hasFillCandles()).toBe(true);
  });
});
