// What registerAccount accepts: an account at one venue, traded live, on paper
// or in a backtest. `id` is how every order, fill, position and funding
// payment names it.

import { z } from 'zod';
import { enumField, nameField } from '../validation/field-schemas.js';
import { fleetIdField } from './fleet-ids.js';

export const ACCOUNT_MODES = ['live', 'paper', 'backtest'] as const;
export type AccountMode = (typeof ACCOUNT_MODES)[number];

export interface AccountInput {
  id: string;
  venue: string;
  /** Default: the id. */
  name?: string;
  mode: AccountMode;
}

export const accountInputSchema = z.strictObject({
  id: fleetIdField,
  venue: nameField,
  name: nameField.optional(),
  mode: enumField(ACCOUNT_MODES),
});

export type ParsedAccount = z.output<typeof accountInputSchema>;
