// A funding_payments row as the engines return it, and the FundingPayment
// callers receive (Prisma's model type, money as Prisma.Decimal).

import type { FundingPaymentModel } from '@ag/storage-core';
import { toPrismaDecimal, toPrismaDecimalOrNull } from '../decimal/exact-decimal.js';

/** A stored funding payment: Prisma's FundingPayment model. */
export type FundingPayment = FundingPaymentModel;

export interface FundingPaymentRow {
  time: Date;
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  rate: string | null;
  amount: string;
  currency: string;
  venue_payment_id: string;
}

export function fundingPaymentFromRow(row: FundingPaymentRow): FundingPayment {
  return {
    time: row.time,
    accountId: row.account_id,
    strategyId: row.strategy_id,
    venue: row.venue,
    market: row.market,
    rate: toPrismaDecimalOrNull(row.rate),
    amount: toPrismaDecimal(row.amount),
    currency: row.currency,
    venuePaymentId: row.venue_payment_id,
  };
}
