// The two names every execution row carries besides its venue and market:
// the account it was traded in and the strategy that decided it. Rows written
// without them (and every row from before fleets existed) belong to the
// 'default' account and strategy, which the migration creates.

import { nameField } from '../validation/field-schemas.js';

export const DEFAULT_ACCOUNT = 'default';
export const DEFAULT_STRATEGY = 'default';

/** An account id or strategy id: a name (1-200 characters, no control characters). */
export const fleetIdField = nameField;

/** The account and strategy of a row, resolved (defaults applied). */
export interface FleetKey {
  account: string;
  strategy: string;
}
