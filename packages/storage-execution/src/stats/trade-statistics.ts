// Trade statistics for a period, per position (account, strategy, venue,
// market), per strategy (account, strategy) and overall, from the fills and
// the funding payments.
//
// A trade is a round trip (average-cost-ledger.ts): from the fill that opens
// a position from flat to the fill that closes or flips it. A trade belongs
// to the period in which it closed: [start, end). Its result is its net PnL
// (realized PnL less its fees in the quote currency, unless includeFees is
// false). Over the trades of the period:
//   realizedPnl   sum of net PnL
//   winRate       wins / trades (a win: net PnL > 0; a loss: < 0; 0 is neither)
//   averageWin    grossProfit / wins; averageLoss: grossLoss / losses (negative)
//   profitFactor  grossProfit / |grossLoss| (null without losses)
//   maxDrawdown   the largest drop of cumulative net PnL from a previous peak,
//                 trades taken in closing order, starting from 0 at `start`
//   fees          the fees subtracted (quote currency); feesByCurrency: every
//                 fee of the trades, per currency, never converted
// Funding payments of the period (paid or received in [start, end)) are
// listed per currency; those in the quote currency are fundingPnl, and
// totalPnl = realizedPnl + fundingPnl.
// Every position's fills are replayed from its first fill, so a trade opened
// before `start` is measured whole. Per strategy and overall, markets' PnL is
// added as-is: meaningful for markets quoted in the same currency
// (`pnlCurrencies` says which there are).

import type { Prisma, Queryable } from '@ag/storage-core';
import { ExactDecimal, roundToScale, toPrismaDecimal } from '../decimal/exact-decimal.js';
import { AverageCostLedger, type ClosedRoundTrip } from '../positions/average-cost-ledger.js';
import {
  comparePositionKeys,
  positionKeyText,
  positionsWithFills,
  readPositionFills,
  type PositionKey,
} from '../positions/read-fills-for-replay.js';
import { CurrencyTally, type CurrencyAmount } from './fee-totals.js';
import { fundingByPosition } from './funding-totals.js';
import { countsInPnl, quoteCurrencyOf } from './quote-currency.js';

export interface TradeStatisticsQuery {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  /** Subtract fees from each trade's PnL (default true). */
  includeFees?: boolean | undefined;
}

/** One closed round trip. Money is rounded to 18 decimals. */
export interface RoundTrip extends PositionKey {
  direction: 'long' | 'short';
  openedAt: Date;
  closedAt: Date;
  quantity: Prisma.Decimal;
  avgEntryPrice: Prisma.Decimal;
  avgExitPrice: Prisma.Decimal;
  grossPnl: Prisma.Decimal;
  /** Fees subtracted from the PnL (quote currency). */
  fees: Prisma.Decimal;
  /** Every fee of the trip, per currency. */
  feesByCurrency: CurrencyAmount[];
  netPnl: Prisma.Decimal;
  fillCount: number;
}

export interface TradeStatistics {
  tradeCount: number;
  winCount: number;
  lossCount: number;
  /** Wins / trades; null without trades. */
  winRate: number | null;
  realizedPnl: Prisma.Decimal;
  grossProfit: Prisma.Decimal;
  /** Sum of losing trades' PnL (zero or negative). */
  grossLoss: Prisma.Decimal;
  averageWin: Prisma.Decimal | null;
  /** Negative; null without losses. */
  averageLoss: Prisma.Decimal | null;
  /** grossProfit / |grossLoss|; null without losses. */
  profitFactor: number | null;
  /** Largest peak-to-trough drop of cumulative net PnL (zero or positive). */
  maxDrawdown: Prisma.Decimal;
  /** Fees subtracted from PnL (in the quote currency). */
  fees: Prisma.Decimal;
  /** Every fee of the trades, per currency. */
  feesByCurrency: CurrencyAmount[];
  /** Funding payments of the period, per currency (> 0 received). */
  funding: CurrencyAmount[];
  fundingPayments: number;
  /** Funding in the quote currency. */
  fundingPnl: Prisma.Decimal;
  /** realizedPnl + fundingPnl. */
  totalPnl: Prisma.Decimal;
}

