// The CLI's execution reads of a fleet on every engine: --account and
// --strategy filters, the funding, trades, accounts and strategies queries,
// export orders|fills, and money as plain decimal text (never exponent
// notation) in tables, CSV and JSON for tiny and huge values.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage } from '@ag/storage-core';
import { ExecutionStore } from '@ag/storage-execution';
import { createTestDatabaseUrl, describeEachEngine, type TestDatabaseUrl } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const HUGE = '99999999999999999999';
/** Exponent notation of a number anywhere in a text (not inside ids: a digit run with e and digits on its own). */
const EXPONENT = /(^|[\s,":[{])-?\d+(\.\d+)?[eE][+-]?\d+($|[\s,"}\]])/m;

describeEachEngine('ag-storage fleet queries and money text', ({ engine, adminUrl }) => {
  let url: string;
  let database: TestDatabaseUrl | undefined;
  let dir: string;
  const cli = (...args: string[]) => runCli(['--url', url, ...args]);
  const range = ['--start', new Date(T0 - 60_000).toISOString(), '--end', new Date(T0 + 86_400_000).toISOString()];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ag-cli-fleet-'));
    database = await createTestDatabaseUrl({ engine, adminUrl });
    url = database.url;
    const storage = await createStorage({ url, env: {}, config: { logging: { level: 'warn' } }, migrate: true });
    try {
      const x = new ExecutionStore(storage);
      await x.registerAccount({ id: 'live-1', venue: 'binance', mode: 'live' });
      await x.registerStrategy({ id: 'mm' });
      await x.registerStrategy({ id: 'trend' });
      const orders = [
        { cid: 'o-1', strategy: 'mm', price: '0.0000001', size: '1000', fee: '0.000000000000000001' },
        { cid: 'o-2', strategy: 'trend', price: HUGE, size: '0.000000000000000001', fee: '0.0000001' },
      ];
      for (const [i, o] of orders.entries()) {
        const time = new Date(T0 + i * 60_000);
        await x.storeOrder({ clientOrderId: o.cid, account: 'live-1', strategy: o.strategy, time, venue: 'binance', market: 'BTC-USDT', side: 'buy', orderType: 'limit', price: o.price, size: o.size, status: 'open', stateTime: time });
        await x.storeFill({ clientOrderId: o.cid, account: 'live-1', venueFillId: `f-${i}`, time: new Date(time.getTime() + 1000), price: o.price, size: o.size, fee: o.fee, feeCurrency: 'USDT' });
      }
      await x.storePosition({ time: new Date(T0), account: 'live-1', strategy: 'mm', venue: 'binance', market: 'BTC-USDT', size: '0.000000000000000001', avgEntryPrice: '0.0000001', unrealizedPnl: HUGE });
      await x.storeFundingPayments(
        Array.from({ length: 20 }, (_, i) => ({ time: new Date(T0 + i * 3_600_000), account: 'live-1', strategy: 'trend', venue: 'binance', market: 'BTC-USDT', amount: HUGE, rate: '0.0000001', currency: 'USDT', venuePaymentId: `p-${i}` })),
      );
    } finally {
      await storage.close();
    }
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('filters orders, fills and positions by --account and --strategy', async () => {
    const fills = await cli('query', 'fills', ...range, '--strategy', 'trend', '--json');
    expect(fills.code).toBe(0);
    expect(JSON.parse(fills.out).data.map((f: { venueFillId: string }) => f.venueFillId)).toEqual(['f-1']);
    const orders = await cli('query', 'orders', ...range, '--account', 'live-1', '--strategy', 'mm', '--json');
    expect(JSON.parse(orders.out).data.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(['o-1']);
    const none = await cli('query', 'orders', ...range, '--account', 'default', '--json');
    expect(JSON.parse(none.out).data).toEqual([]);
    const latest = await cli('query', 'positions', '--latest', '--strategy', 'mm', '--json');
    expect(JSON.parse(latest.out).data.map((p: { accountId: string }) => p.accountId)).toEqual(['live-1']);
  });

  it('lists accounts and strategies, funding payments and trade statistics per strategy', async () => {
    const accounts = await cli('query', 'accounts', '--csv');
    expect((parse(accounts.out, { columns: true }) as Array<{ id: string; mode: string }>).map((r) => `${r.id}:${r.mode}`)).toEqual(['default:live', 'live-1:live']);
    const strategies = await cli('query', 'strategies', '--json');
    expect(JSON.parse(strategies.out).data.map((s: { id: string }) => s.id)).toEqual(['default', 'mm', 'trend']);
    const funding = await cli('query', 'funding', ...range, '--csv');
    expect(parse(funding.out, { columns: true })).toHaveLength(20);
    const trades = await cli('query', 'statistics', ...range, '--json');
    const trend = JSON.parse(trades.out).data.find((s: { strategyId: string }) => s.strategyId === 'trend');
    expect(trend).toMatchObject({ fundingPnl: '1999999999999999999980', totalPnl: '1999999999999999999980' });
    expect((await cli('query', 'statistics', ...range, '--by', 'everything')).code).toBe(2);
  });

  it('writes money as plain decimal text in tables, CSV, JSON and exports, tiny and huge', async () => {
    const outputs: string[] = [];
    for (const format of [[], ['--csv'], ['--json']]) {
      for (const kind of [['fills', ...range], ['orders', ...range], ['positions', '--latest'], ['funding', ...range], ['statistics', ...range, '--by', 'market']]) {
        const result = await cli('query', ...kind, ...format);
        expect([kind[0], format[0], result.code]).toEqual([kind[0], format[0], 0]);
        outputs.push(result.out);
      }
    }
    const file = path.join(dir, 'fills.csv');
    const exported = await cli('export', 'fills', '--account', 'live-1', '--out', file);
    expect(exported.out).toContain('exported 2 fill(s)');
    const csv = readFileSync(file, 'utf8');
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.venueFillId, r.price, r.size, r.fee])).toEqual([
      ['f-0', '0.0000001', '1000', '0.000000000000000001'],
      ['f-1', HUGE, '0.000000000000000001', '0.0000001'],
    ]);
    const ordersFile = path.join(dir, 'orders.csv');
    expect((await cli('export', 'orders', '--strategy', 'trend', '--out', ordersFile)).code).toBe(0);
    const orders = readFileSync(ordersFile, 'utf8');
    expect((parse(orders, { columns: true }) as Array<{ clientOrderId: string; price: string }>).map((r) => [r.clientOrderId, r.price])).toEqual([['o-2', HUGE]]);
    outputs.push(csv, orders);
    for (const output of outputs) expect(output).not.toMatch(EXPONENT);
    const all = outputs.join('\n');
    for (const text of ['0.0000001', '0.000000000000000001', HUGE, '1999999999999999999980']) expect(all).toContain(text);
  });
});
