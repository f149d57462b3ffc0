// The stores and the API read from a streaming replica (database.read_url):
// a private primary and a replica made from it with pg_basebackup. Writes go
// through the stores to the primary; metrics, orders, fills, candles, events
// and the /api routes answer from the replica. Under replica lag (replay
// paused) they answer with what the replica has, while the primary already
// holds the new rows; once replay resumes they catch up. A read that
// refreshes a rollup first (candles from trades, daily stats) runs on the
// primary and sees the fresh write. GET /health reports the replica's lag:
// 0 once it has replayed everything, however idle the primary. The metrics
// query cache keeps no answer of a replica that lacks the engine's own
// writes. The candle CSV export and the overview's row counts read the replica.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStorage, type Storage } from '@ag/storage-core';
import { StorageEngine } from '@ag/storage-metrics';
import { openStorageServices, StorageOverviewCache, type StorageServices } from '@ag/storage-services';
import { describeUnless, privatePostgresUnavailableReason, startPrivatePostgres, type PrivatePostgres } from '@ag/storage-testing';
import { createApiServer, type ApiServer } from '../src/index.js';

const unavailable = privatePostgresUnavailableReason();
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describeUnless(unavailable, 'stores and API read from a streaming replica [replica]', () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let storage: Storage;
  let services: StorageServices;
  let api: ApiServer;

  /** Waits until the replica has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const [{ lsn }] = (await storage.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [row] = await storage.readQuery<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]);
      if (row?.done) return;
      if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const get = async (url: string) => {
    const response = await api.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  const order = (i: number) => ({
    clientOrderId: `replica-${i}`, time: new Date(T0 + i * MINUTE), venue: 'binance', market: 'BTC-USD', side: 'buy' as const,
    orderType: 'limit' as const, price: `${1000 + i}.5`, size: '2', status: 'open' as const, stateTime: new Date(T0 + i * MINUTE),
  });
  const fill = (i: number) => ({ clientOrderId: `replica-${i}`, venueFillId: `replica-fill-${i}`, time: new Date(T0 + i * MINUTE + 500), price: `${1000 + i}.5`, size: '1.25', fee: '0.01' });
  const candle = (i: number) => ({
    time: new Date(T0 + i * MINUTE), venue: 'binance', symbol: 'BTC-USD', timeframe: '1m' as const, open: '100', high: `${102 + i}`, low: '99', close: `${100 + i}`, volume: '1.5',
  });
  const point = (i: number) => ({ name: 'replica.pnl', value: i, timestamp: T0 + i * MINUTE, labels: { venue: 'binance', market: 'BTC-USD' } });
  const range = { start: new Date(T0), end: new Date(T0 + 60 * MINUTE) };

  /** What the stores and the API answer, in a form to compare. */
  const snapshot = async () => ({
    points: (await services.metrics.queryMetrics({ name: 'replica.pnl', ...range })).map((p) => p.value),
    hourly: (await services.metrics.queryAggregated({ name: 'replica.pnl', ...range, bucket: '1h', aggregations: ['count', 'max'] })).map((r) => [r.count, r.max]),
    latest: (await services.metrics.queryLatest({ name: 'replica.pnl' })).map((p) => p.value),
    orders: (await services.executions.queryOrders({ ...range })).orders.map((o) => o.clientOrderId),
    fills: (await services.executions.queryFills({ ...range })).fills.map((f) => f.venueFillId),
    candles: (await services.marketData.getCandles({ venue: 'binance', symbol: 'BTC-USD', timeframe: '1m', ...range })).map((c) => c.close.toString()),
    events: (await services.events.queryEvents({ ...range })).map((e) => e.message),
    apiPoints: (await get(`/api/metrics/query?name=replica.pnl&start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}`)).data.map((p: { value: number }) => p.value),
    apiOrders: (await get(`/api/orders?start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}`)).data.map((o: { clientOrderId: string }) => o.clientOrderId),
  });
  const writeRound = async (i: number) => {
    await services.metrics.insertMetricsBatch([point(i)]);
    await services.executions.storeOrders([order(i)]);
    await services.executions.storeFills([fill(i)]);
    await services.marketData.upsertCandles([candle(i)]);
    await services.events.logEvents([{ time: T0 + i * MINUTE, kind: 'replica.probe', source: 'replica-test', severity: 'info', message: `event ${i}` }]);
  };
  const expected = (rounds: number[]) => {
    const sorted = [...rounds].sort((a, b) => a - b);
    return {
      points: sorted,
      hourly: [[sorted.length, Math.max(...sorted)]],
      latest: [Math.max(...sorted)],
      orders: sorted.map((i) => `replica-${i}`),
      fills: sorted.map((i) => `replica-fill-${i}`),
      candles: sorted.map((i) => `${100 + i}`),
      events: sorted.map((i) => `event ${i}`),
      apiPoints: sorted,
      apiOrders: [...sorted].reverse().map((i) => `replica-${i}`),
    };
  };

  beforeAll(async () => {
    primary = await startPrivatePostgres({ settings: { wal_level: 'replica', max_wal_senders: '4' } });
    replica = await startPrivatePostgres({ fromBaseBackupOf: primary, settings: { hot_standby: 'on' } });
    storage = await createStorage({ url: primary.url, env: {}, config: { database: { read_url: replica.url }, logging: { level: 'silent' } }, migrate: true });
    services = openStorageServices(storage);
    api = await createApiServer(services);
    await caughtUp();
  });
  afterAll(async () => {
    await api?.close();
    await services?.metrics.close();
    await storage?.close();
    await replica?.destroy();
    await primary?.destroy();
  });

  it('writes through the stores reach the replica, and every store and the API read them from there', async () => {
    expect(storage.readsFromReplica).toBe(true);
    for (const i of [1, 2, 3]) await writeRound(i);
    await caughtUp();
    expect(await snapshot()).toEqual(expected([1, 2, 3]));
  });

  it('under replica lag the stores and the API answer with what the replica has; they catch up once replay resumes', async () => {
    const before = await snapshot();
    await storage.reader.query('SELECT pg_wal_replay_pause()');
    try {
      await writeRound(4);
      // The primary holds the new rows at once.
      expect(await storage.query(`SELECT 1 AS one FROM orders WHERE client_order_id = 'replica-4'`)).toEqual([{ one: 1 }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await snapshot()).toEqual(before);
      const health = await storage.health();
      expect(health.replica).toMatchObject({ status: 'ok', inRecovery: true, replayPaused: true });
      expect(health.replica?.lagSeconds).toBeGreaterThan(0);
      expect(health.replica?.lagBytes).toBeGreaterThan(0);
      const probe = await get('/health');
      expect(probe.status).toBe('ok');
      expect(probe.replica).toMatchObject({ status: 'ok', inRecovery: true, replayPaused: true });
      expect(probe.replica.lagSeconds).toBeGreaterThan(0);
    } finally {
      await storage.reader.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await snapshot()).toEqual(expected([1, 2, 3, 4]));
  });

  it('a read that refreshes a rollup first runs on the primary: it sees a fresh write the replica has not replayed', async () => {
    await storage.reader.query('SELECT pg_wal_replay_pause()');
    try {
      await services.marketData.storeTrades([
        { time: new Date(T0 + 5 * MINUTE + 1_000), venue: 'binance', symbol: 'ETH-USD', price: '2000.5', size: '3', tradeId: 'replica-trade-1' },
      ]);
      await services.executions.storeOrders([order(5)]);
      await services.executions.storeFills([fill(5)]);
      const bars = await services.marketData.getCandles({ venue: 'binance', symbol: 'ETH-USD', timeframe: '1m', ...range, source: 'trades' });
      expect(bars.map((b) => [b.time.getTime(), b.close.toString(), b.volume.toString()])).toEqual([[T0 + 5 * MINUTE, '2000.5', '3']]);
      const stats = await services.executions.getFillDailyStats({ start: new Date(Date.UTC(2026, 10, 20)), end: new Date(Date.UTC(2026, 10, 21)) });
      expect(stats.map((s) => s.fillCount)).toEqual([5]);
      // Without the refresh the same read goes to the replica, which has not replayed the trade.
      expect(await services.marketData.queryTrades({ venue: 'binance', symbol: 'ETH-USD', ...range })).toEqual([]);
    } finally {
      await storage.reader.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect((await services.marketData.queryTrades({ venue: 'binance', symbol: 'ETH-USD', ...range })).map((t) => t.tradeId)).toEqual(['replica-trade-1']);
  });

  it('GET /health reports lag 0 for a replica that has replayed everything, while the primary stays idle', async () => {
    await caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await expect
      .poll(async () => (await get('/health')).replica, { timeout: 5_000, interval: 100 })
      .toMatchObject({ status: 'ok', inRecovery: true, lagSeconds: 0, lagBytes: 0, replayPaused: false });
  });

  it('the query cache keeps no answer of a replica that has not replayed the engine\'s own write: the read after catch-up is fresh', async () => {
    const cached = new StorageEngine(storage, { query: { enable_cache: true, cache_ttl_sec: 600 } });
    const read = async () => (await cached.queryMetrics({ name: 'replica.cached', ...range })).map((p) => p.value);
    const at = (i: number) => ({ name: 'replica.cached', value: i, timestamp: T0 + i * MINUTE, labels: { venue: 'binance' } });
    try {
      await cached.insertMetricsBatch([at(1)]);
      await caughtUp();
      expect(await read()).toEqual([1]);
      expect(await read()).toEqual([1]);
      expect(cached.stats()).toMatchObject({ queryCacheMisses: 1, queryCacheHits: 1 });

      await storage.reader.query('SELECT pg_wal_replay_pause()');
      try {
        // A fresh key (another range), so that the entry above does not answer.
        const fresh = async () => (await cached.queryMetrics({ name: 'replica.cached', start: range.start, end: new Date(T0 + 30 * MINUTE) })).map((p) => p.value);
        await cached.insertMetricsBatch([at(2)]);
        // Stale, as every read of a lagging replica is, and not kept.
        expect(await fresh()).toEqual([1]);
        expect(await fresh()).toEqual([1]);
        await storage.reader.query('SELECT pg_wal_replay_resume()');
        await caughtUp();
        expect(await fresh()).toEqual([1, 2]);
        // Now the replica holds the write: the answer is kept. Both paused reads were misses.
        expect(await fresh()).toEqual([1, 2]);
        expect(cached.stats()).toMatchObject({ queryCacheMisses: 4, queryCacheHits: 2 });
      } finally {
        await storage.reader.query('SELECT pg_wal_replay_resume()');
      }
    } finally {
      await cached.close();
    }
  });

  it('the candle CSV export and the overview\'s row counts read the replica: a paused replica shows the older data', async () => {
    const series = { venue: 'binance', symbol: 'SOL-USD', timeframe: '1m' as const, ...range };
    const exported = async () => {
      let text = '';
      for await (const chunk of services.marketData.exportCandlesCsv(series)) text += String(chunk);
      return text.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    };
    const overview = new StorageOverviewCache(services, 0);
    await services.marketData.upsertCandles([{ ...candle(1), symbol: 'SOL-USD' }]);
    await caughtUp();
    const before = (await overview.get()).rows.candles ?? 0;
    expect(await exported()).toEqual([iso(T0 + MINUTE)]);
    await storage.reader.query('SELECT pg_wal_replay_pause()');
    try {
      await services.marketData.upsertCandles([{ ...candle(2), symbol: 'SOL-USD' }]);
      const [{ n }] = (await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM candles')) as [{ n: number }];
      expect(n).toBe(before + 1);
      expect(await exported()).toEqual([iso(T0 + MINUTE)]);
      expect((await overview.get()).rows.candles).toBe(before);
    } finally {
      await storage.reader.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await exported()).toEqual([iso(T0 + MINUTE), iso(T0 + 2 * MINUTE)]);
    expect((await overview.get()).rows.candles).toBe(before + 1);
  });
});
