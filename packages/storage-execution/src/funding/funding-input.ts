// What storeFundingPayment(s) accept: one funding payment of a perpetual
// position. `amount` is signed (> 0 received, < 0 paid) in `currency`;
// (account, venue, venuePaymentId) is the idempotency key, for all time.

import { z } from 'zod';
import type { DecimalInput } from '../decimal/exact-decimal.js';
import { DEFAULT_ACCOUNT, DEFAULT_STRATEGY, fleetIdField } from '../fleet/fleet-ids.js';
import { decimalField, nameField, nullableDecimalField, timestampField } from '../validation/field-schemas.js';

export interface FundingPaymentInput {
  /** When the venue settled the payment. */
  time: Date | string | number;
  /** Registered account; default 'default'. */
  account?: string;
  /** Registered strategy the position belongs to; default 'default'. */
  strategy?: string;
  venue: string;
  market: string;
  /** The funding rate applied, when the venue says (may be negative). */
  rate?: DecimalInput | null;
  /** Signed: > 0 received, < 0 paid. */
  amount: DecimalInput;
  currency: string;
  /** The venue's id of the payment; re-sending it stores nothing. */
  venuePaymentId: string;
}

export const fundingPaymentInputSchema = z.strictObject({
  time: timestampField,
  account: fleetIdField.default(DEFAULT_ACCOUNT),
  strategy: fleetIdField.default(DEFAULT_STRATEGY),
  venue: nameField,
  market: nameField,
  rate: nullableDecimalField('any'),
  amount: decimalField('any'),
  currency: nameField,
  venuePaymentId: nameField,
});

export type ParsedFundingPayment = z.output<typeof fundingPaymentInputSchema>;
