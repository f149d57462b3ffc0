// Trade statistics for a period, per market and overall, from the fills.
//
// A trade is a round trip (average-cost-ledger.ts): from the fill that opens
// a position from flat to the fill that closes or flips it. A trade belongs
// to the period in which it closed: [start, end). Its result is its net PnL
// (realized PnL less its fees, unless includeFees is false). Over the trades
// of the period:
//   realizedPnl   sum of net PnL
//   winRate       wins / trades (a win: net PnL > 0; a loss: < 0; 0 is neither)
//   averageWin    grossProfit / wins; averageLoss: grossLoss / losses (negative)
//   profitFactor  grossProfit / |grossLoss| (null without losses)
//   maxDrawdown   the largest drop of cumulative net PnL from a previous peak,
//                 trades taken in closing order, starting from 0 at `start`
// Every market's fills are replayed from its first fill, so a trade opened
// before `start` is measured whole. "Overall" adds markets' PnL as-is: it is
// meaningful for markets quoted in the same currency.

import type { Prisma, Queryable } from '@ag/storage-core';
import { ExactDecimal, roundToScale, toPrismaDecimal } from '../decimal/exact-decimal.js';
import { AverageCostLedger, type ClosedRoundTrip } from '../positions/average-cost-ledger.js';
import { marketsWithFills, readMarketFills, type MarketKey } from '../positions/read-fills-for-replay.js';

export interface TradeStatisticsQuery {
  start: Date;
  end: Date;
  venue?: string | undefined;
  market?: string | undefined;
  /** Subtract fees from each trade's PnL (default true). */
  includeFees?: boolean | undefined;
}

/** One closed round trip. Money is rounded to 18 decimals. */
export interface RoundTrip extends MarketKey {
  direction: 'long' | 'short';
  openedAt: Date;
  closedAt: Date;
  quantity: Prisma.Decimal;
  avgEntryPrice: Prisma.Decimal;
  avgExitPrice: Prisma.Decimal;
  grossPnl: Prisma.Decimal;
  fees: Prisma.Decimal;
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
  fees: Prisma.Decimal;
}

export interface TradeStatisticsReport {
  start: Date;
  end: Date;
  overall: TradeStatistics;
  markets: Array<MarketKey & TradeStatistics>;
}

interface MarketTrip extends ClosedRoundTrip, MarketKey {}

/** The round trips closed in [start, end), in closing order. */
export async function listRoundTrips(db: Queryable, query: TradeStatisticsQuery): Promise<RoundTrip[]> {
  return (await closedTrips(db, query)).map(toRoundTrip);
}

export async function computeTradeStatistics(db: Queryable, query: TradeStatisticsQuery): Promise<TradeStatisticsReport> {
  const trips = await closedTrips(db, query);
  const byMarket = new Map<string, { key: MarketKey; trips: MarketTrip[] }>();
  for (const trip of trips) {
    const id = `${trip.venue}\u0000${trip.market}`;
    const entry = byMarket.get(id) ?? { key: { venue: trip.venue, market: trip.market }, trips: [] };
    entry.trips.push(trip);
    byMarket.set(id, entry);
  }
  return {
    start: query.start,
    end: query.end,
    overall: statisticsOf(trips),
    markets: [...byMarket.values()].map(({ key, trips: marketTrips }) => ({ ...key, ...statisticsOf(marketTrips) })),
  };
}

async function closedTrips(db: Queryable, query: TradeStatisticsQuery): Promise<MarketTrip[]> {
  const range = { venue: query.venue, market: query.market, until: query.end, inclusive: false };
  const trips: MarketTrip[] = [];
  for (const key of await marketsWithFills(db, range)) {
    const ledger = new AverageCostLedger(query.includeFees ?? true);
    for await (const fill of readMarketFills(db, key, range)) {
      for (const trip of ledger.apply(fill)) {
        if (trip.closedAt.getTime() >= query.start.getTime()) trips.push({ ...trip, ...key });
      }
    }
  }
  // Closing order; ties by market then by the order trips closed within a market (stable sort).
  return trips.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime());
}

/** The statistics of a list of trades in closing order. */
export function statisticsOf(trips: readonly ClosedRoundTrip[]): TradeStatistics {
  const zero = new ExactDecimal(0);
  let grossProfit = zero;
  let grossLoss = zero;
  let fees = zero;
  let wins = 0;
  let losses = 0;
  let equity = zero;
  let peak = zero;
  let maxDrawdown = zero;
  for (const trip of trips) {
    if (trip.netPnl.greaterThan(0)) {
      wins += 1;
      grossProfit = grossProfit.plus(trip.netPnl);
    } else if (trip.netPnl.lessThan(0)) {
      losses += 1;
      grossLoss = grossLoss.plus(trip.netPnl);
    }
    fees = fees.plus(trip.fees);
    equity = equity.plus(trip.netPnl);
    if (equity.greaterThan(peak)) peak = equity;
    const drawdown = peak.minus(equity);
    if (drawdown.greaterThan(maxDrawdown)) maxDrawdown = drawdown;
  }
  const money = (value: InstanceType<typeof ExactDecimal>) => toPrismaDecimal(roundToScale(value));
  return {
    tradeCount: trips.length,
    winCount: wins,
    lossCount: losses,
    winRate: trips.length === 0 ? null : wins / trips.length,
    realizedPnl: money(grossProfit.plus(grossLoss)),
    grossProfit: money(grossProfit),
    grossLoss: money(grossLoss),
    averageWin: wins === 0 ? null : money(grossProfit.div(wins)),
    averageLoss: losses === 0 ? null : money(grossLoss.div(losses)),
    profitFactor: losses === 0 ? null : grossProfit.div(grossLoss.abs()).toNumber(),
    maxDrawdown: money(maxDrawdown),
    fees: money(fees),
  };
}

function toRoundTrip(trip: MarketTrip): RoundTrip {
  const money = (value: InstanceType<typeof ExactDecimal>) => toPrismaDecimal(roundToScale(value));
  return {
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
    netPnl: money(trip.netPnl),
    fillCount: trip.fillCount,
  };
}
