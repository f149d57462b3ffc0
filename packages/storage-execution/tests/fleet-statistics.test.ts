// Daily and trade statistics of a fleet against oracles computed here from
// the inserted fills and funding payments, on every engine: two strategies
// in two accounts trading the same markets, fees in the quote currency
// (USDT, or none recorded) and in another one (BNB), funding in USDT and BNB.
// Per position, per strategy and overall; fees per currency (only the quote
// currency's are netted from PnL); funding in the quote currency counts in
// totalPnl.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { ExecutionStore, type CurrencyAmount, type FundingPaymentInput, type TradeStatistics } from '../src/index.js';
import { Rational, replayWithRationals } from './support/rational-ledger.js';
import { buildTradingHistory, utcDaysAgo, type HistoryFill } from './support/trading-history.js';
import { uniqueName } from './support/fixtures.js';

const DAY = 86_400_000;
const dayOf = (time: Date) => new Date(Math.floor(time.getTime() / DAY) * DAY);
const QUOTE = 'USDT';

interface FleetFill extends HistoryFill {
  account: string;
  strategy: string;
  feeCurrency: string | null;
}

/** fees keyed by currency ("" for none), exact. */
type Tally = Map<string, Rational>;
const add = (tally: Tally, currency: string | null, amount: Rational) => tally.set(currency ?? '', (tally.get(currency ?? '') ?? new Rational(0n)).plus(amount));
const listOf = (tally: Tally, nullMeans: string | null) =>
  [...tally.entries()]
    .map(([c, a]) => [c === '' ? nullMeans : c, a.toFixed(18)] as const)
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
const shown = (amounts: CurrencyAmount[]) => amounts.map((a) => [a.currency, a.amount.toFixed()] as const).sort((x, y) => String(x[0]).localeCompare(String(y[0])));

/**
 * The fees of the round trips of one position that closed in [start, end),
 * per currency (a fee without a currency is in the quote currency): each
 * fill's fee goes to the trip it belongs to, a flipping fill's split between
 * the trip it closes and the one it opens by quantity.
 */
function tripFeesByCurrency(own: readonly FleetFill[], start: Date): Tally {
  const zero = new Rational(0n);
  const out: Tally = new Map();
  let position = zero;
  let trip: Tally = new Map();
  for (const f of own) {
    const qty = Rational.of(f.size);
    const fee = Rational.of(f.fee);
    const currency = f.feeCurrency ?? QUOTE;
    const signed = f.side === 'buy' ? qty : new Rational(-qty.n, qty.d);
    if (position.sign() === 0 || position.sign() === signed.sign() || qty.compare(position.abs()) < 0) {
      add(trip, currency, fee);
      position = position.plus(signed);
      continue;
    }
    const held = position.abs();
    const closingShare = fee.times(held).div(qty);
    add(trip, currency, closingShare);
    if (f.time >= start) for (const [c, a] of trip) add(out, c, a);
    trip = new Map();
    const rest = qty.minus(held);
    position = rest.sign() === 0 ? zero : signed.sign() > 0 ? rest : new Rational(-rest.n, rest.d);
    if (rest.sign() !== 0) add(trip, currency, fee.minus(closingShare));
  }
  return out;
}

