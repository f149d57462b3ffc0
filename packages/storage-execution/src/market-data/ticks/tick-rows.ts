// Ticks as callers receive them: prices and sizes as Prisma.Decimal (plain
// decimal text and JSON), book levels as [price, size] pairs, a book's
// sequence number as decimal text (JSON has no 64-bit integers).

import type { Prisma } from '@ag/storage-core';
import { toPrismaDecimal } from '../../decimal/exact-decimal.js';
import type { TradeSide } from './tick-inputs.js';

export interface Trade {
  time: Date;
  venue: string;
  symbol: string;
  price: Prisma.Decimal;
  size: Prisma.Decimal;
  side: TradeSide | null;
  tradeId: string;
}

export interface Quote {
  time: Date;
  venue: string;
  symbol: string;
  bid: Prisma.Decimal;
  bidSize: Prisma.Decimal;
  ask: Prisma.Decimal;
  askSize: Prisma.Decimal;
}

export type BookLevel = [price: Prisma.Decimal, size: Prisma.Decimal];

export interface BookSnapshot {
  time: Date;
  venue: string;
  symbol: string;
  depth: number;
  bids: BookLevel[];
  asks: BookLevel[];
  sequence: string | null;
}

export interface TradeRow {
  time: Date;
  venue: string;
  symbol: string;
  price: string;
  size: string;
  side: TradeSide | null;
  trade_id: string;
}

export interface QuoteRow {
  time: Date;
  venue: string;
  symbol: string;
  bid: string;
  bid_size: string;
  ask: string;
  ask_size: string;
}

export interface BookRow {
  time: Date;
  venue: string;
  symbol: string;
  depth: number;
  bids: string;
  asks: string;
  sequence: string | null;
}

export const TRADE_SELECT = 'time, venue, symbol, price::text AS price, size::text AS size, side, trade_id';
export const QUOTE_SELECT = 'time, venue, symbol, bid::text AS bid, bid_size::text AS bid_size, ask::text AS ask, ask_size::text AS ask_size';
export const BOOK_SELECT = 'time, venue, symbol, depth, bids::text AS bids, asks::text AS asks, sequence::text AS sequence';

export function tradeFromRow(row: TradeRow): Trade {
  return {
    time: row.time,
    venue: row.venue,
    symbol: row.symbol,
    price: toPrismaDecimal(row.price),
    size: toPrismaDecimal(row.size),
    side: row.side,
    tradeId: row.trade_id,
  };
}

export function quoteFromRow(row: QuoteRow): Quote {
  return {
    time: row.time,
    venue: row.venue,
    symbol: row.symbol,
    bid: toPrismaDecimal(row.bid),
    bidSize: toPrismaDecimal(row.bid_size),
    ask: toPrismaDecimal(row.ask),
    askSize: toPrismaDecimal(row.ask_size),
  };
}

export function bookFromRow(row: BookRow): BookSnapshot {
  return {
    time: row.time,
    venue: row.venue,
    symbol: row.symbol,
    depth: Number(row.depth),
    bids: levelsFromText(row.bids),
    asks: levelsFromText(row.asks),
    sequence: row.sequence,
  };
}

/** '{{100.5,2},{100.4,3}}' (a 2-D NUMERIC array's text) as [price, size] pairs; '{}' is no level. */
export function levelsFromText(text: string): BookLevel[] {
  if (text.length <= 2) return [];
  return text
    .slice(2, -2)
    .split('},{')
    .map((pair) => {
      const [price = '', size = ''] = pair.split(',');
      return [toPrismaDecimal(price), toPrismaDecimal(size)];
    });
}
