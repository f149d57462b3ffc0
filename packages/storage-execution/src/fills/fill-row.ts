// A fills row as the engines return it, and the Fill callers receive
// (Prisma's model type, money as Prisma.Decimal).

import type { FillModel } from '@ag/storage-core';
import { toPrismaDecimal } from '../decimal/exact-decimal.js';

/** A stored fill: Prisma's Fill model. */
export type Fill = FillModel;

export interface FillRow {
  id: string;
  time: Date;
  order_id: string;
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  side: Fill['side'];
  price: string;
  size: string;
  fee: string;
  fee_currency: string | null;
  venue_fill_id: string;
}

export function fillFromRow(row: FillRow): Fill {
  return {
    id: row.id,
    time: row.time,
    orderId: row.order_id,
    accountId: row.account_id,
    strategyId: row.strategy_id,
    venue: row.venue,
    market: row.market,
    side: row.side,
    price: toPrismaDecimal(row.price),
    size: toPrismaDecimal(row.size),
    fee: toPrismaDecimal(row.fee),
    feeCurrency: row.fee_currency,
    venueFillId: row.venue_fill_id,
  };
}