export interface StrategyKey {
  accountId: string;
  strategyId: string;
}

export interface TradeStatisticsReport {
  start: Date;
  end: Date;
  overall: TradeStatistics;
  /** Per account and strategy, over its markets. */
  strategies: Array<StrategyKey & TradeStatistics>;
  /** Per position (account, strategy, venue, market), with the quote currency its PnL is in. */
  markets: Array<PositionKey & { quoteCurrency: string | null } & TradeStatistics>;
  /** The quote currencies of the markets (null: not readable from a market name). */
  pnlCurrencies: Array<string | null>;
}

interface PositionTrip extends ClosedRoundTrip, PositionKey {}

/** What a group (a market, a strategy, everything) gathers: its trades in closing order and its funding. */
interface Group {
  trips: PositionTrip[];
  funding: CurrencyTally;
  fundingPnl: ExactDecimal;
  fundingPayments: number;
}

/** The round trips closed in [start, end), in closing order. */
export async function listRoundTrips(db: Queryable, query: TradeStatisticsQuery): Promise<RoundTrip[]> {
  return (await closedTrips(db, query)).map(toRoundTrip);
}

export async function computeTradeStatistics(db: Queryable, query: TradeStatisticsQuery): Promise<TradeStatisticsReport> {
  const trips = await closedTrips(db, query);
  const funding = await fundingByPosition(db, query);
  const emptyGroup = (): Group => ({ trips: [], funding: new CurrencyTally(), fundingPnl: new ExactDecimal(0), fundingPayments: 0 });
  const markets = new Map<string, { key: PositionKey; group: Group }>();
  const marketOf = (key: PositionKey) => {
    const id = positionKeyText(key);
    let entry = markets.get(id);
    if (!entry) markets.set(id, (entry = { key: { accountId: key.accountId, strategyId: key.strategyId, venue: key.venue, market: key.market }, group: emptyGroup() }));
    return entry.group;
  };
  for (const trip of trips) marketOf(trip).trips.push(trip);
  for (const { key, amounts, payments } of funding.values()) {
    const group = marketOf(key);
    const quote = quoteCurrencyOf(key.market);
    group.funding.addAll(amounts);
    group.fundingPnl = group.fundingPnl.plus(amounts.sumWhere((currency) => countsInPnl(currency, quote)));
    group.fundingPayments += payments;
  }

  const sortedMarkets = [...markets.values()].sort((a, b) => comparePositionKeys(a.key, b.key));
  const strategies = new Map<string, { key: StrategyKey; group: Group }>();
  const overall = emptyGroup();
  for (const { key, group } of sortedMarkets) {
    const id = `${key.accountId}\u0000${key.strategyId}`;
    let entry = strategies.get(id);
    if (!entry) strategies.set(id, (entry = { key: { accountId: key.accountId, strategyId: key.strategyId }, group: emptyGroup() }));
    for (const target of [entry.group, overall]) {
      target.funding.addAll(group.funding);
      target.fundingPnl = target.fundingPnl.plus(group.fundingPnl);
      target.fundingPayments += group.fundingPayments;
    }
  }
  // Trades in closing order within every group (trips is sorted already).
  for (const trip of trips) {
    strategies.get(`${trip.accountId}\u0000${trip.strategyId}`)?.group.trips.push(trip);
    overall.trips.push(trip);
  }
  return {
    start: query.start,
    end: query.end,
    overall: statisticsOf(overall),
    strategies: [...strategies.values()].map(({ key, group }) => ({ ...key, ...statisticsOf(group) })),
    markets: sortedMarkets.map(({ key, group }) => ({ ...key, quoteCurrency: quoteCurrencyOf(key.market), ...statisticsOf(group) })),
    pnlCurrencies: [...new Set(sortedMarkets.map(({ key }) => quoteCurrencyOf(key.market)))].sort((a, b) =>
      a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1,
    ),
  };
}

