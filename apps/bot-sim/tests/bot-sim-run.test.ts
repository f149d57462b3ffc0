// The main job, bounded: a small backfill and a few seconds of live running
// on each engine, as a fleet (2 strategies, each in a live and a paper
// account). Data lands in every table, each strategy keeps its own positions
// in each account, the summary line (with PnL per strategy) is printed,
// the API answers while it runs, and shutdown flushes everything (points
// accepted = points stored = rows). A second start on the same database
// does not backfill again and cancels the orders the first run left open.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage } from '@ag/storage-core';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { startBotSim, summaryTables, TICK_HISTORY_MS, type BotSimReport } from '../src/index.js';

const TABLES = summaryTables();

describeEachEngine('bot-sim bounded run', ({ engine, adminUrl }) => {
  let url: string;
  let database: TestDatabaseUrl | undefined;
  let first: BotSimReport;
  const lines: string[] = [];
  let apiStatus = 0;
  let apiRows: Record<string, number> = {};

  const countRows = async () => {
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    try {
      const [row] = await storage.query<Record<string, number>>(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int8 AS ${t}`).join(', ')}`);
      return Object.fromEntries(TABLES.map((t) => [t, Number(row?.[t])])) as Record<(typeof TABLES)[number], number>;
    } finally {
      await storage.close();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
    const bot = await startBotSim({
      url, port: 0, backfillDays: 2, markets: 2, durationSec: 4, summaryEverySec: 1, schedulerDelaySec: 0, tickMs: 100,
      print: (line) => lines.push(line),
    });
    // While it runs: the API answers with the data written so far.
    while (!lines.some((l) => l.includes('] live:'))) await new Promise((r) => setTimeout(r, 100));
    const response = await fetch(`${bot.url}api/stats`);
    apiStatus = response.status;
    apiRows = ((await response.json()) as { rows: Record<string, number> }).rows;
    first = await bot.done;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('writes into every table', async () => {
    const rows = await countRows();
    for (const table of TABLES) expect(rows[table], table).toBeGreaterThan(0);
  });

  it('registers its live and paper accounts and its strategies, and keeps one position per strategy, account and market', async () => {
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    try {
      const accounts = await storage.query<{ id: string; mode: string }>(`SELECT id, mode::text FROM accounts WHERE id LIKE 'sim-%' ORDER BY id`);
      expect(accounts).toEqual([
        { id: 'sim-live-binance', mode: 'live' },
        { id: 'sim-paper-binance', mode: 'paper' },
      ]);
      const latest = await storage.query<{ account_id: string; strategy_id: string; market: string }>(
        `SELECT account_id, strategy_id, market FROM latest_positions ORDER BY 1, 2, 3`,
      );
      // 2 markets (binance BTC-USDT and ETH-USDT) x 2 strategies x live and paper.
      const expected = ['sim-live-binance', 'sim-paper-binance'].flatMap((account) =>
        ['sim-bot.mm-1', 'sim-bot.mm-2'].flatMap((strategy) => ['BTC-USDT', 'ETH-USDT'].map((market) => `${account}|${strategy}|${market}`)),
      );
      expect(latest.map((p) => `${p.account_id}|${p.strategy_id}|${p.market}`)).toEqual(expected);
      const mismatched = await storage.query(`SELECT 1 FROM fills f JOIN orders o ON o.id = f.order_id WHERE (f.account_id, f.strategy_id) <> (o.account_id, o.strategy_id)`);
      expect(mismatched).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('serves the API while it runs', () => {
    expect(apiStatus).toBe(200);
    expect(apiRows.metric_points).toBeGreaterThan(0);
  });

  it('prints the periodic summary line, with the compression ratio where the engine compresses', async () => {
    const summary = lines.find((l) =>
      /^\[bot-sim\] live \d+:\d\d:\d\d \| \d[\d,]* points\/s \| rows: points [\d,]+ orders [\d,]+ fills [\d,]+ positions [\d,]+ candles [\d,]+ events [\d,]+ funding [\d,]+ trades [\d,]+ quotes [\d,]+ \| storage [\d.]+ MB \| compression .* \| pnl sim-bot\.mm-1 live -?\d+\.\d\d paper -?\d+\.\d\d, sim-bot\.mm-2 live -?\d+\.\d\d paper -?\d+\.\d\d$/.test(l),
    );
    expect(summary, lines.join('\n')).toBeDefined();
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    const compresses = storage.capabilities.compression;
    await storage.close();
    if (compresses) expect(lines.some((l) => /compression [\d.]+x \([\d.]+% saved\)/.test(l))).toBe(true);
  });

  it('flushes every live point on shutdown: accepted = stored = rows', async () => {
    expect(first.live.points).toBeGreaterThan(0);
    expect(first.ingest.accepted).toBe(first.live.points);
    expect(first.liveFlushedPoints).toBe(first.live.points);
    expect(first.ingest.bufferDepth).toBe(0);
    expect(first.ingest.deadLettered).toBe(0);
    const rows = await countRows();
    expect(rows.metric_points).toBe((first.backfill?.written.points ?? 0) + first.live.points - first.ingest.duplicates);
    expect(lines.at(-1)).toMatch(/stopped: [\d,]+ live points accepted, [\d,]+ flushed, 0 left in the buffer, 0 dead-lettered/);
  });

  it('writes market trades and quotes for the last hours of the backfill and the live phase; candles from trades where the engine has continuous aggregates', async () => {
    const written = (first.backfill?.written.trades ?? 0) + first.live.trades;
    expect(first.backfill?.written.trades).toBeGreaterThan(0);
    expect(first.live.trades).toBeGreaterThan(0);
    expect(first.live.quotes).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('live tick failed'))).toEqual([]);
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    try {
      const [span] = await storage.query<{ n: number; oldest: Date; newest: Date; markets: number }>(
        `SELECT count(*)::int8 AS n, min(time) AS oldest, max(time) AS newest, count(DISTINCT (venue, symbol))::int8 AS markets FROM trades`,
      );
      expect(Number(span?.n)).toBe(written);
      expect(Number(span?.markets)).toBe(2);
      expect((span?.newest.getTime() ?? 0) - (span?.oldest.getTime() ?? 0)).toBeLessThanOrEqual(TICK_HISTORY_MS + 60_000);
      const [crossed] = await storage.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM quotes WHERE bid >= ask`);
      expect(Number(crossed?.n)).toBe(0);
      if (storage.capabilities.continuousAggregates) {
        // The stored 1m bars of the tick hours are the bars built from the trades (the newest may still be forming).
        const differing = await storage.query<{ time: Date }>(
          `SELECT c.time FROM candles c JOIN trade_candles_1m t ON t.venue = c.venue AND t.symbol = c.symbol AND t.bucket = c.time
            WHERE c.timeframe = '1m' AND (c.open, c.high, c.low, c.close) <> (t.open, t.high, t.low, t.close)
              AND c.time < (SELECT max(time) FROM trades) - INTERVAL '1 minute'`,
        );
        expect(differing).toEqual([]);
        const [matched] = await storage.query<{ n: number }>(
          `SELECT count(*)::int8 AS n FROM candles c JOIN trade_candles_1m t ON t.venue = c.venue AND t.symbol = c.symbol AND t.bucket = c.time WHERE c.timeframe = '1m'`,
        );
        expect(Number(matched?.n)).toBeGreaterThan(100);
      }
    } finally {
      await storage.close();
    }
  });

  it('backfilled the requested days of history', () => {
    expect(first.backfill).not.toBeNull();
    const span = (first.backfill?.to.getTime() ?? 0) - (first.backfill?.from.getTime() ?? 0);
    expect(span).toBeGreaterThan(2 * 86_400_000 - 120_000);
    expect(span).toBeLessThan(2 * 86_400_000 + 120_000);
  });

  it('a second start does not backfill again, and cancels the orders left open', async () => {
    const before = await countRows();
    const again: string[] = [];
    const bot = await startBotSim({ url, serve: false, backfillDays: 2, markets: 2, durationSec: 1, summaryEverySec: 60, schedulerDelaySec: 3600, print: (l) => again.push(l) });
    const second = await bot.done;
    expect(second.backfill).toBeNull();
    expect(again.join('\n')).toMatch(/history is up to date/);
    expect(second.cancelledStaleOrders).toBeGreaterThan(0);
    const after = await countRows();
    expect(after.metric_points).toBe(before.metric_points! + second.live.points - second.ingest.duplicates);
    expect(after.candles! - before.candles!).toBeLessThan(20);
  });
});
