// Daily statistics per venue and market, read from the rollups
// fills_daily_stats (a continuous aggregate with TimescaleDB, a rollup table
// elsewhere) and orders_daily_stats (a rollup table everywhere). By default
// the rollup is first brought up to date with core's refreshRollup (its
// default window: from the last refresh less the lookback, plus, for
// orders, the days of every order changed since). Days are UTC days; a day
// is in [start, end) when its midnight is.

import { refreshRollup, type Prisma, type Queryable } from '@ag/storage-core';
import { toPrismaDecimal, toPrismaDecimalOrNull } from '../decimal/exact-decimal.js';

export interface DailyStatsQuery {
  start: Date;
  end: Date;
  venue?: string | undefined;
  market?: string | undefined;
  /** Refresh the rollup before reading (default true). Must not run inside a transaction. */
  refresh?: boolean | undefined;
}

export interface FillDailyStats {
  day: Date;
  venue: string;
  market: string;
  fillCount: number;
  volume: Prisma.Decimal;
  notional: Prisma.Decimal;
  fees: Prisma.Decimal;
  /** notional / volume, as PostgreSQL's NUMERIC division rounds it. */
  vwap: Prisma.Decimal | null;
  buyVolume: Prisma.Decimal;
  sellVolume: Prisma.Decimal;
}

export interface OrderDailyStats {
  day: Date;
  venue: string;
  market: string;
  orderCount: number;
  filledCount: number;
  partiallyFilledCount: number;
  cancelledCount: number;
  rejectedCount: number;
  expiredCount: number;
  submittedSize: Prisma.Decimal;
  filledSize: Prisma.Decimal;
  /** Sum of size x price over orders that have a price. */
  submittedNotional: Prisma.Decimal;
}

const SELECT_FILL_DAILY_STATS = `
SELECT day, venue, market, fill_count, volume, notional, fees, vwap, buy_volume, sell_volume
  FROM fills_daily_stats
 WHERE day >= $1 AND day < $2
   AND ($3::text IS NULL OR venue = $3)
   AND ($4::text IS NULL OR market = $4)
 ORDER BY day, venue, market`;

const SELECT_ORDER_DAILY_STATS = `
SELECT day, venue, market, order_count, filled_count, partially_filled_count, cancelled_count,
       rejected_count, expired_count, submitted_size, filled_size, submitted_notional
  FROM orders_daily_stats
 WHERE day >= $1 AND day < $2
   AND ($3::text IS NULL OR venue = $3)
   AND ($4::text IS NULL OR market = $4)
 ORDER BY day, venue, market`;

interface FillStatsRow {
  day: Date;
  venue: string;
  market: string;
  fill_count: number | bigint;
  volume: string;
  notional: string;
  fees: string;
  vwap: string | null;
  buy_volume: string;
  sell_volume: string;
}

interface OrderStatsRow {
  day: Date;
  venue: string;
  market: string;
  order_count: number | bigint;
  filled_count: number | bigint;
  partially_filled_count: number | bigint;
  cancelled_count: number | bigint;
  rejected_count: number | bigint;
  expired_count: number | bigint;
  submitted_size: string;
  filled_size: string;
  submitted_notional: string;
}

export async function readFillDailyStats(db: Queryable, query: DailyStatsQuery): Promise<FillDailyStats[]> {
  if (query.refresh ?? true) await refreshRollup(db, 'fills_daily_stats');
  const { rows } = await db.query<FillStatsRow>(SELECT_FILL_DAILY_STATS, filterParams(query));
  return rows.map((r) => ({
    day: r.day,
    venue: r.venue,
    market: r.market,
    fillCount: Number(r.fill_count),
    volume: toPrismaDecimal(r.volume),
    notional: toPrismaDecimal(r.notional),
    fees: toPrismaDecimal(r.fees),
    vwap: toPrismaDecimalOrNull(r.vwap),
    buyVolume: toPrismaDecimal(r.buy_volume),
    sellVolume: toPrismaDecimal(r.sell_volume),
  }));
}

export async function readOrderDailyStats(db: Queryable, query: DailyStatsQuery): Promise<OrderDailyStats[]> {
  if (query.refresh ?? true) await refreshRollup(db, 'orders_daily_stats');
  const { rows } = await db.query<OrderStatsRow>(SELECT_ORDER_DAILY_STATS, filterParams(query));
  return rows.map((r) => ({
    day: r.day,
    venue: r.venue,
    market: r.market,
    orderCount: Number(r.order_count),
    filledCount: Number(r.filled_count),
    partiallyFilledCount: Number(r.partially_filled_count),
    cancelledCount: Number(r.cancelled_count),
    rejectedCount: Number(r.rejected_count),
    expiredCount: Number(r.expired_count),
    submittedSize: toPrismaDecimal(r.submitted_size),
    filledSize: toPrismaDecimal(r.filled_size),
    submittedNotional: toPrismaDecimal(r.submitted_notional),
  }));
}

function filterParams(query: DailyStatsQuery): unknown[] {
  return [query.start, query.end, query.venue ?? null, query.market ?? null];
}
