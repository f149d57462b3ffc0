// The `bench execution` suite: ExecutionStore and MarketDataStore write and
// lookup rates on each engine, each next to a raw baseline measured in the
// same run on the same database (the machine is noisy: compare ratios, not
// absolute figures across runs).
//   orders/s   storeOrders (batches of 1000: insert, then update new -> open),
//              storeOrder one at a time; baselines: INSERT ... SELECT unnest,
//              COPY, Prisma createMany of the same kind of rows
//   fills/s    storeFills (batches of 1000, each fill moving its order to
//              filled), re-sent duplicates, storeFill one at a time;
//              baseline: INSERT ... SELECT unnest of the fills alone
//   latest position p50/p95: getLatestPosition vs the same raw query and the
//              latest_positions view
//   candles/s  upsertCandles (batches of 5000), and findGaps latency

import { ExecutionStore, MarketDataStore } from '@ag/storage-execution';
import { openBenchDatabase } from './bench-database.js';
import { measureLatency, measureRun, type BenchEngine, type BenchRow, type BenchSuite } from './bench-harness.js';
import {
  chunks,
  copyOrders,
  generateCandles,
  generateFills,
  generateOrders,
  generatePositions,
  prismaCreateOrders,
  rawInsertFills,
  rawInsertOrders,
} from './execution-workload.js';

interface Sizes {
  orders: number;
  singles: number;
  prismaOrders: number;
  positionMarkets: number;
  positionsPerMarket: number;
  lookups: number;
  candleSymbols: number;
  candlesPerSymbol: number;
}

const QUICK: Sizes = { orders: 4000, singles: 300, prismaOrders: 1000, positionMarkets: 20, positionsPerMarket: 250, lookups: 300, candleSymbols: 4, candlesPerSymbol: 2500 };
const FULL: Sizes = { orders: 40_000, singles: 2000, prismaOrders: 5000, positionMarkets: 50, positionsPerMarket: 2000, lookups: 2000, candleSymbols: 10, candlesPerSymbol: 20_000 };
const BATCH = 1000;

export const suite: BenchSuite = {
  name: 'execution',
  description: 'orders/s and fills/s through ExecutionStore, latest-position p95, candles/s; raw INSERT, COPY and Prisma baselines',
  async run(options, report) {
    const sizes = options.quick ? QUICK : FULL;
    for (const engine of options.engines) {
      const db = await openBenchDatabase(engine, options);
      try {
        await runOnEngine(engine, db.storage, sizes, report);
      } finally {
        await db.dispose();
      }
    }
  },
};

