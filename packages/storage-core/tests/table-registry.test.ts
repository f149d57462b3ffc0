// The table registry says what the migrations built: every registered table
// exists with its time column, the hypertables are exactly the registry's
// where TimescaleDB is installed, every table the migrations create (but
// the bookkeeping ones) is registered, and the restore order puts referenced
// tables first. On every engine.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, requireCapability, type TestStorage } from '@ag/storage-testing';
import { loadConfig, RETENTION_KEYS, TABLE_REGISTRY, restoreOrder, tablesWhere } from '../src/index.js';

describeEachEngine('table registry', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('names tables that exist, each with its time column', async () => {
    for (const entry of TABLE_REGISTRY) {
      const columns = await storage.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
        [entry.name],
      );
      expect([entry.name, columns.length > 0]).toEqual([entry.name, true]);
      if (entry.timeColumn) expect([entry.name, columns.map((c) => c.column_name)]).toEqual([entry.name, expect.arrayContaining([entry.timeColumn])]);
    }
  });

  it('uses every retention key, each a key of the configuration, and ages out only tables with a time column', () => {
    const used = new Set(TABLE_REGISTRY.map((t) => t.retentionKey).filter((k) => k !== null));
    expect([...used].sort()).toEqual(RETENTION_KEYS.map((k) => k.key).sort());
    const env = Object.fromEntries(RETENTION_KEYS.map((k) => [`AG_STORAGE_RETENTION_${k.key.toUpperCase()}`, '12']));
    const retention = loadConfig({ env }).retention as Record<string, unknown>;
    for (const { key } of RETENTION_KEYS) expect([key, retention[key]]).toEqual([key, 12]);
    for (const t of TABLE_REGISTRY) if (t.retentionKey !== null) expect([t.name, t.timeColumn]).toEqual([t.name, 'time']);
  });

  it('lists as hypertables exactly those TimescaleDB made hypertables', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'timescale');
    const rows = await storage.query<{ hypertable_name: string }>(`SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`);
    expect(rows.map((r) => r.hypertable_name)).toEqual([...tablesWhere('hypertable')].sort());
  });

  it('restores referenced tables first (every foreign key points to an earlier table)', async () => {
    const order = restoreOrder();
    expect([...order].sort()).toEqual(TABLE_REGISTRY.map((t) => t.name).sort());
    const keys = await storage.query<{ child: string; parent: string }>(
      `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
         FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    for (const { child, parent } of keys) {
      const [c, p] = [order.indexOf(child as never), order.indexOf(parent as never)];
      if (c >= 0 && p >= 0) expect([child, parent, p < c]).toEqual([child, parent, true]);
    }
  });
});
