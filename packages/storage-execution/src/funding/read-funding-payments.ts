// Reading funding payments back: a time range, oldest first, with account,
// strategy, venue and market filters.

import type { Queryable } from '@ag/storage-core';
import { fundingPaymentFromRow, type FundingPayment, type FundingPaymentRow } from './funding-row.js';

const SELECT_FUNDING_PAYMENTS = `
SELECT * FROM funding_payments
 WHERE time >= $1 AND time < $2
   AND ($3::text IS NULL OR account_id = $3)
   AND ($4::text IS NULL OR strategy_id = $4)
   AND ($5::text IS NULL OR venue = $5)
   AND ($6::text IS NULL OR market = $6)
 ORDER BY time, account_id, venue, venue_payment_id
 LIMIT $7`;

export interface FundingQuery {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  limit: number;
}

export async function readFundingPayments(db: Queryable, q: FundingQuery): Promise<FundingPayment[]> {
  const { rows } = await db.query<FundingPaymentRow>(SELECT_FUNDING_PAYMENTS, [
    q.start,
    q.end,
    q.account ?? null,
    q.strategy ?? null,
    q.venue ?? null,
    q.market ?? null,
    q.limit,
  ]);
  return rows.map(fundingPaymentFromRow);
}
