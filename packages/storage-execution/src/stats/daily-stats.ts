// Daily statistics per account, strategy, venue and market, read from the rollups
// fills_daily_stats (a continuous aggregate with TimescaleDB, a rollup table
// elsewhere) and orders_daily_stats (a rollup table everywhere). By default
// the rollup is first brought up to date with core's refreshRollup (its
// default window: from the last refresh less the lookback, plus, for
// orders, the days of every order changed since). Days are UTC days; a day
// is in [start, end) when its midnight is. fills_daily_stats keeps one row
// per fee currency too: fees are reported per currency, never added across.

import { refreshRollup, type Prisma, type Queryable } from '@ag/storage-core';
import { toPrismaDecimal, toPrismaDecimalOrNull } from '../decimal/exact-decimal.js';
import type { CurrencyAmount } from './fee-totals.js';

export interface DailyStatsQuery {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  /** Refresh the rollup before reading (default true). Must not run inside a transaction. */
  refresh?: boolean | undefined;
}

export interface FillDailyStats {
  day: Date;
  accountId: string;
  strategyId: string;
  venue: string;
  market: string;
  fillCount: number;
  volume: Prisma.Decimal;
  notional: Prisma.Decimal;
  /** Per fee currency (null: fills that recorded none, i.e. in the quote currency). */
  fees: CurrencyAmount[];
  /** notional / volume, as PostgreSQL's NUMERIC division rounds it. */
  vwap: Prisma.Decimal | null;
  buyVolume: Prisma.Decimal;
  sellVolume: Prisma.Decimal;
}

export interface OrderDailyStats {
  day: Date;
  accountId: string;
  strategyId: string;
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

const FILTERS = `
 WHERE day >= $1 AND day < $2
   AND ($3::text IS NULL OR venue = $3)
   AND ($4::text IS NULL OR market = $4)
   AND ($5::text IS NULL OR account_id = $5)
   AND ($6::text IS NULL OR strategy_id = $6)`;

// The rollup's rows per fee currency, put back together: sums add, VWAP is
// the combined notional / volume (the rollup's own formula), fees stay per
// currency (as exact text).
const SELECT_FILL_DAILY_STATS = `
SELECT day, account_id, strategy_id, venue, market,
       sum(fill_count)::int8 AS fill_count, sum(volume) AS volume, sum(notional) AS notional,
       sum(notional) / NULLIF(sum(volume), 0) AS vwap,
       sum(buy_volume) AS buy_volume, sum(sell_volume) AS sell_volume,
       json_agg(json_build_array(fee_currency, fees::text) ORDER BY fee_currency NULLS FIRST) AS fees
  FROM fills_daily_stats ${FILTERS}
 GROUP BY day, account_id, strategy_id, venue, market
 ORDER BY day, account_id, strategy_id, venue, market`;

const SELECT_ORDER_DAILY_STATS = `
SELECT day, account_id, strategy_id, venue, market, order_count, filled_count, partially_filled_count, cancelled_count,
       rejected_count, expired_count, submitted_size, filled_size, submitted_notional
  FROM orders_daily_stats ${FILTERS}
 ORDER BY day, account_id, strategy_id, venue, market`;

interface FillStatsRow {
  day: Date;
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  fill_count: number | bigint | string;
  volume: string;
  notional: string;
  vwap: string | null;
  buy_volume: string;
  sell_volume: string;
  /** [currency, amount as text] per fee currency. */
  fees: Array<[string | null, string]> | string;
}

interface OrderStatsRow {
  day: Date;
  account_id: string;
  strategy_id: string;
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
    accountId: r.account_id,
    strategyId: r.strategy_id,
    venue: r.venue,
    market: r.market,
    fillCount: Number(r.fill_count),
    volume: toPrismaDecimal(r.volume),
    notional: toPrismaDecimal(r.notional),
    fees: (typeof r.fees === 'string' ? (JSON.parse(r.fees) as Array<[string | null, string]>) : r.fees).map(([currency, amount]) => ({
      currency,
      amount: toPrismaDecimal(amount),
    })),
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
    accountId: r.account_id,
    strategyId: r.strategy_id,
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
  return [query.start, query.end, query.venue ?? null, query.market ?? null, query.account ?? null, query.strategy ?? null];
}
