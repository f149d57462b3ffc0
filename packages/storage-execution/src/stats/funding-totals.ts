// The funding payments of a period summed per position (account, strategy,
// venue, market) and currency, exactly (NUMERIC sums), for trade statistics.

import type { Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { positionKeyText, type PositionKey } from '../positions/read-fills-for-replay.js';
import { CurrencyTally } from './fee-totals.js';

export interface FundingRange {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
}

export interface PositionFunding {
  key: PositionKey;
  amounts: CurrencyTally;
  payments: number;
}

const FUNDING_TOTALS = `
SELECT account_id, strategy_id, venue, market, currency, sum(amount)::text AS amount, count(*)::int AS payments
  FROM funding_payments
 WHERE time >= $1 AND time < $2
   AND ($3::text IS NULL OR account_id = $3)
   AND ($4::text IS NULL OR strategy_id = $4)
   AND ($5::text IS NULL OR venue = $5)
   AND ($6::text IS NULL OR market = $6)
 GROUP BY account_id, strategy_id, venue, market, currency`;

interface FundingRow {
  account_id: string;
  strategy_id: string;
  venue: string;
  market: string;
  currency: string;
  amount: string;
  payments: number;
}

/** Funding per position in [start, end), by positionKeyText. */
export async function fundingByPosition(db: Queryable, range: FundingRange): Promise<Map<string, PositionFunding>> {
  const { rows } = await db.query<FundingRow>(FUNDING_TOTALS, [
    range.start,
    range.end,
    range.account ?? null,
    range.strategy ?? null,
    range.venue ?? null,
    range.market ?? null,
  ]);
  const out = new Map<string, PositionFunding>();
  for (const row of rows) {
    const key = { accountId: row.account_id, strategyId: row.strategy_id, venue: row.venue, market: row.market };
    const id = positionKeyText(key);
    const entry = out.get(id) ?? { key, amounts: new CurrencyTally(), payments: 0 };
    entry.amounts.add(row.currency, new ExactDecimal(row.amount));
    entry.payments += Number(row.payments);
    out.set(id, entry);
  }
  return out;
}
