// A positions row as the engines return it, and the Position callers receive
// (Prisma's model type, money as Prisma.Decimal).

import type { PositionModel } from '@ag/storage-core';
import { toPrismaDecimal, toPrismaDecimalOrNull } from '../decimal/exact-decimal.js';

/** A stored position snapshot: Prisma's Position model. */
export type Position = PositionModel;

export interface PositionRow {
  time: Date;
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  size: string;
  avg_entry_price: string | null;
  unrealized_pnl: string;
  realized_pnl: string;
}

export function positionFromRow(row: PositionRow): Position {
  return {
    time: row.time,
    accountId: row.account_id,
    strategyId: row.strategy_id,
    venue: row.venue,
    market: row.market,
    size: toPrismaDecimal(row.size),
    avgEntryPrice: toPrismaDecimalOrNull(row.avg_entry_price),
    unrealizedPnl: toPrismaDecimal(row.unrealized_pnl),
    realizedPnl: toPrismaDecimal(row.realized_pnl),
  };
}