describeEachEngine('fleet statistics', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let store: ExecutionStore;
  const venue = uniqueName('fleetstats');
  const markets = ['BTC-USDT', 'ETH-USDT'];
  const firstDay = utcDaysAgo(5);
  const start = firstDay;
  const end = new Date(firstDay.getTime() + 5 * DAY);
  let accounts: string[];
  let strategies: string[];
  const fills: FleetFill[] = [];
  const funding: FundingPaymentInput[] = [];
  const orders: Array<{ account: string; strategy: string; time: Date }> = [];

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    store = new ExecutionStore(storage);
    accounts = [uniqueName('live'), uniqueName('paper')];
    strategies = [uniqueName('mm'), uniqueName('trend')];
    for (const [i, id] of accounts.entries()) await store.registerAccount({ id, venue, mode: i === 0 ? 'live' : 'paper' });
    for (const id of strategies) await store.registerStrategy({ id });
    let seed = 11;
    for (const account of accounts) {
      for (const strategy of strategies) {
        seed += 1;
        const history = buildTradingHistory({ venue, markets, firstDay, days: 4, fillsPerMarket: 40, seed });
        const prefix = `${strategy}-`;
        await store.storeOrders(history.orders.map((o) => ({ ...o, clientOrderId: prefix + o.clientOrderId, account, strategy })));
        orders.push(...history.orders.map((o) => ({ account, strategy, time: o.time as Date })));
        const own = history.fills.map((f, i): FleetFill => ({ ...f, clientOrderId: prefix + f.clientOrderId, account, strategy, feeCurrency: i % 3 === 0 ? 'BNB' : i % 3 === 1 ? QUOTE : null }));
        await store.storeFills(own.map((f) => ({ clientOrderId: f.clientOrderId, account, venueFillId: `${f.clientOrderId}-fill`, time: f.time, price: f.price, size: f.size, fee: f.fee, feeCurrency: f.feeCurrency })));
        fills.push(...own);
        for (const market of markets) {
          for (let k = 0; k < 4; k += 1) {
            funding.push({
              time: new Date(firstDay.getTime() + (k * 8 + 4) * 3_600_000 + seed * 1000),
              account, strategy, venue, market,
              rate: `0.0000${k + 1}`,
              amount: `${k % 2 ? '-' : ''}${seed}.00000${k}7`,
              currency: k === 3 ? 'BNB' : QUOTE,
              venuePaymentId: `${strategy}-${market}-${k}`,
            });
          }
        }
      }
    }
    expect((await store.storeFundingPayments(funding)).inserted).toBe(funding.length);
  });
  afterAll(async () => storage?.close());

  it('fills_daily_stats equal sums per day, account, strategy and market, with fees per currency', async () => {
    const stats = await store.getFillDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue });
    const oracle = new Map<string, { count: number; volume: Rational; notional: Rational; fees: Tally; buy: Rational; sell: Rational }>();
    for (const f of fills) {
      const key = `${dayOf(f.time).toISOString()}|${f.account}|${f.strategy}|${f.market}`;
      const zero = new Rational(0n);
      const o = oracle.get(key) ?? { count: 0, volume: zero, notional: zero, fees: new Map(), buy: zero, sell: zero };
      const size = Rational.of(f.size);
      o.count += 1;
      o.volume = o.volume.plus(size);
      o.notional = o.notional.plus(size.times(Rational.of(f.price)));
      add(o.fees, f.feeCurrency, Rational.of(f.fee));
      if (f.side === 'buy') o.buy = o.buy.plus(size);
      else o.sell = o.sell.plus(size);
      oracle.set(key, o);
    }
    expect(stats.map((s) => `${s.day.toISOString()}|${s.accountId}|${s.strategyId}|${s.market}`).sort()).toEqual([...oracle.keys()].sort());
    for (const s of stats) {
      const o = oracle.get(`${s.day.toISOString()}|${s.accountId}|${s.strategyId}|${s.market}`)!;
      expect([s.fillCount, s.volume.toFixed(), s.notional.toFixed(), s.buyVolume.toFixed(), s.sellVolume.toFixed()]).toEqual([
        o.count, o.volume.toFixed(18), o.notional.toFixed(18), o.buy.toFixed(18), o.sell.toFixed(18),
      ]);
      expect(shown(s.fees)).toEqual(listOf(o.fees, null));
    }
    // Filters: one strategy in one account.
    const one = await store.getFillDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue, account: accounts[1], strategy: strategies[0] });
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((s) => s.accountId === accounts[1] && s.strategyId === strategies[0])).toBe(true);
  });

  it('orders_daily_stats group by account and strategy', async () => {
    const stats = await store.getOrderDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue });
    const keys = new Set(stats.map((s) => `${s.accountId}|${s.strategyId}`));
    expect(keys.size).toBe(4);
    const perStrategy = await store.getOrderDailyStats({ start: firstDay, end: new Date(firstDay.getTime() + 10 * DAY), venue, strategy: strategies[1], account: accounts[0] });
    const expected = orders.filter((o) => o.account === accounts[0] && o.strategy === strategies[1] && o.time >= firstDay).length;
    expect(expected).toBeGreaterThan(80);
    expect(perStrategy.reduce((n, s) => n + s.orderCount, 0)).toBe(expected);
  });

  /** The oracle of a group of positions: trips of each position replayed with rationals, quote-currency fees netted. */
  const oracle = (keep: (f: FleetFill) => boolean) => {
    const trips: Array<{ net: Rational; closedAt: number }> = [];
    const allFees: Tally = new Map();
    let netted = new Rational(0n);
    const positions = new Map<string, FleetFill[]>();
    for (const f of fills.filter((x) => keep(x) && x.time < end)) {
      const key = `${f.account}|${f.strategy}|${f.market}`;
      positions.set(key, [...(positions.get(key) ?? []), f]);
    }
    for (const own of positions.values()) {
      own.sort((a, b) => a.time.getTime() - b.time.getTime());
      const inPnl = (f: FleetFill) => f.feeCurrency === null || f.feeCurrency === QUOTE;
      const replay = replayWithRationals(own.map((f) => ({ ...f, fee: inPnl(f) ? f.fee : '0' })));
      for (const t of replay.trips) {
        const closedAt = own[t.closedAtIndex]!.time.getTime();
        if (closedAt >= start.getTime()) {
          trips.push({ net: t.netPnl, closedAt });
          netted = netted.plus(t.fees);
        }
      }
      for (const [currency, amount] of tripFeesByCurrency(own, start)) add(allFees, currency, amount);
    }
    trips.sort((a, b) => a.closedAt - b.closedAt);
    const zero = new Rational(0n);
    const realized = trips.reduce((s, t) => s.plus(t.net), zero);
    const wins = trips.filter((t) => t.net.sign() > 0).length;
    const losses = trips.filter((t) => t.net.sign() < 0).length;
    let equity = zero;
    let peak = zero;
    let maxDrawdown = zero;
    for (const t of trips) {
      equity = equity.plus(t.net);
      if (equity.compare(peak) > 0) peak = equity;
      if (peak.minus(equity).compare(maxDrawdown) > 0) maxDrawdown = peak.minus(equity);
    }
    const fundingAll: Tally = new Map();
    let fundingPnl = zero;
    let payments = 0;
    for (const p of funding) {
      const f = { account: p.account, strategy: p.strategy, market: p.market } as FleetFill;
      if (!keep(f)) continue;
      payments += 1;
      add(fundingAll, p.currency, Rational.of(String(p.amount)));
      if (p.currency === QUOTE) fundingPnl = fundingPnl.plus(Rational.of(String(p.amount)));
    }
    return { trips, wins, losses, realized, netted, maxDrawdown, fundingAll, fundingPnl, payments, allFees };
  };

  const expectMatches = (actual: TradeStatistics, o: ReturnType<typeof oracle>) => {
    expect(o.trips.length).toBeGreaterThan(0);
    expect([actual.tradeCount, actual.winCount, actual.lossCount]).toEqual([o.trips.length, o.wins, o.losses]);
    expect(actual.realizedPnl.toFixed()).toBe(o.realized.toFixed(18));
    expect(actual.maxDrawdown.toFixed()).toBe(o.maxDrawdown.toFixed(18));
    // Netted fees: each trip's quote-currency fees (rounded as the library rounds: 18 decimals of an exact sum).
    expect(Rational.of(actual.fees.toFixed()).minus(o.netted).abs().compare(Rational.of('0.000000000000000005'))).toBeLessThanOrEqual(0);
    expect(actual.fundingPayments).toBe(o.payments);
    expect(shown(actual.funding)).toEqual(listOf(o.fundingAll, null));
    expect(actual.fundingPnl.toFixed()).toBe(o.fundingPnl.toFixed(18));
    expect(actual.totalPnl.toFixed()).toBe(o.realized.plus(o.fundingPnl).toFixed(18));
    // Fees of every currency are reported (the BNB ones never netted), each trip's share of a flipping fill by quantity.
    const reported = new Map(actual.feesByCurrency.map((f) => [f.currency ?? '', Rational.of(f.amount.toFixed())]));
    expect([...reported.keys()].sort()).toEqual([...o.allFees.keys()].sort());
    for (const [currency, amount] of o.allFees) {
      expect(reported.get(currency)!.minus(amount).abs().compare(Rational.of(`0.00000000000000000${Math.min(9, 1 + Math.floor(o.trips.length / 10))}`)), currency).toBeLessThanOrEqual(0);
    }
    expect(o.allFees.has('BNB') && o.allFees.has(QUOTE)).toBe(true);
  };

  it('trade statistics match the oracle per position, per strategy and overall, with funding in PnL', async () => {
    const report = await store.getTradeStatistics({ start, end, venue });
    expectMatches(report.overall, oracle(() => true));
    expect(report.pnlCurrencies).toEqual([QUOTE]);
    expect(report.strategies.map((s) => `${s.accountId}|${s.strategyId}`).sort()).toEqual(accounts.flatMap((a) => strategies.map((s) => `${a}|${s}`)).sort());
    for (const s of report.strategies) expectMatches(s, oracle((f) => f.account === s.accountId && f.strategy === s.strategyId));
    expect(report.markets).toHaveLength(accounts.length * strategies.length * markets.length);
    for (const m of report.markets) {
      expect(m.quoteCurrency).toBe(QUOTE);
      expectMatches(m, oracle((f) => f.account === m.accountId && f.strategy === m.strategyId && f.market === m.market));
    }
  });

  it('filters trade statistics and round trips by account and strategy', async () => {
    const [account, strategy] = [accounts[0]!, strategies[1]!];
    const report = await store.getTradeStatistics({ start, end, venue, account, strategy });
    expectMatches(report.overall, oracle((f) => f.account === account && f.strategy === strategy));
    expect(report.strategies.map((s) => [s.accountId, s.strategyId])).toEqual([[account, strategy]]);
    const trips = await store.listRoundTrips({ start, end, venue, account, strategy });
    expect(trips).toHaveLength(report.overall.tradeCount);
    expect(trips.every((t) => t.accountId === account && t.strategyId === strategy)).toBe(true);
    // Every trip's fees per currency add up to the statistics' fees per currency.
    const tally: Tally = new Map();
    for (const t of trips) for (const f of t.feesByCurrency) add(tally, f.currency, Rational.of(f.amount.toFixed()));
    const reported = new Map(report.overall.feesByCurrency.map((f) => [f.currency ?? '', Rational.of(f.amount.toFixed())]));
    for (const [currency, amount] of tally) expect(amount.minus(reported.get(currency)!).abs().compare(Rational.of(`0.0000000000000000${trips.length}`))).toBeLessThanOrEqual(0);
  });

  it('reconciles each strategy\'s positions apart', async () => {
    const drifts = await store.reconcilePositions({ venue });
    expect(drifts).toHaveLength(accounts.length * strategies.length * markets.length);
    expect(drifts.every((d) => d.status === 'missing_snapshot')).toBe(true);
    for (const d of drifts) {
      const own = fills.filter((f) => f.account === d.accountId && f.strategy === d.strategyId && f.market === d.market).sort((a, b) => a.time.getTime() - b.time.getTime());
      expect(d.rebuilt.fillCount).toBe(own.length);
      expect(d.rebuilt.size.toFixed()).toBe(replayWithRationals(own).position.toFixed(18));
    }
  });

  describe('funding payments', () => {
    it('round-trip exactly, oldest first, filtered', async () => {
      const stored = await store.queryFundingPayments({ start: firstDay, end, venue });
      expect(stored).toHaveLength(funding.length);
      const expected = [...funding].sort((a, b) => (a.time as Date).getTime() - (b.time as Date).getTime());
      expect(stored.map((p) => (p.time as Date).getTime())).toEqual(expected.map((p) => (p.time as Date).getTime()));
      for (const p of stored) {
        const input = funding.find((f) => f.account === p.accountId && f.venuePaymentId === p.venuePaymentId)!;
        expect([p.strategyId, p.market, p.rate?.toFixed(), p.amount.toFixed(), p.currency]).toEqual([input.strategy, input.market, String(input.rate).replace(/0+$/, ''), String(input.amount), input.currency]);
      }
      const filtered = await store.queryFundingPayments({ start: firstDay, end, venue, account: accounts[0], strategy: strategies[0], market: 'ETH-USDT' });
      expect(filtered).toHaveLength(4);
    });

    it('stores a re-sent payment once, also with another time, and refuses bad ones writing nothing', async () => {
      const again = await store.storeFundingPayments([funding[0]!, { ...funding[0]!, time: new Date((funding[0]!.time as Date).getTime() + 60_000) }]);
      expect([again.inserted, again.duplicates]).toEqual([0, 2]);
      expect((await store.storeFundingPayment(funding[1]!)).outcome).toBe('duplicate');
      const before = (await store.queryFundingPayments({ start: firstDay, end, venue })).length;
      const bad = await store
        .storeFundingPayments([{ ...funding[0]!, venuePaymentId: uniqueName('new') }, { ...funding[0]!, venuePaymentId: uniqueName('bad'), amount: 'NaN' }])
        .catch((e: unknown) => e);
      expect((bad as { field?: string }).field).toBe('payments[1].amount');
      expect((await store.queryFundingPayments({ start: firstDay, end, venue })).length).toBe(before);
    });
  });
});