async function runOnEngine(
  engine: BenchEngine,
  storage: Parameters<typeof rawInsertOrders>[0],
  sizes: Sizes,
  report: (row: BenchRow) => void,
): Promise<void> {
  const store = new ExecutionStore(storage);
  const market = new MarketDataStore(storage);
  const rate = (rows: number, seconds: number) => rows / seconds;

  // ---- orders: baselines first, then the store, same row shapes and counts.
  const rawOrders = generateOrders('raw', sizes.orders);
  const raw = await measureRun(async () => {
    for (const batch of chunks(rawOrders, BATCH)) await rawInsertOrders(storage, batch);
  });
  const rawRate = rate(sizes.orders, raw.seconds);
  report({ engine, case: 'orders: raw INSERT unnest (baseline)', perSecond: rawRate, unit: 'orders', peakRssMb: raw.peakRssMb });

  const copied = generateOrders('copy', sizes.orders);
  const copy = await measureRun(async () => {
    for (const batch of chunks(copied, BATCH)) await copyOrders(storage, batch);
  });
  report({ engine, case: 'orders: COPY (baseline)', perSecond: rate(sizes.orders, copy.seconds), unit: 'orders', peakRssMb: copy.peakRssMb });

  const prismaRows = generateOrders('prisma', sizes.prismaOrders);
  const prisma = await measureRun(async () => {
    for (const batch of chunks(prismaRows, BATCH)) await prismaCreateOrders(storage, batch);
  });
  report({ engine, case: 'orders: Prisma createMany (baseline)', perSecond: rate(sizes.prismaOrders, prisma.seconds), unit: 'orders', peakRssMb: prisma.peakRssMb });

  const orders = generateOrders('store', sizes.orders);
  const inserted = await measureRun(async () => {
    for (const batch of chunks(orders, BATCH)) await store.storeOrders(batch);
  });
  const insertRate = rate(sizes.orders, inserted.seconds);
  report({
    engine, case: 'orders: storeOrders insert (batch 1000)', perSecond: insertRate, unit: 'orders', peakRssMb: inserted.peakRssMb,
    notes: { vs_raw_insert: insertRate / rawRate },
  });

  const opened = orders.map((o) => ({ ...o, status: 'open' as const, stateTime: new Date((o.stateTime as Date).getTime() + 100) }));
  const updated = await measureRun(async () => {
    for (const batch of chunks(opened, BATCH)) await store.storeOrders(batch);
  });
  report({ engine, case: 'orders: storeOrders update new->open (batch 1000)', perSecond: rate(sizes.orders, updated.seconds), unit: 'orders', peakRssMb: updated.peakRssMb });

  const singles = generateOrders('single', sizes.singles);
  const single = await measureLatency((i) => store.storeOrder(singles[i] as (typeof singles)[number]), sizes.singles - 5, 5);
  report({ engine, case: 'orders: storeOrder one at a time', perSecond: 1000 / single.meanMs, unit: 'orders', p50Ms: single.p50Ms, p95Ms: single.p95Ms, p99Ms: single.p99Ms });

  // ---- fills: each fills its (open) order completely.
  const rawFills = generateFills(rawOrders, 'rawfill');
  const rawFill = await measureRun(async () => {
    for (const batch of chunks(rawFills, BATCH)) await rawInsertFills(storage, batch);
  });
  const rawFillRate = rate(sizes.orders, rawFill.seconds);
  report({ engine, case: 'fills: raw INSERT unnest, no order update (baseline)', perSecond: rawFillRate, unit: 'fills', peakRssMb: rawFill.peakRssMb });

  const fills = generateFills(orders, 'fill');
  const storedFills = await measureRun(async () => {
    for (const batch of chunks(fills, BATCH)) await store.storeFills(batch);
  });
  const fillRate = rate(sizes.orders, storedFills.seconds);
  report({
    engine, case: 'fills: storeFills with order update (batch 1000)', perSecond: fillRate, unit: 'fills', peakRssMb: storedFills.peakRssMb,
    notes: { vs_raw_insert: fillRate / rawFillRate },
  });

  const resent = await measureRun(async () => {
    for (const batch of chunks(fills, BATCH)) await store.storeFills(batch);
  });
  report({ engine, case: 'fills: storeFills re-sent duplicates (batch 1000)', perSecond: rate(sizes.orders, resent.seconds), unit: 'fills' });

  const singleFills = generateFills(singles.slice(0, sizes.singles - 5), 'singlefill');
  const singleFill = await measureLatency((i) => store.storeFill(singleFills[i] as (typeof singleFills)[number]), singleFills.length - 5, 5);
  report({ engine, case: 'fills: storeFill one at a time', perSecond: 1000 / singleFill.meanMs, unit: 'fills', p50Ms: singleFill.p50Ms, p95Ms: singleFill.p95Ms, p99Ms: singleFill.p99Ms });

  // ---- positions: snapshots, then latest-position lookups.
  const positions = generatePositions('bench', sizes.positionMarkets, sizes.positionsPerMarket);
  const storedPositions = await measureRun(async () => {
    for (const batch of chunks(positions, 5000)) await store.storePositions(batch);
  });
  report({ engine, case: 'positions: storePositions (batch 5000)', perSecond: rate(positions.length, storedPositions.seconds), unit: 'snapshots' });
  const marketOf = (i: number) => `P${(i * 7) % sizes.positionMarkets}-USD`;
  const latest = await measureLatency((i) => store.getLatestPosition('bench', marketOf(i)), sizes.lookups);
  report({
    engine, case: `getLatestPosition (${positions.length} snapshots)`, p50Ms: latest.p50Ms, p95Ms: latest.p95Ms, p99Ms: latest.p99Ms,
    perSecond: 1000 / latest.meanMs, unit: 'lookups',
  });
  const rawLatest = await measureLatency(
    (i) => storage.query(`SELECT * FROM positions WHERE venue = $1 AND market = $2 ORDER BY time DESC LIMIT 1`, ['bench', marketOf(i)]),
    sizes.lookups,
  );
  report({ engine, case: 'latest position: raw SQL (baseline)', p50Ms: rawLatest.p50Ms, p95Ms: rawLatest.p95Ms, p99Ms: rawLatest.p99Ms, perSecond: 1000 / rawLatest.meanMs, unit: 'lookups' });
  const viewLatest = await measureLatency(
    (i) => storage.query(`SELECT * FROM latest_positions WHERE venue = $1 AND market = $2`, ['bench', marketOf(i)]),
    Math.min(sizes.lookups, 200),
  );
  report({ engine, case: 'latest position: latest_positions view (baseline)', p50Ms: viewLatest.p50Ms, p95Ms: viewLatest.p95Ms, p99Ms: viewLatest.p99Ms, perSecond: 1000 / viewLatest.meanMs, unit: 'lookups' });

  // ---- candles.
  const candles = generateCandles('bench', sizes.candleSymbols, sizes.candlesPerSymbol);
  const upserted = await measureRun(async () => {
    for (const batch of chunks(candles, 5000)) await market.upsertCandles(batch);
  });
  report({ engine, case: 'candles: upsertCandles insert (batch 5000)', perSecond: rate(candles.length, upserted.seconds), unit: 'bars', peakRssMb: upserted.peakRssMb });
  const again = await measureRun(async () => {
    for (const batch of chunks(candles, 5000)) await market.upsertCandles(batch);
  });
  report({ engine, case: 'candles: upsertCandles unchanged re-send (batch 5000)', perSecond: rate(candles.length, again.seconds), unit: 'bars' });
  const end = new Date(Date.UTC(2026, 10, 2) + sizes.candlesPerSymbol * 60_000);
  const gaps = await measureLatency(
    (i) => market.findGaps({ venue: 'bench', symbol: `S${i % sizes.candleSymbols}-USD`, timeframe: '1m', start: new Date(Date.UTC(2026, 10, 2)), end }),
    50,
    2,
  );
  report({ engine, case: `findGaps over ${sizes.candlesPerSymbol} bars`, p50Ms: gaps.p50Ms, p95Ms: gaps.p95Ms, p99Ms: gaps.p99Ms });
}
