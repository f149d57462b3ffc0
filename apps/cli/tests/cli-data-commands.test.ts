// The data commands of ag-storage on every engine: seed, stats, query (each
// kind, as table, JSON and CSV), export / import (candles and metrics),
// compress, retention run / status and serve. Expected figures come from
// SQL on the same database, not from the command under test.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage, tablesWhere, type Storage } from '@ag/storage-core';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

describeEachEngine('ag-storage data commands', ({ engine, adminUrl }) => {
  let url: string;
  let database: TestDatabaseUrl | undefined;
  let dir: string;
  let storage: Storage;
  let seeded: { code: number; out: string };
  const cli = (...args: string[]) => runCli(['--url', url, ...args]);
  const count = async (sql: string, params: unknown[] = []) => Number((await storage.query<{ n: number }>(sql, params))[0]?.n);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ag-cli-data-'));
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
    seeded = await cli('seed', '--days', '2', '--markets', '2', '--series', '3', '--no-progress');
    // The embedded engine is single-process: read it between commands with a handle opened per check.
    storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The embedded database is one process's: close our handle while a command runs.
  const withCommand = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (storage.engine.traits.sharedAcrossProcesses) return fn();
    await storage.close();
    try {
      return await fn();
    } finally {
      storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    }
  };
  const run = (...args: string[]) => withCommand(() => cli(...args));

  it('seed writes a history into every table, with the bot\'s series and the extra ones', async () => {
    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(/seeded .* \(empty database\) in [\d.]+ s: [1-9]\d* points, [1-9]\d* orders, [1-9]\d* fills/);
    for (const table of ['metric_points', 'orders', 'fills', 'positions', 'candles', 'events']) {
      expect(await count(`SELECT count(*)::int8 AS n FROM ${table}`), table).toBeGreaterThan(0);
    }
    expect(await count(`SELECT count(*)::int8 AS n FROM metric_series WHERE metric_name LIKE 'fleet.%'`)).toBe(3);
    expect(await count(`SELECT count(*)::int8 AS n FROM metric_series WHERE labels->>'bot' = 'sim-bot'`)).toBe(2 * 8);
  });

  it('seed again only tops up: nothing to do right after a seed', async () => {
    const before = await count('SELECT count(*)::int8 AS n FROM orders');
    const again = await run('seed', '--days', '2', '--markets', '2', '--no-progress');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/nothing to seed|topped up/);
    expect(await count('SELECT count(*)::int8 AS n FROM orders')).toBeLessThan(before + 20);
  });

  it('seed refuses bad options with exit code 2 and writes nothing', async () => {
    const before = await count('SELECT count(*)::int8 AS n FROM metric_points');
    for (const args of [['--days', '0'], ['--markets', '99'], ['--series', '-1'], ['--seed', 'abc'], ['--bot', "x'; DROP TABLE orders; --"]]) {
      const result = await run('seed', ...args, '--no-progress');
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain(`invalid ${args[0]}`);
    }
    expect(await count('SELECT count(*)::int8 AS n FROM metric_points')).toBe(before);
  });

  it('stats prints sizes and exact row counts (JSON and text)', async () => {
    const json = await run('stats', '--json');
    expect(json.code).toBe(0);
    const overview = JSON.parse(json.out);
    expect(overview.rows.metric_points).toBe(await count('SELECT count(*)::int8 AS n FROM metric_points'));
    expect(overview.rows.fills).toBe(await count('SELECT count(*)::int8 AS n FROM fills'));
    expect(overview.tables.map((t: { table: string }) => t.table)).toContain('metric_points');
    const text = await run('stats');
    expect(text.out).toMatch(/^database\s+[\d.]+ MB/m);
    expect(text.out).toMatch(/^metric_points\s+(hypertable|table)/m);
    // One compression ratio, before / after, printed as it is.
    const c = overview.compression as { ratio: number | null; bytesBefore: number; bytesAfter: number };
    if (c.ratio === null) expect(text.out).toMatch(/^compression nothing compressed/m);
    else {
      expect(c.ratio).toBeCloseTo(c.bytesBefore / c.bytesAfter, 10);
      expect(text.out).toContain(`${c.ratio.toFixed(1)}x (`);
    }
  });

  it('query metrics prints the points of a range as JSON, CSV and a table', async () => {
    const [range] = await storage.query<{ start: Date; end: Date }>(
      `SELECT max(p.time) - interval '2 hours' AS start, max(p.time) AS end FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = 'bot.pnl'`,
    );
    const start = (range?.start as Date).toISOString();
    const end = (range?.end as Date).toISOString();
    const expected = await count(
      `SELECT count(*)::int8 AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = 'bot.pnl' AND p.time >= $1 AND p.time < $2`,
      [start, end],
    );
    const json = await run('query', 'metrics', '--name', 'bot.pnl', '--start', start, '--end', end, '--json');
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.out);
    expect(answer.data).toHaveLength(expected);
    expect(answer.truncated).toBe(false);
    const csv = await run('query', 'metrics', '--name', 'bot.pnl', '--start', start, '--end', end, '--csv');
    const records = parse(csv.out, { columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(expected);
    expect(Object.keys(records[0] ?? {})).toEqual(['time', 'name', 'value', 'labels']);
    const table = await run('query', 'metrics', '--name', 'bot.pnl', '--start', start, '--end', end, '--labels', '{"market":"BTC-USDT"}');
    expect(table.out.split('\n')[0]).toMatch(/^time\s+name\s+value\s+labels$/);
    expect(table.out.split('\n').length - 2).toBe(expected / 2);
  });

  it('query aggregate counts every point of the range into its buckets', async () => {
    const [range] = await storage.query<{ start: Date }>(`SELECT date_trunc('hour', max(time)) - interval '6 hours' AS start FROM metric_points`);
    const start = (range?.start as Date).toISOString();
    const end = new Date((range?.start as Date).getTime() + 6 * 3_600_000).toISOString();
    const expected = await count(
      `SELECT count(*)::int8 AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = 'feed.lag_ms' AND p.time >= $1 AND p.time < $2`,
      [start, end],
    );
    const result = await run('query', 'aggregate', '--name', 'feed.lag_ms', '--start', start, '--end', end, '--bucket', '1h', '--aggregations', 'count,avg', '--group-by', 'market', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out).data as Array<{ count: number }>;
    expect(rows).toHaveLength(2 * 6);
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(expected);
  });

  it('query latest, orders, fills, positions, candles and events answer from the stored rows', async () => {
    const latest = JSON.parse((await run('query', 'latest', '--name', 'bot.inventory', '--json')).out).data;
    expect(latest).toHaveLength(2);

    const newestOrders = await storage.query<{ client_order_id: string }>(`SELECT client_order_id FROM orders ORDER BY time DESC, id DESC LIMIT 5`);
    const orders = JSON.parse((await run('query', 'orders', '--start', '2000-01-01T00:00:00Z', '--limit', '5', '--json')).out);
    expect(orders.data.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(newestOrders.map((o) => o.client_order_id));
    expect(orders.nextCursor).toEqual(expect.any(String));

    const someOrder = (await storage.query<{ id: string; n: number }>(`SELECT order_id AS id, count(*)::int8 AS n FROM fills GROUP BY order_id ORDER BY count(*) DESC, order_id LIMIT 1`))[0];
    const fills = JSON.parse((await run('query', 'fills', '--order-id', someOrder?.id as string, '--json')).out).data;
    expect(fills).toHaveLength(Number(someOrder?.n));

    const positions = JSON.parse((await run('query', 'positions', '--latest', '--json')).out).data;
    const newest = await storage.query<{ market: string; time: Date }>(`SELECT market, max(time) AS time FROM positions GROUP BY market ORDER BY market`);
    expect(positions.map((p: { market: string; time: string }) => [p.market, Date.parse(p.time)])).toEqual(newest.map((p) => [p.market, p.time.getTime()]));
    const history = JSON.parse((await run('query', 'positions', '--market', 'BTC-USDT', '--start', '2000-01-01T00:00:00Z', '--limit', '10000', '--json')).out).data;
    expect(history).toHaveLength(await count(`SELECT count(*)::int8 AS n FROM positions WHERE market = 'BTC-USDT'`));

    const candles = parse((await run('query', 'candles', '--venue', 'binance', '--symbol', 'ETH-USDT', '--count', '3', '--csv')).out, { columns: true }) as Array<Record<string, string>>;
    const newestBars = await storage.query<{ time: Date }>(`SELECT time FROM candles WHERE symbol = 'ETH-USDT' AND timeframe = '1m' ORDER BY time DESC LIMIT 3`);
    expect(candles.map((c) => Date.parse(c.time as string))).toEqual(newestBars.map((b) => b.time.getTime()).reverse());

    const events = JSON.parse((await run('query', 'events', '--start', '2000-01-01T00:00:00Z', '--kind', 'risk.check', '--limit', '1000', '--json')).out).data;
    expect(events).toHaveLength(await count(`SELECT count(*)::int8 AS n FROM events WHERE kind = 'risk.check'`));
  });

  it('query refuses bad options with exit code 2, naming the option', async () => {
    const cases: Array<[string[], string]> = [
      [['query', 'metrics', '--name', 'bot.pnl', '--limit', '0'], '--limit'],
      [['query', 'metrics', '--name', 'bot.pnl', '--start', 'yesterday'], '--start'],
      [['query', 'aggregate', '--name', 'bot.pnl', '--aggregations', 'median'], '--aggregations'],
      [['query', 'aggregate', '--name', 'bot.pnl', '--group-by', 'a b'], '--group-by'],
      [['query', 'orders', '--side', 'short'], '--side'],
      [['query', 'fills', '--order-id', '42'], '--order-id'],
      [['query', 'events', '--min-severity', 'fatal'], '--min-severity'],
      [['query', 'candles', '--venue', 'binance'], '--symbol'],
      [['query', 'metrics', '--name', 'bot.pnl', '--labels', 'venue=binance'], '--labels'],
    ];
    for (const [args, option] of cases) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toContain(`invalid ${option}`);
    }
    expect((await run('query', 'metrics', '--name', 'bot.pnl', '--json', '--csv')).code).toBe(1);
  });

  it('query treats injection strings as data', async () => {
    const before = await count('SELECT count(*)::int8 AS n FROM orders');
    const result = await run('query', 'orders', '--venue', "binance' OR '1'='1", '--market', "'; DROP TABLE orders; --", '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).data).toEqual([]);
    expect(await count('SELECT count(*)::int8 AS n FROM orders')).toBe(before);
  });

  it('export candles and import them back: unchanged, and under another symbol: inserted', async () => {
    const file = path.join(dir, 'candles.csv');
    const exported = await run('export', 'candles', '--venue', 'binance', '--symbol', 'BTC-USDT', '--out', file);
    expect(exported.code).toBe(0);
    const bars = await count(`SELECT count(*)::int8 AS n FROM candles WHERE venue = 'binance' AND symbol = 'BTC-USDT' AND timeframe = '1m'`);
    expect(exported.out).toContain(`exported ${bars} candle(s)`);
    const same = await run('import', 'candles', file);
    expect(same.out).toContain(`imported ${bars} candle record(s): 0 inserted, 0 updated, ${bars} unchanged`);
    const copy = path.join(dir, 'candles-copy.csv');
    writeFileSync(copy, readFileSync(file, 'utf8').replaceAll(',BTC-USDT,', ',COPY-USDT,'));
    expect((await run('import', 'candles', copy)).out).toContain(`${bars} inserted`);
    expect(await count(`SELECT count(*)::int8 AS n FROM candles WHERE symbol = 'COPY-USDT'`)).toBe(bars);
  });

  it('export metrics and import them back: already stored, and under another name: inserted', async () => {
    const file = path.join(dir, 'metrics.csv');
    const points = await count(`SELECT count(*)::int8 AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = 'bot.spread_bps'`);
    const exported = await run('export', 'metrics', '--name', 'bot.spread_bps', '--out', file);
    expect(exported.out).toContain(`exported ${points} point(s)`);
    expect((await run('import', 'metrics', file)).out).toContain(`imported ${points} point(s): 0 inserted, ${points} already stored`);
    const copy = path.join(dir, 'metrics-copy.csv');
    writeFileSync(copy, readFileSync(file, 'utf8').replaceAll(',bot.spread_bps,', ',bot.spread_copy,'));
    expect((await run('import', 'metrics', copy)).out).toContain(`${points} inserted`);
    expect(await count(`SELECT count(*)::int8 AS n FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.metric_name = 'bot.spread_copy'`)).toBe(points);
  });

  it('import refuses a CSV with a bad record, naming its line, and writes nothing', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'time,name,value,labels\n2026-11-20T10:00:00Z,bot.bad,1,{}\n2026-11-20T10:01:00Z,bot.bad,NaN,{}\n');
    const result = await run('import', 'metrics', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain('csv line 3.value');
    expect(await count(`SELECT count(*)::int8 AS n FROM metric_series WHERE metric_name = 'bot.bad'`)).toBe(0);
    const badCandles = path.join(dir, 'bad-candles.csv');
    writeFileSync(badCandles, 'time,venue,symbol,timeframe,open,high,low,close,volume\n2026-11-20T10:00:00Z,binance,BAD-1,1m,10,9,8,9,1\n');
    expect((await run('import', 'candles', badCandles)).code).toBe(1);
    expect(await count(`SELECT count(*)::int8 AS n FROM candles WHERE symbol = 'BAD-1'`)).toBe(0);
    expect((await run('import', 'metrics', path.join(dir, 'missing.csv'))).code).toBe(2);
  });

  it('compress compresses old chunks where the engine can, and says so where it cannot', async () => {
    const result = await run('compress', '--older-than-days', '1');
    expect(result.code).toBe(0);
    if (storage.capabilities.compression) {
      expect(result.out).toMatch(/compressed [1-9]\d* chunk\(s\)/);
      expect(await count(`SELECT count(*)::int8 AS n FROM timescaledb_information.chunks WHERE is_compressed`)).toBeGreaterThan(0);
    } else {
      expect(result.out).toContain('compression is not available');
    }
    expect((await run('compress', '--older-than-days', 'soon')).code).toBe(2);
  });

  it('retention status shows the policies; retention run passes over every table', async () => {
    const status = await run('retention', 'status');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/^metric_points\s+90 d$/m);
    const report = JSON.parse((await run('retention', 'run', '--json')).out);
    expect(report.tables.map((t: { table: string }) => t.table).sort()).toEqual(tablesWhere('retained').sort());
    expect(report.tables.reduce((n: number, t: { rowsDeleted: number }) => n + t.rowsDeleted, 0)).toBe(0);
    expect((await run('retention', 'sideways')).code).toBe(2);
  });

  it('serve answers /health and /api while it runs, then stops cleanly', async () => {
    let base: string | undefined;
    let health = 0;
    let stats: { rows?: { orders: number } } = {};
    const done = withCommand(() =>
      runCli(['--url', url, 'serve', '--port', '0', '--duration', '3'], (line) => {
        const match = /on (http:\/\/\S+\/)/.exec(line);
        if (match) base = match[1];
      }),
    );
    while (!base) await new Promise((r) => setTimeout(r, 50));
    health = (await fetch(`${base}health`)).status;
    stats = (await (await fetch(`${base}api/stats`)).json()) as typeof stats;
    const result = await done;
    expect(result.code).toBe(0);
    expect(health).toBe(200);
    expect(stats.rows?.orders).toBe(await count('SELECT count(*)::int8 AS n FROM orders'));
    expect(result.out).toContain('stopping');
  });
});
