// Reading position snapshots back: a market's snapshots over a range, the
// newest snapshot of one position (one primary-key probe), and the newest
// snapshot of every position (the latest_positions view).

import type { Queryable } from '@ag/storage-core';
import { DEFAULT_ACCOUNT, DEFAULT_STRATEGY } from '../fleet/fleet-ids.js';
import { positionFromRow, type Position, type PositionRow } from './position-row.js';

const SELECT_POSITIONS = `
SELECT * FROM positions
 WHERE market = $1 AND time >= $2 AND time < $3
   AND ($4::text IS NULL OR venue = $4)
   AND ($5::text IS NULL OR account_id = $5)
   AND ($6::text IS NULL OR strategy_id = $6)
 ORDER BY time, account_id, strategy_id, venue
 LIMIT $7`;

const SELECT_LATEST_POSITION = `
SELECT * FROM positions
 WHERE account_id = $1 AND strategy_id = $2 AND venue = $3 AND market = $4
 ORDER BY time DESC
 LIMIT 1`;

const SELECT_LATEST_POSITIONS = `
SELECT * FROM latest_positions
 WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR strategy_id = $2)
   AND ($3::text IS NULL OR venue = $3) AND ($4::text IS NULL OR market = $4)
 ORDER BY account_id, strategy_id, venue, market`;

export interface PositionRangeQuery {
  market: string;
  start: Date;
  end: Date;
  venue?: string | undefined;
  account?: string | undefined;
  strategy?: string | undefined;
  limit: number;
}

export interface PositionFilter {
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
}

export async function readPositions(db: Queryable, q: PositionRangeQuery): Promise<Position[]> {
  const { rows } = await db.query<PositionRow>(SELECT_POSITIONS, [q.market, q.start, q.end, q.venue ?? null, q.account ?? null, q.strategy ?? null, q.limit]);
  return rows.map(positionFromRow);
}

export async function readLatestPosition(
  db: Queryable,
  key: { venue: string; market: string; account?: string | undefined; strategy?: string | undefined },
): Promise<Position | null> {
  const { rows } = await db.query<PositionRow>(SELECT_LATEST_POSITION, [key.account ?? DEFAULT_ACCOUNT, key.strategy ?? DEFAULT_STRATEGY, key.venue, key.market]);
  return rows[0] ? positionFromRow(rows[0]) : null;
}

export async function readLatestPositions(db: Queryable, filter: PositionFilter): Promise<Position[]> {
  const { rows } = await db.query<PositionRow>(SELECT_LATEST_POSITIONS, [filter.account ?? null, filter.strategy ?? null, filter.venue ?? null, filter.market ?? null]);
  return rows.map(positionFromRow);
}
