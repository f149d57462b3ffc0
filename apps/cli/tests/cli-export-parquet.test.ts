// `ag-storage export ... --format parquet` for every table on every engine:
// each exported file is read back with DuckDB and every value compared with
// the database's (decimals as DECIMAL(38,18) text, times to the microsecond);
// an empty range writes no file; a missing --out, a bad --format and an
// existing dataset are refused. `import trades` checks every row first.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage, type Storage } from '@ag/storage-core';
import { MarketDataStore } from '@ag/storage-execution';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

/** Each column as comparable text: DECIMAL(38,18) text, epoch microseconds, doubles by value. */
const DB_TEXT: Record<string, (c: string) => string> = {
  numeric: (c) => `${c}::numeric(38,18)::text`,
  'timestamp with time zone': (c) => `(extract(epoch FROM ${c}) * 1000000)::bigint::text`,
};
const DUCK_TEXT: Record<string, (c: string) => string> = {
  numeric: (c) => `CAST(${c} AS VARCHAR)`,
  'timestamp with time zone': (c) => `CAST(epoch_us(${c}) AS VARCHAR)`,
};

describeEachEngine('ag-storage export --format parquet', ({ engine, adminUrl }) => {
  let url: string;
  let database: TestDatabaseUrl | undefined;
  let dir: string;
  let storage: Storage;
  const cli = (...args: string[]) => runCli(['--url', url, ...args]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ag-cli-parquet-'));
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
    expect((await cli('seed', '--days', '1', '--markets', '2', '--series', '2', '--no-progress')).code).toBe(0);
    storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } } });
    const base = Date.parse('2026-11-20T00:00:00Z');
    await new MarketDataStore(storage).storeTrades(
      Array.from({ length: 300 }, (_, i) => ({
        time: new Date(base + i * 37_000),
        venue: 'binance',
        symbol: i % 2 ? 'BTC-USDT' : 'ETH-USDT',
        price: `${60000 + i}.123456789012345678`,
        size: `0.${String(i + 1).padStart(18, '0')}`,
        side: i % 3 === 0 ? null : i % 3 === 1 ? ('buy' as const) : ('sell' as const),
        tradeId: `t-${i}`,
      })),
    );
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

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
  const count = async (sql: string) => Number((await storage.query<{ n: number }>(sql))[0]?.n);

  /** The rows of the database (as comparable text, sorted) next to the rows of every file of the dataset. */
  async function compare(table: string, datasetDir: string, extra: { select: string[]; from: string; where: string }) {
    const types = await storage.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const dbSelect = types.map(({ column_name: c, data_type: t }) => `${(DB_TEXT[t] ?? ((x: string) => `${x}::text`))(`p."${c}"`)} AS "${c}"`);
    const duckSelect = types.map(({ column_name: c, data_type: t }) => `${(DUCK_TEXT[t] ?? ((x: string) => `CAST(${x} AS VARCHAR)`))(`"${c}"`)} AS "${c}"`);
    const doubles = types.filter((t) => t.data_type === 'double precision').map((t) => t.column_name);
    const normalize = (row: Record<string, unknown>) =>
      JSON.stringify(Object.entries(row).map(([k, v]) => (v === null || v === undefined ? null : doubles.includes(k) ? Number(v) : String(v))));
    const dbRows = await storage.query<Record<string, unknown>>(`SELECT ${[...dbSelect, ...extra.select].join(', ')} FROM ${extra.from} WHERE ${extra.where}`);
    const files = readdirSync(path.join(datasetDir, table), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
    const manifest = JSON.parse(readFileSync(path.join(datasetDir, 'manifest.json'), 'utf8')) as { files: Array<{ file: string; rowCount: number }> };
    expect(files.map((f) => path.posix.join(table, f.split(path.sep).join('/'))).sort()).toEqual(manifest.files.map((f) => f.file).sort());
    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    const fileRows: string[] = [];
    try {
      for (const file of files) {
        const reader = await duck.runAndReadAll(
          `SELECT ${[...duckSelect, ...extra.select.map((s) => s.replace(/^s\./, '').replace(/::text AS .*$/, ''))].join(', ')} FROM read_parquet('${path.join(datasetDir, table, file)}')`,
        );
        fileRows.push(...reader.getRowObjectsJS().map(normalize));
      }
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
    expect(dbRows.length).toBeGreaterThan(0);
    expect(fileRows.sort()).toEqual(dbRows.map(normalize).sort());
    return dbRows.length;
  }

  const cases: Array<{ kind: string; table: string; args: string[]; where: string; join?: boolean }> = [
    { kind: 'metrics', table: 'metric_points', args: ['--name', 'bot.spread_bps'], where: `s.metric_name = 'bot.spread_bps'`, join: true },
    { kind: 'candles', table: 'candles', args: ['--venue', 'binance', '--symbol', 'BTC-USDT'], where: `p.venue = 'binance' AND p.symbol = 'BTC-USDT' AND p.timeframe = '1m'` },
    { kind: 'orders', table: 'orders', args: [], where: 'true' },
    { kind: 'fills', table: 'fills', args: [], where: 'true' },
    { kind: 'positions', table: 'positions', args: [], where: 'true' },
    { kind: 'trades', table: 'trades', args: ['--venue', 'binance'], where: `p.venue = 'binance'` },
  ];
  for (const c of cases) {
    it(`export ${c.kind} --format parquet: DuckDB reads every file back, every value equal to the database's`, async () => {
      const out = path.join(dir, c.kind);
      const result = await run('export', c.kind, ...c.args, '--format', 'parquet', '--out', out);
      expect(result.code, result.err).toBe(0);
      const rows = await compare(c.table, out, {
        select: c.join ? [`s.metric_name::text AS metric_name`, `s.labels::text AS labels`] : [],
        from: c.join ? `metric_points p JOIN metric_series s ON s.id = p.series_id` : `${c.table} p`,
        where: `${c.where} AND p.time < now()`,
      });
      expect(result.out).toContain(`exported ${rows} `);
    });
  }

  it('an empty range prints that no file was written, and writes none', async () => {
    const out = path.join(dir, 'empty');
    const result = await run('export', 'fills', '--start', '1990-01-01T00:00:00Z', '--end', '1990-01-02T00:00:00Z', '--format', 'parquet', '--out', out);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('no fill(s) in the range: no file written');
    expect(existsSync(path.join(out, 'fills'))).toBe(false);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
  });

  it('refuses --format parquet without --out, and an unknown --format, with exit code 2 and no file', async () => {
    const noOut = await run('export', 'orders', '--format', 'parquet');
    expect([noOut.code, noOut.err]).toEqual([2, expect.stringContaining('--out <directory>')]);
    const bad = await run('export', 'orders', '--format', 'xml', '--out', path.join(dir, 'xml'));
    expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('invalid --format')]);
    expect(existsSync(path.join(dir, 'xml'))).toBe(false);
  });

  it('refuses to overwrite an existing dataset, naming the directory, and leaves it as it was', async () => {
    const out = path.join(dir, 'fills');
    const before = readdirSync(out, { recursive: true }).map(String).sort();
    const again = await run('export', 'fills', '--format', 'parquet', '--out', out);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/directory.*already holds a fills dataset/);
    expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(before);
  });

  it('export trades as CSV and import it back: every trade already stored; under another symbol: inserted', async () => {
    const file = path.join(dir, 'trades.csv');
    const trades = await count(`SELECT count(*)::int8 AS n FROM trades`);
    expect((await run('export', 'trades', '--out', file)).out).toContain(`exported ${trades} trade(s)`);
    expect((await run('import', 'trades', file)).out).toContain(`imported ${trades} trade(s): 0 inserted, ${trades} already stored`);
    const copy = path.join(dir, 'trades-copy.csv');
    writeFileSync(copy, readFileSync(file, 'utf8').replaceAll(',BTC-USDT,', ',COPY-USDT,'));
    const copied = await count(`SELECT count(*)::int8 AS n FROM trades WHERE symbol = 'BTC-USDT'`);
    expect((await run('import', 'trades', copy)).out).toContain(`${copied} inserted, ${trades - copied} already stored`);
    const [same] = await storage.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM trades a JOIN trades b ON b.trade_id = a.trade_id AND b.time = a.time AND b.price = a.price AND b.size = a.size AND b.side IS NOT DISTINCT FROM a.side
        WHERE a.symbol = 'BTC-USDT' AND b.symbol = 'COPY-USDT'`,
    );
    expect(Number(same!.n)).toBe(copied);
  });

  it('import trades counts a trade repeated in the file as a duplicate', async () => {
    const file = path.join(dir, 'repeat.csv');
    const row = '2026-11-21T00:00:00.123Z,kraken,XBT-USD,90000.5,0.25,buy,r-1';
    writeFileSync(file, `time,venue,symbol,price,size,side,trade_id\n${row}\n${row}\n`);
    expect((await run('import', 'trades', file)).out).toContain('imported 2 trade(s): 1 inserted, 1 already stored');
  });

  it('import trades refuses a file with a bad row, naming csv line N.<field>, and writes nothing', async () => {
    const before = await count(`SELECT count(*)::int8 AS n FROM trades`);
    const header = 'time,venue,symbol,price,size,side,trade_id';
    const good = '2026-11-22T00:00:00Z,kraken,XBT-USD,90000.5,0.25,buy,g-1';
    for (const [bad, field] of [
      ['2026-11-22T00:00:01Z,kraken,XBT-USD,-1,0.25,buy,b-1', 'csv line 3.price'],
      ['2026-11-22T00:00:01Z,kraken,XBT-USD,1,0,buy,b-1', 'csv line 3.size'],
      ['2026-11-22T00:00:01Z,kraken,XBT-USD,1,1,hold,b-1', 'csv line 3.side'],
      ['2026-11-22 00:00:01,kraken,XBT-USD,1,1,buy,b-1', 'csv line 3.time'],
      ['2026-11-22T00:00:01Z,kraken,XBT-USD,1,1,buy,', 'csv line 3.trade_id'],
    ] as const) {
      const file = path.join(dir, 'bad-trades.csv');
      writeFileSync(file, `${header}\n${good}\n${bad}\n`);
      const result = await run('import', 'trades', file);
      expect(result.code, bad).toBe(1);
      expect(result.err, bad).toContain(field);
    }
    expect(await count(`SELECT count(*)::int8 AS n FROM trades`)).toBe(before);
  });
});
