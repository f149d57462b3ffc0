// The accounts and strategies execution rows may name. registerAccount and
// registerStrategy write them; every write of an order, position or funding
// payment is checked against them first (an unregistered account or
// strategy, or an account used on another venue than its own, is a
// ValidationError and nothing is written). Registered ids are remembered in
// the process: accounts and strategies are never removed, so the check costs
// a query only the first time an id is seen.

import { ValidationError, type Queryable, type Storage } from '@ag/storage-core';
import { transactionWithRetry, type WriteRetryPolicy } from '../transaction-with-retry.js';
import { DEFAULT_STRATEGY } from './fleet-ids.js';
import { parseInput } from '../validation/parse-input.js';
import { accountInputSchema, type AccountInput } from './account-input.js';
import { accountFromRow, strategyFromRow, type Account, type AccountRow, type Strategy, type StrategyRow } from './fleet-rows.js';
import { strategyInputSchema, type StrategyInput } from './strategy-input.js';

export type RegisterOutcome = 'inserted' | 'updated' | 'unchanged';

/** What a parsed input says of its account, strategy (absent: default) and venue, for the check before a write. */
export interface FleetClaim {
  account: string;
  strategy?: string | undefined;
  venue: string;
}

const INSERT_ACCOUNT = `
INSERT INTO accounts (id, venue, name, mode) VALUES ($1, $2, $3, $4::account_mode)
ON CONFLICT (id) DO NOTHING
RETURNING *`;
const LOCK_ACCOUNT = `SELECT * FROM accounts WHERE id = $1 FOR UPDATE`;
const RENAME_ACCOUNT = `UPDATE accounts SET name = $2 WHERE id = $1 RETURNING *`;
const SELECT_ACCOUNTS = `SELECT * FROM accounts ORDER BY id`;
const ACCOUNT_VENUES = `SELECT id, venue FROM accounts WHERE id = ANY($1::text[])`;

const INSERT_STRATEGY = `
INSERT INTO strategies (id, name, version, parameters) VALUES ($1, $2, $3, $4::jsonb)
ON CONFLICT (id) DO NOTHING
RETURNING *`;
const LOCK_STRATEGY = `SELECT * FROM strategies WHERE id = $1 FOR UPDATE`;
const UPDATE_STRATEGY = `
UPDATE strategies SET name = $2, version = $3, parameters = $4::jsonb
 WHERE id = $1 AND (name, version, parameters) IS DISTINCT FROM ($2, $3, $4::jsonb)
RETURNING *`;
const SELECT_STRATEGIES = `SELECT * FROM strategies ORDER BY id`;
const KNOWN_STRATEGIES = `SELECT id FROM strategies WHERE id = ANY($1::text[])`;

export class FleetRegistry {
  /** Registered accounts seen so far, with their venue (null: any venue). */
  private readonly accountVenues = new Map<string, string | null>();
  private readonly strategies = new Set<string>();

  constructor(
    private readonly storage: Storage,
    private readonly retry: WriteRetryPolicy,
  ) {}

  /** Registers an account; again with the same venue and mode: unchanged, or renamed. Venue and mode never change. */
  async registerAccount(input: AccountInput): Promise<{ outcome: RegisterOutcome; account: Account }> {
    const a = parseInput(accountInputSchema, input, 'account');
    const name = a.name ?? a.id;
    const result = await transactionWithRetry(this.storage, async (tx) => {
      const inserted = await tx.query<AccountRow>(INSERT_ACCOUNT, [a.id, a.venue, name, a.mode]);
      if (inserted.rows[0]) return { outcome: 'inserted' as const, row: inserted.rows[0] };
      const stored = (await tx.query<AccountRow>(LOCK_ACCOUNT, [a.id])).rows[0] as AccountRow;
      if (stored.venue !== a.venue) {
        throw new ValidationError('account.venue', a.venue, `account ${JSON.stringify(a.id)} is registered at ${stored.venue === null ? 'every venue' : JSON.stringify(stored.venue)}; an account's venue never changes`);
      }
      if (stored.mode !== a.mode) {
        throw new ValidationError('account.mode', a.mode, `account ${JSON.stringify(a.id)} is registered as ${stored.mode}; an account's mode never changes`);
      }
      if (a.name === undefined || stored.name === a.name) return { outcome: 'unchanged' as const, row: stored };
      return { outcome: 'updated' as const, row: (await tx.query<AccountRow>(RENAME_ACCOUNT, [a.id, a.name])).rows[0] as AccountRow };
    }, this.retry);
    this.accountVenues.set(result.row.id, result.row.venue);
    return { outcome: result.outcome, account: accountFromRow(result.row) };
  }

