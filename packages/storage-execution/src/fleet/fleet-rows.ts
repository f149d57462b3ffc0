// accounts and strategies rows as the engines return them, and the Account
// and Strategy callers receive (Prisma's model types).

import type { AccountModel, StrategyModel } from '@ag/storage-core';

/** A registered account: Prisma's Account model. */
export type Account = AccountModel;
/** A registered strategy: Prisma's Strategy model. */
export type Strategy = StrategyModel;

export interface AccountRow {
  id: string;
  venue: string | null;
  name: string;
  mode: Account['mode'];
  created_at: Date;
}

export interface StrategyRow {
  id: string;
  name: string;
  version: string | null;
  parameters: Strategy['parameters'];
  created_at: Date;
}

export function accountFromRow(row: AccountRow): Account {
  return { id: row.id, venue: row.venue, name: row.name, mode: row.mode, createdAt: row.created_at };
}

export function strategyFromRow(row: StrategyRow): Strategy {
  return { id: row.id, name: row.name, version: row.version, parameters: row.parameters, createdAt: row.created_at };
}
