// The ticks migration on every engine: the tick tables exist (hypertables
// wherever TimescaleDB is, compressed by venue and symbol where licensed),
// the trade candles are registered rollups of the right kind, a trade key is
// unique for all time even for inserts that bypass the library, and the
// migration rolls back and re-applies.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConstraintError, listRollups, StorageError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, requireCapability, type TestStorage } from '@ag/storage-testing';

const TICK_TABLES = ['book_snapshots', 'quotes', 'trades'];
const TRADE_CANDLES = ['trade_candles_1d', 'trade_candles_1h', 'trade_candles_1m'];

describeEachEngine('ticks migration', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const relations = async (names: string[]) =>
    (await storage.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname = ANY($1) AND relnamespace = 'public'::regnamespace `, [names])).map((r) => r.relname).sort();

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('creates trades, quotes and book_snapshots and the trade candle rollups', async () => {
    expect(await relations([...TICK_TABLES, 'trade_keys'])).toEqual([...TICK_TABLES, 'trade_keys'].sort());
    // By name: listRollups puts each candle width after the one it is built on.
    const rollups = (await listRollups(storage.engine)).filter((r) => TRADE_CANDLES.includes(r.viewName)).sort((a, b) => a.viewName.localeCompare(b.viewName));
    const kind = storage.capabilities.continuousAggregates ? 'continuous_aggregate' : 'table';
    expect(rollups.map((r) => [r.viewName, r.kind, r.bucketSeconds])).toEqual([
      ['trade_candles_1d', kind, 86_400],
      ['trade_candles_1h', kind, 3_600],
      ['trade_candles_1m', kind, 60],
    ]);
  });

  it('makes the tick tables hypertables segmented by venue and symbol where TimescaleDB allows', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'timescale');
    const rows = await storage.query<{ hypertable_name: string; compression_enabled: boolean }>(
      `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = ANY($1) ORDER BY 1`,
      [TICK_TABLES],
    );
    expect(rows).toEqual(TICK_TABLES.map((name) => ({ hypertable_name: name, compression_enabled: storage.capabilities.compression })));
  });

  it('segments compression by venue and symbol', async (ctx) => {
    requireCapability(ctx, storage.capabilities, 'compression');
    const rows = await storage.query<{ hypertable_name: string; attname: string }>(
      `SELECT hypertable_name, attname FROM timescaledb_information.compression_settings
        WHERE hypertable_name = ANY($1) AND segmentby_column_index IS NOT NULL ORDER BY 1, segmentby_column_index`,
      [TICK_TABLES],
    );
    expect(rows.map((r) => `${r.hypertable_name}.${r.attname}`)).toEqual(TICK_TABLES.flatMap((t) => [`${t}.venue`, `${t}.symbol`]));
  });

  it('refuses a trade id already stored for the venue and symbol, whatever its time, from plain SQL too', async () => {
    const insert = (time: string) =>
      storage.query(`INSERT INTO trades (time, venue, symbol, price, size, side, trade_id) VALUES ($1, 'mig', 'BTC-USD', 1, 1, 'buy', 't-1')`, [time]);
    await insert('2026-11-02T10:00:00Z');
    const error = await insert('2026-12-02T10:00:00Z').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintError);
    expect((error as ConstraintError).constraint).toBe('trade_keys_pkey');
    expect((await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM trades WHERE venue = 'mig'`))[0]?.n).toBe(1);
  });

  it('refuses crossed and locked quotes and non-positive prices at the database too', async () => {
    const quote = (bid: string, ask: string) =>
      storage.query(`INSERT INTO quotes (time, venue, symbol, bid, bid_size, ask, ask_size) VALUES (now(), 'mig', 'X', $1, 1, $2, 1)`, [bid, ask]);
    for (const [bid, ask] of [['2', '1'], ['1', '1'], ['0', '1']] as const) {
      await expect(quote(bid, ask)).rejects.toBeInstanceOf(StorageError);
    }
  });

  it('rolls back and re-applies', async () => {
    const applied = (await storage.migrationStatus()).filter((m) => m.state === 'applied' && m.name >= '20261202200000_ticks');
    await storage.rollback(applied.length);
    expect(await relations([...TICK_TABLES, 'trade_keys', ...TRADE_CANDLES])).toEqual([]);
    expect((await listRollups(storage.engine)).map((r) => r.viewName)).not.toContain('trade_candles_1m');
    await storage.migrate();
    expect(await relations(TICK_TABLES)).toEqual(TICK_TABLES);
  });
});
