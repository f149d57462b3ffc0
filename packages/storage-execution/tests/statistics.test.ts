// Daily statistics (fills_daily_stats, orders_daily_stats) and trade
// statistics against oracles computed here from the inserted history, on
// every engine (a continuous aggregate embedded, a rollup table on PostgreSQL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type TradeStatistics } from '../src/index.js';
import { Rational, replayWithRationals } from './support/rational-ledger.js';
import { buildTradingHistory, utcDaysAgo, type HistoryFill, type TradingHistory } from './support/trading-history.js';
import { uniqueName } from './support/fixtures.js';

const DAY = 86_400_000;
const dayOf = (time: Date) => new Date(Math.floor(time.getTime() / DAY) * DAY);

describeEachEngine('execution statistics', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  let history: TradingHistory;
  const venue = uniqueName('stats');
  const markets = ['BTC-USDT', `ETH'USDT`];
  const firstDay = utcDaysAgo(5);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
    history = buildTradingHistory({ venue, markets, firstDay, days: 4, fillsPerMarket: 60, seed: 7 });
    await store.storeOrders(history.orders);
    await store.storeFills(history.fillInputs);
  });
  afterAll(async () => storage?.close());

  describe('daily statistics', () => {
    it('fills_daily_stats equal sums computed from the fills', async () => {
      const stats = await store.getFillDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue });
      const oracle = new Map<string, { count: number; volume: Rational; notional: Rational; fees: Rational; buy: Rational; sell: Rational }>();
      for (const f of history.fills) {
        const key = `${dayOf(f.time).toISOString()}|${f.market}`;
        const o = oracle.get(key) ?? { count: 0, volume: new Rational(0n), notional: new Rational(0n), fees: new Rational(0n), buy: new Rational(0n), sell: new Rational(0n) };
        const size = Rational.of(f.size);
        o.count += 1;
        o.volume = o.volume.plus(size);
        o.notional = o.notional.plus(size.times(Rational.of(f.price)));
        o.fees = o.fees.plus(Rational.of(f.fee));
        if (f.side === 'buy') o.buy = o.buy.plus(size);
        else o.sell = o.sell.plus(size);
        oracle.set(key, o);
      }
      expect(stats.map((s) => `${s.day.toISOString()}|${s.market}`).sort()).toEqual([...oracle.keys()].sort());
      for (const s of stats) {
        const o = oracle.get(`${s.day.toISOString()}|${s.market}`);
        if (!o) throw new Error('missing oracle row');
        expect(s.fillCount).toBe(o.count);
        expect(s.volume.toFixed()).toBe(o.volume.toFixed(18));
        expect(s.notional.toFixed()).toBe(o.notional.toFixed(18));
        expect(s.fees.map((f) => [f.currency, f.amount.toFixed()])).toEqual([[null, o.fees.toFixed(18)]]);
        expect(s.buyVolume.toFixed()).toBe(o.buy.toFixed(18));
        expect(s.sellVolume.toFixed()).toBe(o.sell.toFixed(18));
        // VWAP is a NUMERIC division: compare to 12 decimals.
        expect(Rational.of(s.vwap?.toFixed() ?? '0').minus(o.notional.div(o.volume)).abs().compare(Rational.of('0.000000000001'))).toBeLessThan(0);
      }
    });

    it('orders_daily_stats equal counts and sums computed from the orders', async () => {
      const stats = await store.getOrderDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue });
      const stored = await Promise.all(history.orders.map((o) => store.getOrder({ clientOrderId: o.clientOrderId })));
      const oracle = new Map<string, { count: number; statuses: Record<string, number>; size: Rational; filled: Rational; notional: Rational }>();
      const rangeEnd = new Date(firstDay.getTime() + 10 * DAY);
      for (const o of stored) {
        if (!o) throw new Error('order missing');
        if (o.time < firstDay || o.time >= rangeEnd) continue;
        const key = `${dayOf(o.time).toISOString()}|${o.market}`;
        const e = oracle.get(key) ?? { count: 0, statuses: {}, size: new Rational(0n), filled: new Rational(0n), notional: new Rational(0n) };
        e.count += 1;
        e.statuses[o.status] = (e.statuses[o.status] ?? 0) + 1;
        e.size = e.size.plus(Rational.of(o.size.toFixed()));
        e.filled = e.filled.plus(Rational.of(o.filledSize.toFixed()));
        if (o.price) e.notional = e.notional.plus(Rational.of(o.size.toFixed()).times(Rational.of(o.price.toFixed())));
        oracle.set(key, e);
      }
      expect(stats.map((s) => `${s.day.toISOString()}|${s.market}`).sort()).toEqual([...oracle.keys()].sort());
      for (const s of stats) {
        const e = oracle.get(`${s.day.toISOString()}|${s.market}`);
        if (!e) throw new Error('missing oracle row');
        expect([s.orderCount, s.filledCount, s.cancelledCount, s.rejectedCount, s.expiredCount, s.partiallyFilledCount]).toEqual([
          e.count, e.statuses.filled ?? 0, e.statuses.cancelled ?? 0, e.statuses.rejected ?? 0, e.statuses.expired ?? 0, e.statuses.partially_filled ?? 0,
        ]);
        expect(s.submittedSize.toFixed()).toBe(e.size.toFixed(18));
        expect(s.filledSize.toFixed()).toBe(e.filled.toFixed(18));
        expect(s.submittedNotional.toFixed()).toBe(e.notional.toFixed(18));
      }
    });

    it('picks up fills and order changes made after an earlier read', async () => {
      const market = uniqueName('late');
      const day = utcDaysAgo(1);
      const order = { clientOrderId: uniqueName('late'), time: new Date(day.getTime() + 3600_000), venue, market, side: 'buy' as const, orderType: 'market' as const, size: '5' };
      await store.storeOrder(order);
      const range = { start: day, end: new Date(day.getTime() + DAY), venue, market };
      expect(await store.getFillDailyStats(range)).toEqual([]);
      expect((await store.getOrderDailyStats(range))[0]?.filledCount).toBe(0);
      await store.storeFill({ clientOrderId: order.clientOrderId, venueFillId: 'x1', time: new Date(day.getTime() + 3601_000), price: '10', size: '5' });
      const [fills] = await store.getFillDailyStats(range);
      expect([fills?.fillCount, fills?.volume.toFixed(), fills?.notional.toFixed()]).toEqual([1, '5', '50']);
      expect((await store.getOrderDailyStats(range))[0]?.filledCount).toBe(1);
    });

    it('refuses a reversed range', async () => {
      const error = await store.getFillDailyStats({ start: firstDay, end: firstDay }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('query.end');
    });
  });

  describe('trade statistics', () => {
    const oracleStats = (fills: HistoryFill[], start: Date, end: Date) => {
      const trips: Array<{ net: Rational; closedAt: number }> = [];
      for (const market of markets) {
        const own = fills.filter((f) => f.market === market && f.time < end).sort((a, b) => a.time.getTime() - b.time.getTime());
        for (const t of replayWithRationals(own).trips) {
          const closedAt = (own[t.closedAtIndex] as HistoryFill).time.getTime();
          if (closedAt >= start.getTime()) trips.push({ net: t.netPnl, closedAt });
        }
      }
      trips.sort((a, b) => a.closedAt - b.closedAt);
      const zero = new Rational(0n);
      const wins = trips.filter((t) => t.net.sign() > 0);
      const losses = trips.filter((t) => t.net.sign() < 0);
      const sum = (list: typeof trips) => list.reduce((s, t) => s.plus(t.net), zero);
      let equity = zero;
      let peak = zero;
      let maxDrawdown = zero;
      for (const t of trips) {
        equity = equity.plus(t.net);
        if (equity.compare(peak) > 0) peak = equity;
        if (peak.minus(equity).compare(maxDrawdown) > 0) maxDrawdown = peak.minus(equity);
      }
      return { trips, wins, losses, realized: sum(trips), grossProfit: sum(wins), grossLoss: sum(losses), maxDrawdown };
    };

    const expectMatches = (actual: TradeStatistics, o: ReturnType<typeof oracleStats>) => {
      expect(actual.tradeCount).toBe(o.trips.length);
      expect(actual.winCount).toBe(o.wins.length);
      expect(actual.lossCount).toBe(o.losses.length);
      expect(o.trips.length).toBeGreaterThan(0);
      expect(actual.winRate).toBeCloseTo(o.wins.length / o.trips.length, 12);
      expect(actual.realizedPnl.toFixed()).toBe(o.realized.toFixed(18));
      expect(actual.grossProfit.toFixed()).toBe(o.grossProfit.toFixed(18));
      expect(actual.grossLoss.toFixed()).toBe(o.grossLoss.toFixed(18));
      const mean = (total: Rational, n: number) => (n === 0 ? undefined : total.div(new Rational(BigInt(n))).toFixed(18));
      expect(actual.averageWin?.toFixed()).toBe(mean(o.grossProfit, o.wins.length));
      expect(actual.averageLoss?.toFixed()).toBe(mean(o.grossLoss, o.losses.length));
      if (o.losses.length === 0) expect(actual.profitFactor).toBeNull();
      else expect(actual.profitFactor).toBeCloseTo(Number(o.grossProfit.div(o.grossLoss.abs()).toFixed(15)), 10);
      expect(actual.maxDrawdown.toFixed()).toBe(o.maxDrawdown.toFixed(18));
    };

    it('matches an oracle over the whole history, overall and per market', async () => {
      const start = firstDay;
      const end = new Date(firstDay.getTime() + 5 * DAY);
      const report = await store.getTradeStatistics({ start, end, venue });
      const overall = oracleStats(history.fills, start, end);
      expect(overall.trips.length).toBeGreaterThan(5);
      expect(overall.losses.length).toBeGreaterThan(0);
      expectMatches(report.overall, overall);
      for (const market of markets) {
        const perMarket = report.markets.find((m) => m.market === market);
        if (!perMarket) throw new Error(`no statistics for ${market}`);
        expectMatches(perMarket, oracleStats(history.fills.filter((f) => f.market === market), start, end));
      }
    });

    it('counts only trades closed in the period, measuring trades opened before it whole', async () => {
      const start = new Date(firstDay.getTime() + 1.5 * DAY);
      const end = new Date(firstDay.getTime() + 3 * DAY);
      const report = await store.getTradeStatistics({ start, end, venue, market: 'BTC-USDT' });
      expectMatches(report.overall, oracleStats(history.fills.filter((f) => f.market === 'BTC-USDT'), start, end));
      const trips = await store.listRoundTrips({ start, end, venue, market: 'BTC-USDT' });
      expect(trips).toHaveLength(report.overall.tradeCount);
      expect(trips.every((t) => t.closedAt >= start && t.closedAt < end)).toBe(true);
    });

    it('reports no trades and null ratios for an empty period', async () => {
      const report = await store.getTradeStatistics({ start: '2001-01-01T00:00:00Z', end: '2001-01-02T00:00:00Z', venue });
      expect(report.overall).toMatchObject({ tradeCount: 0, winRate: null, profitFactor: null, averageWin: null, averageLoss: null });
      expect(report.overall.maxDrawdown.toFixed()).toBe('0');
    });

    it('leaves fees out when asked', async () => {
      const start = firstDay;
      const end = new Date(firstDay.getTime() + 5 * DAY);
      const withFees = await store.getTradeStatistics({ start, end, venue, market: 'BTC-USDT' });
      const without = await store.getTradeStatistics({ start, end, venue, market: 'BTC-USDT', includeFees: false });
      const fees = Rational.of(withFees.overall.fees.toFixed());
      expect(Rational.of(without.overall.realizedPnl.toFixed()).minus(Rational.of(withFees.overall.realizedPnl.toFixed())).minus(fees).abs()
        .compare(Rational.of('0.000000000000000002'))).toBeLessThanOrEqual(0);
    });
  });
});
