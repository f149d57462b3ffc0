// Reading fills back: the fills of one order, and pages of a time range with
// account, strategy, venue, market and side filters (keyset-page.ts).

import type { Queryable } from '@ag/storage-core';
import { readKeysetPage } from '../keyset-page.js';
import { fillFromRow, type Fill, type FillRow } from './fill-row.js';

const SELECT_FILLS_OF_ORDER = `SELECT * FROM fills WHERE order_id = $1 ORDER BY time, id`;

export interface FillPageQuery {
  start: Date;
  end: Date;
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  side?: Fill['side'] | undefined;
  limit: number;
  cursor?: string | undefined;
  order: 'asc' | 'desc';
}

export async function readFillsOfOrder(db: Queryable, orderId: string): Promise<Fill[]> {
  const { rows } = await db.query<FillRow>(SELECT_FILLS_OF_ORDER, [orderId]);
  return rows.map(fillFromRow);
}

export async function readFillPage(db: Queryable, q: FillPageQuery): Promise<{ fills: Fill[]; nextCursor: string | null }> {
  const page = await readKeysetPage<FillRow>(db, {
    table: 'fills',
    start: q.start,
    end: q.end,
    equal: [
      ['account_id', q.account],
      ['strategy_id', q.strategy],
      ['venue', q.venue],
      ['market', q.market],
      ['side', q.side, '::order_side'],
    ],
    limit: q.limit,
    order: q.order,
    cursor: q.cursor,
    cursorField: 'query.cursor',
  });
  return { fills: page.rows.map(fillFromRow), nextCursor: page.nextCursor };
}
