// Streams the fills of each position (account, strategy, venue, market) in
// time order, a page at a time, for replays through the average cost ledger
// (trade statistics, reconciliation). Positions are per strategy: two
// strategies trading one market are replayed apart.

import type { Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { TIME_MICROS_SQL, timestampFromMicros } from '../time-keyset.js';
import type { LedgerFill } from './average-cost-ledger.js';

const PAGE_SIZE = 10_000;

/** One position: what a replay (and a snapshot) is kept per. */
export interface PositionKey {
  accountId: string;
  strategyId: string;
  venue: string;
  market: string;
}

export interface ReplayRange {
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  /** Fills up to this time ... */
  until: Date;
  /** ... including it (reconciliation, as of a snapshot) or not (a period [start, end)). */
  inclusive: boolean;
}

interface ReplayRow {
  id: string;
  time: Date;
  side: 'buy' | 'sell';
  price: string;
  size: string;
  fee: string;
  fee_currency: string | null;
  micros: string;
}

/** A map key for a PositionKey. */
export function positionKeyText(key: PositionKey): string {
  return `${key.accountId}\u0000${key.strategyId}\u0000${key.venue}\u0000${key.market}`;
}

/** Orders position keys by account, strategy, venue, market. */
export function comparePositionKeys(a: PositionKey, b: PositionKey): number {
  for (const field of ['accountId', 'strategyId', 'venue', 'market'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}

/** The positions that have fills in the range, sorted. */
export async function positionsWithFills(db: Queryable, range: ReplayRange): Promise<PositionKey[]> {
  const { sql, params } = rangeFilter(range);
  const { rows } = await db.query<PositionKey>(
    `SELECT DISTINCT account_id AS "accountId", strategy_id AS "strategyId", venue, market
       FROM fills WHERE ${sql}
      ORDER BY 1, 2, 3, 4`,
    params,
  );
  return rows;
}

/** The fills of one position in (time, id) order, as ledger input. */
export async function* readPositionFills(db: Queryable, key: PositionKey, range: ReplayRange): AsyncGenerator<LedgerFill & { id: string }> {
  const { sql, params } = rangeFilter({ ...range, account: key.accountId, strategy: key.strategyId, venue: key.venue, market: key.market });
  let after: { micros: string; id: string } | null = null;
  for (;;) {
    const keyset: string = after
      ? ` AND (time, id) > (${timestampFromMicros(`$${params.length + 1}`)}, $${params.length + 2}::uuid)`
      : '';
    const pageParams: unknown[] = after ? [...params, after.micros, after.id] : params;
    const { rows }: { rows: ReplayRow[] } = await db.query<ReplayRow>(
      `SELECT id, time, side, price, size, fee, fee_currency, ${TIME_MICROS_SQL} AS micros
         FROM fills WHERE ${sql}${keyset}
        ORDER BY time, id
        LIMIT ${PAGE_SIZE}`,
      pageParams,
    );
    for (const row of rows) {
      yield {
        id: row.id,
        time: row.time,
        side: row.side,
        price: new ExactDecimal(row.price),
        size: new ExactDecimal(row.size),
        fee: new ExactDecimal(row.fee),
        feeCurrency: row.fee_currency,
      };
    }
    if (rows.length < PAGE_SIZE) return;
    const last = rows[rows.length - 1] as ReplayRow;
    after = { micros: last.micros, id: last.id };
  }
}

function rangeFilter(range: ReplayRange): { sql: string; params: unknown[] } {
  const params: unknown[] = [range.until];
  const conditions = [range.inclusive ? 'time <= $1' : 'time < $1'];
  for (const [column, value] of [
    ['account_id', range.account],
    ['strategy_id', range.strategy],
    ['venue', range.venue],
    ['market', range.market],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  }
  return { sql: conditions.join(' AND '), params };
}
