// What storePosition / storePositions accept: a snapshot of one strategy's
// position in one market of one account at one time. size is signed
// (long > 0, short < 0, flat 0).

import { z } from 'zod';
import type { DecimalInput } from '../decimal/exact-decimal.js';
import { DEFAULT_ACCOUNT, DEFAULT_STRATEGY, fleetIdField } from '../fleet/fleet-ids.js';
import { decimalField, nameField, nullableDecimalField, timestampField } from '../validation/field-schemas.js';

export interface PositionInput {
  time: Date | string | number;
  /** Registered account; default 'default'. */
  account?: string;
  /** Registered strategy; default 'default'. */
  strategy?: string;
  venue: string;
  market: string;
  /** Signed: long > 0, short < 0. */
  size: DecimalInput;
  /** Average entry price; null (or absent) when flat. */
  avgEntryPrice?: DecimalInput | null;
  /** Default 0. */
  unrealizedPnl?: DecimalInput;
  /** Default 0. */
  realizedPnl?: DecimalInput;
}

export const positionInputSchema = z.strictObject({
  time: timestampField,
  account: fleetIdField.default(DEFAULT_ACCOUNT),
  strategy: fleetIdField.default(DEFAULT_STRATEGY),
  venue: nameField,
  market: nameField,
  size: decimalField('any'),
  avgEntryPrice: nullableDecimalField('positive'),
  unrealizedPnl: decimalField('any').optional(),
  realizedPnl: decimalField('any').optional(),
});

export type ParsedPosition = z.output<typeof positionInputSchema>;
