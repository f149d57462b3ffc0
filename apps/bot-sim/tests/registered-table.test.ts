// Adding a table is its migration plus one registry entry: a throw-away table
// registered at run time (and created in the test database) ages out under
// retention, is listed by the storage stats and counted by the overview, and
// appears in the bot's run summary, with no other file knowing about it.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerTable, ValidationError } from '@ag/storage-core';
import { openStorageServices, StorageOverviewCache, type StorageServices } from '@ag/storage-services';
import { RetentionManager } from '@ag/storage-retention';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { formatSummary, RunSummarizer } from '../src/index.js';

const DAY_MS = 86_400_000;
const NOW = new Date(Date.UTC(2026, 11, 1));
const TABLE = 'scratch_readings';

describeEachEngine('a table registered at run time', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let services: StorageServices;
  let unregister: () => void;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await storage.execute(`CREATE TABLE ${TABLE} (time timestamptz NOT NULL, reading int NOT NULL)`);
    // 40 days of one reading a day: 10 are older than the 30 days of events_retention_days.
    for (let day = 0; day < 40; day++) {
      await storage.query(`INSERT INTO ${TABLE} (time, reading) VALUES ($1, $2)`, [new Date(NOW.getTime() - (day + 0.5) * DAY_MS), day]);
    }
    unregister = registerTable({ name: TABLE, timeColumn: 'time', hypertable: false, retentionKey: 'events_retention_days', restoreOrder: 20, overview: true, summary: true });
    services = openStorageServices(storage, { retention: { events_retention_days: 30 } });
  });
  afterAll(async () => {
    unregister?.();
    await services?.metrics.close();
    await storage?.close();
  });

  it('ages out under its retention key', async () => {
    const report = await new RetentionManager(storage, { events_retention_days: 30 }).runRetention({ now: NOW });
    const result = report.tables.find((t) => t.table === TABLE);
    expect(result).toMatchObject({ retentionDays: 30, rowsDeleted: 10 });
    const [row] = await storage.query<{ n: number; oldest: Date }>(`SELECT count(*)::int AS n, min(time) AS oldest FROM ${TABLE}`);
    expect(row?.n).toBe(30);
    expect(row!.oldest.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 30 * DAY_MS);
  });

  it('is listed by the storage stats and counted by the storage overview', async () => {
    const stats = await services.retention.getStorageStats();
    expect(stats.find((t) => t.table === TABLE)).toMatchObject({ kind: 'table' });
    const overview = await new StorageOverviewCache(services).get();
    expect(overview.rows[TABLE]).toBe(30);
  });

  it('is counted in the run summary and its line', async () => {
    const summary = await new RunSummarizer(services, null).summarize();
    expect(summary.rows[TABLE]).toBe(30);
    expect(formatSummary(summary, 'live')).toMatch(new RegExp(`\\d ${TABLE} 30 \\|`));
  });

  it('refuses an entry with a retention key the configuration does not know, registering nothing', () => {
    const bad = { name: 'scratch_other', timeColumn: 'time', hypertable: false, retentionKey: 'other_retention_days', restoreOrder: 21, overview: true, summary: true };
    expect(() => registerTable(bad as never)).toThrow(ValidationError);
    expect(() => registerTable({ ...bad, name: TABLE } as never)).toThrow(/already registered/);
    expect(new RetentionManager(storage).policies.tables).not.toHaveProperty('scratch_other');
  });
});
