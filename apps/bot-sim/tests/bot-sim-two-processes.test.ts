// Two bot-sim processes, two bots with two strategies each, pointed at one
// PostgreSQL database at once (a server engine: the embedded one belongs to
// one process). They share the venue accounts and write side by side without
// colliding: every process exits cleanly, each bot's orders, fills and
// positions carry its own strategies, every fill is stored once and belongs
// to an order of its own strategy, and every order's filled size is the sum
// of its fills.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage, type Storage } from '@ag/storage-core';
import { createTestDatabase, describeEachServer, type TestDatabase } from '@ag/storage-testing';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

interface Exit {
  bot: string;
  code: number | null;
  out: string;
  err: string;
}

function runBotSim(url: string, bot: string): Promise<Exit> {
  const args = ['--url', url, '--bot', bot, '--no-serve', '--backfill-days', '1', '--markets', '3', '--strategies', '2', '--duration', '6', '--summary-every', '2', '--tick', '100', '--scheduler-delay', '3600'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, '--conditions=source', 'src/main.ts', ...args], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ bot, code, out, err }));
  });
}

describeEachServer('two bot-sim processes on one server', ({ adminUrl }) => {
  let database: TestDatabase | undefined;
  let storage: Storage;
  let exits: Exit[] = [];
  const bots = ['alpha', 'beta'];
  const count = async (sql: string, params: unknown[] = []) => Number((await storage.query<{ n: number }>(sql, params))[0]?.n);

  beforeAll(async () => {
    database = await createTestDatabase(adminUrl);
    exits = await Promise.all(bots.map((bot) => runBotSim(database!.url, bot)));
    storage = await createStorage({ url: database.url, env: {}, config: { logging: { level: 'warn' } } });
  }, 240_000);
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('both processes run to the end and stop cleanly', () => {
    for (const exit of exits) {
      expect([exit.bot, exit.code, exit.err.trim()]).toEqual([exit.bot, 0, '']);
      expect(exit.out).toMatch(/\[bot-sim\] stopped: [\d,]+ live points accepted, [\d,]+ flushed, 0 left in the buffer, 0 dead-lettered/);
      expect(exit.out).not.toMatch(/failed/);
      expect(exit.out).toMatch(new RegExp(`\\| pnl ${exit.bot}\\.mm-1 live -?\\d+\\.\\d\\d paper -?\\d+\\.\\d\\d, ${exit.bot}\\.mm-2 live`));
    }
  });

  it('keeps each bot\'s orders, fills and positions under its own strategies, in the shared accounts', async () => {
    for (const bot of bots) {
      const strategies = await storage.query<{ strategy_id: string }>(`SELECT DISTINCT strategy_id FROM orders WHERE client_order_id LIKE $1 ORDER BY 1`, [`${bot}-%`]);
      expect(strategies.map((s) => s.strategy_id)).toEqual([`${bot}.mm-1`, `${bot}.mm-2`]);
      // 3 markets (2 at binance, 1 at coinbase) x 2 strategies x live and paper.
      expect(await count(`SELECT count(*)::int AS n FROM latest_positions WHERE strategy_id LIKE $1`, [`${bot}.%`])).toBe(12);
    }
    const sharing = await storage.query<{ strategy_id: string }>(`SELECT DISTINCT strategy_id FROM orders WHERE account_id = 'sim-live-binance' ORDER BY 1`);
    expect(sharing.map((s) => s.strategy_id)).toEqual(['alpha.mm-1', 'alpha.mm-2', 'beta.mm-1', 'beta.mm-2']);
  });

  it('stores every fill once, on an order of its own strategy, and fills each order by exactly the sum of its fills', async () => {
    expect(await count(`SELECT count(*)::int AS n FROM fills`)).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM fills`)).toBe(await count(`SELECT count(*)::int AS n FROM fill_keys`));
    expect(await count(`SELECT count(*)::int AS n FROM fills f JOIN orders o ON o.id = f.order_id WHERE (f.account_id, f.strategy_id) <> (o.account_id, o.strategy_id)`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM fills f JOIN orders o ON o.id = f.order_id WHERE split_part(o.client_order_id, '-', 1) <> split_part(f.strategy_id, '.', 1)`)).toBe(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM orders o
                    WHERE o.filled_size <> coalesce((SELECT sum(size) FROM fills f WHERE f.order_id = o.id), 0)`),
    ).toBe(0);
    for (const bot of bots) {
      expect(await count(`SELECT count(*)::int AS n FROM funding_payments WHERE strategy_id LIKE $1`, [`${bot}.%`])).toBeGreaterThan(0);
    }
  });
});
