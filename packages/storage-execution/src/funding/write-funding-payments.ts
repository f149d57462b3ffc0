// Funding payments, for one or a batch, in one transaction: the accounts and
// strategies named are checked, payments whose (account, venue,
// venue_payment_id) was ever stored are duplicates (funding_payment_keys,
// claimed by a trigger on every insert), repeats inside the batch count once,
// and the new payments are inserted in one statement.

import type { Queryable } from '@ag/storage-core';
import type { FleetRegistry } from '../fleet/fleet-registry.js';
import type { ParsedFundingPayment } from './funding-input.js';

export type FundingWriteOutcome = 'inserted' | 'duplicate';

const FIND_PAYMENT_KEYS = `
SELECT k.account_id, k.venue, k.venue_payment_id
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(account_id, venue, venue_payment_id)
 CROSS JOIN LATERAL (
   SELECT * FROM funding_payment_keys
    WHERE funding_payment_keys.account_id = u.account_id AND funding_payment_keys.venue = u.venue
      AND funding_payment_keys.venue_payment_id = u.venue_payment_id
 ) k`;

const INSERT_PAYMENTS = `
INSERT INTO funding_payments (time, account_id, strategy_id, venue, market, rate, amount, currency, venue_payment_id)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::text[], $9::text[])`;

export async function writeFundingPayments(
  tx: Queryable,
  fleet: FleetRegistry,
  inputs: readonly ParsedFundingPayment[],
  fieldOf: (index: number) => string,
): Promise<FundingWriteOutcome[]> {
  if (inputs.length === 0) return [];
  await fleet.check(tx, inputs, fieldOf);
  const keyOf = (account: string, venue: string, id: string) => `${account}\u0000${venue}\u0000${id}`;
  const { rows } = await tx.query<{ account_id: string; venue: string; venue_payment_id: string }>(FIND_PAYMENT_KEYS, [
    inputs.map((p) => p.account),
    inputs.map((p) => p.venue),
    inputs.map((p) => p.venuePaymentId),
  ]);
  const seen = new Set(rows.map((r) => keyOf(r.account_id, r.venue, r.venue_payment_id)));
  const fresh: ParsedFundingPayment[] = [];
  const outcomes = inputs.map((p): FundingWriteOutcome => {
    const key = keyOf(p.account, p.venue, p.venuePaymentId);
    if (seen.has(key)) return 'duplicate';
    seen.add(key);
    fresh.push(p);
    return 'inserted';
  });
  if (fresh.length > 0) {
    await tx.query(INSERT_PAYMENTS, [
      fresh.map((p) => p.time.toISOString()),
      fresh.map((p) => p.account),
      fresh.map((p) => p.strategy),
      fresh.map((p) => p.venue),
      fresh.map((p) => p.market),
      fresh.map((p) => p.rate ?? null),
      fresh.map((p) => p.amount),
      fresh.map((p) => p.currency),
      fresh.map((p) => p.venuePaymentId),
    ]);
  }
  return outcomes;
}
