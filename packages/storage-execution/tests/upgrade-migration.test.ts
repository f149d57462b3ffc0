// The fleets migration upgrades a database of the previous schema without
// losing anything, on every engine: the migrations up to
// 20261123500000_rollup_changes_touched_buckets are applied, a history is
// written through SQL (including a fill the old writer stored twice, and
// compressed chunks where the engine compresses), the rest is applied, and
// every earlier row is still there with every old column exactly as it was,
// in the 'default' account and strategy. The upgraded database then works
// through the store: old orders update, old fills are duplicates.

import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultMigrationsDirectory, Migrator } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore } from '../src/index.js';

const LAST_BEFORE_FLEETS = '20261123500000_rollup_changes_touched_buckets';
const TABLES: Record<string, string> = {
  metric_series: 'id',
  metric_points: 'series_id, time',
  events: 'id, time',
  orders: 'id',
  fills: 'id, time',
  positions: 'venue, market, time',
  candles: 'venue, symbol, timeframe, time',
  orders_daily_stats: 'venue, market, day',
};

/** The migrations folder cut after `last`. */
function migrationsUpTo(last: string): string {
  const all = defaultMigrationsDirectory();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-migrations-before-fleets-'));
  cpSync(path.join(all, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'));
  for (const name of readdirSync(all).filter((n) => /^\d{14}_/.test(n) && n <= last)) cpSync(path.join(all, name), path.join(dir, name), { recursive: true });
  return dir;
}

const HISTORY = `
INSERT INTO metric_series (id, metric_name, labels) VALUES (1, 'bot.pnl', '{"market": "BTC-USDT", "venue": "binance"}'), (2, 'feed.lag_ms', '{}');
INSERT INTO metric_points (time, series_id, value)
SELECT TIMESTAMPTZ '2026-06-01' + make_interval(mins => i), 1 + i % 2, i * 0.5 FROM generate_series(0, 2999) i;
INSERT INTO events (time, kind, severity, source, message, payload)
SELECT TIMESTAMPTZ '2026-06-01' + make_interval(hours => i), 'risk.decision', 'warning', 'bot', 'limit ' || i, jsonb_build_object('i', i) FROM generate_series(0, 49) i;
INSERT INTO orders (id, time, venue, market, side, order_type, price, size, filled_size, status, client_order_id, venue_order_id, time_in_force, state_time)
SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, TIMESTAMPTZ '2026-06-01' + make_interval(hours => i),
       CASE WHEN i % 3 = 0 THEN 'kraken' ELSE 'binance' END, 'BTC-USDT', CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END::order_side,
       'limit', 35000.5 + i, 2, CASE WHEN i % 4 = 0 THEN 2 ELSE 0.000000000000000001 END,
       CASE WHEN i % 4 = 0 THEN 'filled' ELSE 'partially_filled' END::order_status,
       'cid-' || i, 'v-' || i, 'gtc', TIMESTAMPTZ '2026-06-01' + make_interval(hours => i)
  FROM generate_series(0, 199) i;
INSERT INTO fills (id, time, order_id, venue, market, side, price, size, fee, fee_currency, venue_fill_id)
SELECT ('10000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, o.time + INTERVAL '1 second', o.id, o.venue, o.market, o.side,
       o.price, CASE WHEN i % 4 = 0 THEN 2 ELSE 0.000000000000000001 END, 0.0000001 * i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'USDT' END, 'vf-' || i
  FROM generate_series(0, 199) i JOIN orders o ON o.client_order_id = 'cid-' || i;
-- The bug the migration meets: the same venue fill id stored twice, 90 days apart.
INSERT INTO orders (id, time, venue, market, side, order_type, price, size, filled_size, status, client_order_id)
VALUES ('20000000-0000-4000-8000-000000000001', '2026-09-01', 'binance', 'BTC-USDT', 'buy', 'limit', 1, 1, 0.5, 'partially_filled', 'cid-late');
INSERT INTO fills (id, time, order_id, venue, market, side, price, size, fee, venue_fill_id)
VALUES ('20000000-0000-4000-8000-000000000002', '2026-09-01 00:00:01', '20000000-0000-4000-8000-000000000001', 'binance', 'BTC-USDT', 'buy', 1, 0.5, 0, 'vf-1');
INSERT INTO positions (time, venue, market, size, avg_entry_price, unrealized_pnl, realized_pnl)
SELECT TIMESTAMPTZ '2026-06-01' + make_interval(mins => 5 * i), 'binance', m, (i % 7) - 3, CASE WHEN i % 7 = 3 THEN NULL ELSE 35000.123456789012345678 END,
       i * 0.000000000000000001, -i * 12345678901234567890.123456789012345678 / 100000
  FROM generate_series(0, 999) i, (VALUES ('BTC-USDT'), ('ETH-USDT')) AS mk(m);
INSERT INTO candles (time, venue, symbol, timeframe, open, high, low, close, volume)
SELECT TIMESTAMPTZ '2026-06-01' + make_interval(mins => i), 'binance', 'BTC-USDT', '1m', 100, 101 + i % 3, 99, 100.5, i FROM generate_series(0, 999) i;
`;

describeEachEngine('upgrade to fleets', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let before: Record<string, string[]>;
  let columns: Record<string, string[]>;
  const dirs: string[] = [];
  const snapshot = async (table: string, cols: string[]) =>
    (await storage.query<{ row: string }>(`SELECT row(${cols.map((c) => `"${c}"`).join(', ')})::text AS row FROM ${table} ORDER BY ${TABLES[table]}`)).map((r) => r.row);
  const columnsOf = async (table: string) =>
    (await storage.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [table])).map((r) => r.column_name);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, migrate: false, ...(adminUrl ? { adminUrl } : {}) });
    const dir = migrationsUpTo(LAST_BEFORE_FLEETS);
    dirs.push(dir);
    const applied = await new Migrator(storage.engine, dir, storage.logger).migrate();
    expect(applied.applied.at(-1)).toBe(LAST_BEFORE_FLEETS);
    await storage.engine.exec(HISTORY);
    await storage.query(`SELECT ag_storage.refresh_rollup_table('orders_daily_stats', '2026-01-01', '2027-01-01')`);
    if (storage.capabilities.compression) {
      await storage.query(`SELECT count(compress_chunk(c)) FROM show_chunks('fills') c`);
      await storage.query(`SELECT count(compress_chunk(c)) FROM show_chunks('positions') c`);
      await storage.query(`SELECT count(compress_chunk(c)) FROM show_chunks('metric_points') c`);
    }
    columns = {};
    before = {};
    for (const table of Object.keys(TABLES)) {
      columns[table] = await columnsOf(table);
      before[table] = await snapshot(table, columns[table]!);
    }
    await storage.migrate();
  });
  afterAll(async () => {
    await storage?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('applies the fleets migration over the previous schema', async () => {
    const status = await storage.migrationStatus();
    expect(status.every((s) => s.state === 'applied')).toBe(true);
    expect(status.map((s) => s.name)).toContain('20261201100000_fleets');
  });

  it('keeps every earlier row with every old column exactly as it was', async () => {
    expect(before.orders).toHaveLength(201);
    expect(before.fills).toHaveLength(201);
    expect(before.positions).toHaveLength(2000);
    for (const table of Object.keys(TABLES)) {
      const order = table === 'orders_daily_stats' ? 'venue, market, day' : TABLES[table];
      const rows = (await storage.query<{ row: string }>(`SELECT row(${columns[table]!.map((c) => `"${c}"`).join(', ')})::text AS row FROM ${table} ORDER BY ${order}`)).map((r) => r.row);
      expect([table, rows]).toEqual([table, before[table]]);
    }
  });

  it('puts every earlier order, fill and position in the default account and strategy', async () => {
    for (const table of ['orders', 'fills', 'positions', 'orders_daily_stats']) {
      const [row] = await storage.query<{ n: number; other: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE account_id <> 'default' OR strategy_id <> 'default')::int AS other FROM ${table}`,
      );
      expect([table, row?.n, row?.other]).toEqual([table, before[table]!.length, 0]);
    }
    if (storage.capabilities.compression) {
      const [compressed] = await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name IN ('fills', 'positions') AND is_compressed`);
      expect(compressed?.n).toBeGreaterThan(0);
    }
  });

  it('claims every earlier fill key once, keeping both rows of the fill stored twice', async () => {
    const [keys] = await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM fill_keys`);
    expect(keys?.n).toBe(200);
    const [claim] = await storage.query<{ fill_id: string }>(`SELECT fill_id::text FROM fill_keys WHERE venue = 'binance' AND venue_fill_id = 'vf-1'`);
    expect(claim?.fill_id).toBe('10000000-0000-4000-8000-000000000001');
  });

  it('works through the store afterwards: old orders update, old fills are duplicates, new fills are stored', async () => {
    const store = new ExecutionStore(storage);
    const old = await store.getOrder({ clientOrderId: 'cid-1' });
    expect(old?.accountId).toBe('default');
    const fill = { clientOrderId: 'cid-1', venueFillId: 'vf-1', time: new Date('2026-06-01T01:00:01Z'), price: '35001.5', size: '0.000000000000000001' };
    expect((await store.storeFill(fill)).outcome).toBe('duplicate');
    const more = await store.storeFill({ ...fill, venueFillId: 'vf-new', size: '1' });
    expect([more.outcome, more.order.filledSize.toFixed()]).toEqual(['inserted', '1.000000000000000001']);
    const update = await store.storeOrder({
      clientOrderId: 'cid-2', time: new Date('2026-06-01T02:00:00Z'), venue: 'binance', market: 'BTC-USDT', side: 'buy', orderType: 'limit',
      price: '35002.5', size: '2', status: 'cancelled', stateTime: new Date('2026-06-02T00:00:00Z'),
    });
    expect([update.outcome, update.order.status]).toEqual(['updated', 'cancelled']);
    const stats = await store.getOrderDailyStats({ start: '2026-06-01T00:00:00Z', end: '2026-06-10T00:00:00Z' });
    expect(stats.reduce((n, s) => n + s.orderCount, 0)).toBe(200);
  });
});
