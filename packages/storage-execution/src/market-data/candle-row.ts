// A candles row as the engines return it, and the Candle callers receive
// (Prisma's model type, prices and volume as Prisma.Decimal).

import type { CandleModel } from '@ag/storage-core';
import { toPrismaDecimal } from '../decimal/exact-decimal.js';

/** A stored OHLCV bar: Prisma's Candle model. */
export type Candle = CandleModel;

export interface CandleRow {
  time: Date;
  venue: string;
  symbol: string;
  timeframe: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export function candleFromRow(row: CandleRow): Candle {
  return {
    time: row.time,
    venue: row.venue,
    symbol: row.symbol,
    timeframe: row.timeframe,
    open: toPrismaDecimal(row.open),
    high: toPrismaDecimal(row.high),
    low: toPrismaDecimal(row.low),
    close: toPrismaDecimal(row.close),
    volume: toPrismaDecimal(row.volume),
  };
}