  /** Registers a strategy, or updates its name, version and parameters (omitted fields keep their stored values). */
  async registerStrategy(input: StrategyInput): Promise<{ outcome: RegisterOutcome; strategy: Strategy }> {
    const s = parseInput(strategyInputSchema, input, 'strategy');
    const result = await transactionWithRetry(this.storage, async (tx) => {
      const inserted = await tx.query<StrategyRow>(INSERT_STRATEGY, [s.id, s.name ?? s.id, s.version ?? null, JSON.stringify(s.parameters ?? {})]);
      if (inserted.rows[0]) return { outcome: 'inserted' as const, row: inserted.rows[0] };
      const stored = (await tx.query<StrategyRow>(LOCK_STRATEGY, [s.id])).rows[0] as StrategyRow;
      const updated = await tx.query<StrategyRow>(UPDATE_STRATEGY, [
        s.id,
        s.name ?? stored.name,
        s.version === undefined ? stored.version : s.version,
        JSON.stringify(s.parameters ?? stored.parameters),
      ]);
      return updated.rows[0] ? { outcome: 'updated' as const, row: updated.rows[0] } : { outcome: 'unchanged' as const, row: stored };
    }, this.retry);
    this.strategies.add(result.row.id);
    return { outcome: result.outcome, strategy: strategyFromRow(result.row) };
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.storage.readQuery<AccountRow>(SELECT_ACCOUNTS)).map(accountFromRow);
  }

  async listStrategies(): Promise<Strategy[]> {
    return (await this.storage.readQuery<StrategyRow>(SELECT_STRATEGIES)).map(strategyFromRow);
  }

  /**
   * Refuses the first reference to an account or strategy that is not
   * registered, or to an account on another venue than its own. Reads the
   * registry (on `db`, the write's transaction) only for ids not seen yet.
   */
  async check(db: Queryable, claims: readonly FleetClaim[], fieldOf: (index: number) => string): Promise<void> {
    const unseenAccounts = new Set<string>();
    const unseenStrategies = new Set<string>();
    for (const claim of claims) {
      if (!this.accountVenues.has(claim.account)) unseenAccounts.add(claim.account);
      const strategy = claim.strategy ?? DEFAULT_STRATEGY;
      if (!this.strategies.has(strategy)) unseenStrategies.add(strategy);
    }
    if (unseenAccounts.size > 0) {
      const { rows } = await db.query<{ id: string; venue: string | null }>(ACCOUNT_VENUES, [[...unseenAccounts]]);
      for (const row of rows) this.accountVenues.set(row.id, row.venue);
    }
    if (unseenStrategies.size > 0) {
      const { rows } = await db.query<{ id: string }>(KNOWN_STRATEGIES, [[...unseenStrategies]]);
      for (const row of rows) this.strategies.add(row.id);
    }
    claims.forEach((claim, index) => {
      const venue = this.accountVenues.get(claim.account);
      if (venue === undefined) {
        throw new ValidationError(`${fieldOf(index)}.account`, claim.account, 'no account registered with this id (registerAccount first)');
      }
      if (venue !== null && venue !== claim.venue) {
        throw new ValidationError(`${fieldOf(index)}.venue`, claim.venue, `account ${JSON.stringify(claim.account)} trades at ${JSON.stringify(venue)}`);
      }
      const strategy = claim.strategy ?? DEFAULT_STRATEGY;
      if (!this.strategies.has(strategy)) {
        throw new ValidationError(`${fieldOf(index)}.strategy`, strategy, 'no strategy registered with this id (registerStrategy first)');
      }
    });
  }
}
