// Streams the fills of each (venue, market) in time order, a page at a time,
// for replays through the average cost ledger (trade statistics,
// reconciliation). Pages follow the (venue, market, time) index.

import type { Queryable } from '@ag/storage-core';
import { ExactDecimal } from '../decimal/exact-decimal.js';
import { TIME_MICROS_SQL, timestampFromMicros } from '../time-keyset.js';
import type { LedgerFill } from './average-cost-ledger.js';

const PAGE_SIZE = 10_000;

export interface MarketKey {
  venue: string;
  market: string;
}

export interface ReplayRange {
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
  micros: string;
}

/** The (venue, market) pairs that have fills in the range, sorted. */
export async function marketsWithFills(db: Queryable, range: ReplayRange): Promise<MarketKey[]> {
  const { sql, params } = rangeFilter(range);
  const { rows } = await db.query<MarketKey>(`SELECT DISTINCT venue, market FROM fills WHERE ${sql} ORDER BY venue, market`, params);
  return rows;
}

/** The fills of one market in (time, id) order, as ledger input. */
export async function* readMarketFills(db: Queryable, key: MarketKey, range: ReplayRange): AsyncGenerator<LedgerFill & { id: string }> {
  const { sql, params } = rangeFilter({ ...range, venue: key.venue, market: key.market });
  let after: { micros: string; id: string } | null = null;
  for (;;) {
    const keyset: string = after
      ? ` AND (time, id) > (${timestampFromMicros(`$${params.length + 1}`)}, $${params.length + 2}::uuid)`
      : '';
    const pageParams: unknown[] = after ? [...params, after.micros, after.id] : params;
    const { rows }: { rows: ReplayRow[] } = await db.query<ReplayRow>(
      `SELECT id, time, side, price, size, fee, ${TIME_MICROS_SQL} AS micros
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
  if (range.venue !== undefined) {
    params.push(range.venue);
    conditions.push(`venue = $${params.length}`);
  }
  if (range.market !== undefined) {
    params.push(range.market);
    conditions.push(`market = $${params.length}`);
  }
  return { sql: conditions.join(' AND '), params };
}