async function closedTrips(db: Queryable, query: TradeStatisticsQuery): Promise<PositionTrip[]> {
  const range = { account: query.account, strategy: query.strategy, venue: query.venue, market: query.market, until: query.end, inclusive: false };
  const trips: PositionTrip[] = [];
  for (const key of await positionsWithFills(db, range)) {
    const ledger = new AverageCostLedger(query.includeFees ?? true, quoteCurrencyOf(key.market));
    for await (const fill of readPositionFills(db, key, range)) {
      for (const trip of ledger.apply(fill)) {
        if (trip.closedAt.getTime() >= query.start.getTime()) trips.push({ ...trip, ...key });
      }
    }
  }
  // Closing order; ties by position then by the order trips closed within a position (stable sort).
  return trips.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime());
}

const money = (value: ExactDecimal) => toPrismaDecimal(roundToScale(value));

/** The statistics of a group: its trades in closing order and its funding. */
function statisticsOf(group: Group): TradeStatistics {
  const zero = new ExactDecimal(0);
  let grossProfit = zero;
  let grossLoss = zero;
  let fees = zero;
  const feesByCurrency = new CurrencyTally();
  let wins = 0;
  let losses = 0;
  let equity = zero;
  let peak = zero;
  let maxDrawdown = zero;
  for (const trip of group.trips) {
    if (trip.netPnl.greaterThan(0)) {
      wins += 1;
      grossProfit = grossProfit.plus(trip.netPnl);
    } else if (trip.netPnl.lessThan(0)) {
      losses += 1;
      grossLoss = grossLoss.plus(trip.netPnl);
    }
    fees = fees.plus(trip.fees);
    feesByCurrency.addAll(trip.feesByCurrency);
    equity = equity.plus(trip.netPnl);
    if (equity.greaterThan(peak)) peak = equity;
    const drawdown = peak.minus(equity);
    if (drawdown.greaterThan(maxDrawdown)) maxDrawdown = drawdown;
  }
  const realized = grossProfit.plus(grossLoss);
  const tradeCount = group.trips.length;
  return {
    tradeCount,
    winCount: wins,
    lossCount: losses,
    winRate: tradeCount === 0 ? null : wins / tradeCount,
    realizedPnl: money(realized),
    grossProfit: money(grossProfit),
    grossLoss: money(grossLoss),
    averageWin: wins === 0 ? null : money(grossProfit.div(wins)),
    averageLoss: losses === 0 ? null : money(grossLoss.div(losses)),
    profitFactor: losses === 0 ? null : grossProfit.div(grossLoss.abs()).toNumber(),
    maxDrawdown: money(maxDrawdown),
    fees: money(fees),
    feesByCurrency: feesByCurrency.list(),
    funding: group.funding.list(),
    fundingPayments: group.fundingPayments,
    fundingPnl: money(group.fundingPnl),
    totalPnl: money(realized.plus(group.fundingPnl)),
  };
}

function toRoundTrip(trip: PositionTrip): RoundTrip {
  return {
    accountId: trip.accountId,
    strategyId: trip.strategyId,
    venue: trip.venue,
    market: trip.market,
    direction: trip.direction,
    openedAt: trip.openedAt,
    closedAt: trip.closedAt,
    quantity: money(trip.quantity),
    avgEntryPrice: money(trip.avgEntryPrice),
    avgExitPrice: money(trip.avgExitPrice),
    grossPnl: money(trip.grossPnl),
    fees: money(trip.fees),
    feesByCurrency: trip.feesByCurrency.list(),
    netPnl: money(trip.netPnl),
    fillCount: trip.fillCount,
  };
}
