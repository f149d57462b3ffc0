// Range reads of one market's ticks: [start, end), oldest first unless
// order is 'desc', at most `limit` rows. Equal times are ordered by trade id
// (trades) so that a read is repeatable.

import type { Queryable } from '@ag/storage-core';
import {
  BOOK_SELECT,
  bookFromRow,
  QUOTE_SELECT,
  quoteFromRow,
  TRADE_SELECT,
  tradeFromRow,
  type BookRow,
  type BookSnapshot,
  type Quote,
  type QuoteRow,
  type Trade,
  type TradeRow,
} from './tick-rows.js';

export interface TickRange {
  venue: string;
  symbol: string;
  start: Date;
  end: Date;
  order?: 'asc' | 'desc' | undefined;
}

function rangeSql(table: string, columns: string, order: 'asc' | 'desc', tieBreak = ''): string {
  const direction = order === 'desc' ? 'DESC' : 'ASC';
  return `
SELECT ${columns} FROM ${table}
 WHERE venue = $1 AND symbol = $2 AND time >= $3 AND time < $4
 ORDER BY time ${direction}${tieBreak ? `, ${tieBreak} ${direction}` : ''}
 LIMIT $5`;
}

export async function readTrades(db: Queryable, q: TickRange, limit: number): Promise<Trade[]> {
  const { rows } = await db.query<TradeRow>(rangeSql('trades', TRADE_SELECT, q.order ?? 'asc', 'trade_id'), [q.venue, q.symbol, q.start, q.end, limit]);
  return rows.map(tradeFromRow);
}

export async function readQuotes(db: Queryable, q: TickRange, limit: number): Promise<Quote[]> {
  const { rows } = await db.query<QuoteRow>(rangeSql('quotes', QUOTE_SELECT, q.order ?? 'asc'), [q.venue, q.symbol, q.start, q.end, limit]);
  return rows.map(quoteFromRow);
}

export async function readBookSnapshots(db: Queryable, q: TickRange, limit: number): Promise<BookSnapshot[]> {
  const { rows } = await db.query<BookRow>(rangeSql('book_snapshots', BOOK_SELECT, q.order ?? 'asc'), [q.venue, q.symbol, q.start, q.end, limit]);
  return rows.map(bookFromRow);
}
