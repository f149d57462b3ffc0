// What storeTrades, storeQuotes and storeBookSnapshots accept, and the
// checks that run over a whole batch before anything of it is written:
// positive prices and sizes, bid < ask (a crossed or locked quote or book is
// REFUSED, not flagged: a venue's own top of book is never crossed, so such a
// tick is a feed error), book levels sorted (bids descending, asks ascending,
// no price twice), timestamps in range, and names of any text (quotes and SQL
// are stored as data).

import { ValidationError } from '@ag/storage-core';
import type { DecimalInput } from '../../decimal/exact-decimal.js';
import { MAX_BATCH_SIZE } from '../../validation/parse-input.js';
import {
  checkKnownKeys,
  checkName,
  checkPositiveDecimal,
  checkRepeatedName,
  checkTimestamp,
  compareDecimalText,
} from './tick-fields.js';

export type TradeSide = 'buy' | 'sell';
export const TRADE_SIDES: readonly TradeSide[] = ['buy', 'sell'];

export interface TradeInput {
  time: Date | string | number;
  venue: string;
  symbol: string;
  price: DecimalInput;
  size: DecimalInput;
  /** The aggressor's side; null or absent when the venue does not say. */
  side?: TradeSide | null;
  /** The venue's trade id: unique per venue and symbol for all time. */
  tradeId: string;
}

export interface QuoteInput {
  time: Date | string | number;
  venue: string;
  symbol: string;
  bid: DecimalInput;
  bidSize: DecimalInput;
  ask: DecimalInput;
  askSize: DecimalInput;
}

/** One book level: [price, size]. */
export type BookLevelInput = readonly [DecimalInput, DecimalInput];

export interface BookSnapshotInput {
  time: Date | string | number;
  venue: string;
  symbol: string;
  /** Best first: prices strictly descending. */
  bids: readonly BookLevelInput[];
  /** Best first: prices strictly ascending. */
  asks: readonly BookLevelInput[];
  /** The depth the snapshot was taken at; default: the longer side. At least as many levels as either side has. */
  depth?: number;
  /** The venue's sequence number, when it has one. */
  sequence?: number | bigint | string | null;
}

/** The most levels one side of a snapshot may have. */
export const MAX_BOOK_LEVELS = 5_000;

export interface ParsedTrade {
  timeMs: number;
  venue: string;
  symbol: string;
  price: string;
  size: string;
  side: TradeSide | null;
  tradeId: string;
}

export interface ParsedQuote {
  timeMs: number;
  venue: string;
  symbol: string;
  bid: string;
  bidSize: string;
  ask: string;
  askSize: string;
}

export interface ParsedBookSnapshot {
  timeMs: number;
  venue: string;
  symbol: string;
  depth: number;
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
  sequence: string | null;
}

const TRADE_KEYS = new Set(['time', 'venue', 'symbol', 'price', 'size', 'side', 'tradeId']);
const QUOTE_KEYS = new Set(['time', 'venue', 'symbol', 'bid', 'bidSize', 'ask', 'askSize']);
const BOOK_KEYS = new Set(['time', 'venue', 'symbol', 'bids', 'asks', 'depth', 'sequence']);
const SEQUENCE_TEXT = /^(?:0|[1-9]\d{0,18})$/;
const MAX_SEQUENCE = 9_223_372_036_854_775_807n;

function checkObject(input: unknown, field: string): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError(field, input, 'expected an object');
  return input as Record<string, unknown>;
}

export function parseTrade(input: unknown, field: string): ParsedTrade {
  const t = checkObject(input, field);
  checkKnownKeys(t, TRADE_KEYS, field);
  const side = t.side;
  if (side !== undefined && side !== null && side !== 'buy' && side !== 'sell') {
    throw new ValidationError(`${field}.side`, side, 'expected "buy", "sell" or null');
  }
  return {
    timeMs: checkTimestamp(t.time, `${field}.time`),
    venue: checkRepeatedName(t.venue, `${field}.venue`),
    symbol: checkRepeatedName(t.symbol, `${field}.symbol`),
    price: checkPositiveDecimal(t.price, `${field}.price`),
    size: checkPositiveDecimal(t.size, `${field}.size`),
    side: side ?? null,
    tradeId: checkName(t.tradeId, `${field}.tradeId`),
  };
}

export function parseQuote(input: unknown, field: string): ParsedQuote {
  const q = checkObject(input, field);
  checkKnownKeys(q, QUOTE_KEYS, field);
  const quote: ParsedQuote = {
    timeMs: checkTimestamp(q.time, `${field}.time`),
    venue: checkRepeatedName(q.venue, `${field}.venue`),
    symbol: checkRepeatedName(q.symbol, `${field}.symbol`),
    bid: checkPositiveDecimal(q.bid, `${field}.bid`),
    bidSize: checkPositiveDecimal(q.bidSize, `${field}.bidSize`),
    ask: checkPositiveDecimal(q.ask, `${field}.ask`),
    askSize: checkPositiveDecimal(q.askSize, `${field}.askSize`),
  };
  const order = compareDecimalText(quote.bid, quote.ask);
  if (order >= 0) throw new ValidationError(`${field}.bid`, q.bid, `${order === 0 ? 'locked' : 'crossed'} book: bid must be below ask (${quote.ask})`);
  return quote;
}

export function parseBookSnapshot(input: unknown, field: string): ParsedBookSnapshot {
  const b = checkObject(input, field);
  checkKnownKeys(b, BOOK_KEYS, field);
  const timeMs = checkTimestamp(b.time, `${field}.time`);
  const venue = checkRepeatedName(b.venue, `${field}.venue`);
  const symbol = checkRepeatedName(b.symbol, `${field}.symbol`);
  const bids = parseLevels(b.bids, `${field}.bids`, 'descending');
  const asks = parseLevels(b.asks, `${field}.asks`, 'ascending');
  const bestBid = bids[0];
  const bestAsk = asks[0];
  if (bestBid && bestAsk) {
    const order = compareDecimalText(bestBid[0], bestAsk[0]);
    if (order >= 0) {
      throw new ValidationError(`${field}.bids[0][0]`, bestBid[0], `${order === 0 ? 'locked' : 'crossed'} book: best bid must be below best ask (${bestAsk[0]})`);
    }
  }
  const levels = Math.max(bids.length, asks.length);
  if (levels === 0) throw new ValidationError(`${field}.bids`, b.bids, 'a snapshot needs at least one level on one side');
  let depth = levels;
  if (b.depth !== undefined) {
    if (typeof b.depth !== 'number' || !Number.isInteger(b.depth) || b.depth < 1 || b.depth > MAX_BOOK_LEVELS) {
      throw new ValidationError(`${field}.depth`, b.depth, `expected an integer from 1 to ${MAX_BOOK_LEVELS}`);
    }
    if (b.depth < levels) throw new ValidationError(`${field}.depth`, b.depth, `smaller than the ${levels} levels given`);
    depth = b.depth;
  }
  return { timeMs, venue, symbol, depth, bids, asks, sequence: parseSequence(b.sequence, `${field}.sequence`) };
}

function parseLevels(input: unknown, field: string, order: 'ascending' | 'descending'): Array<[string, string]> {
  if (!Array.isArray(input)) throw new ValidationError(field, input, input === undefined ? 'required' : 'expected an array of [price, size] levels');
  if (input.length > MAX_BOOK_LEVELS) throw new ValidationError(field, input.length, `at most ${MAX_BOOK_LEVELS} levels`);
  const levels: Array<[string, string]> = [];
  for (let i = 0; i < input.length; i += 1) {
    const level: unknown = input[i];
    if (!Array.isArray(level) || level.length !== 2) throw new ValidationError(`${field}[${i}]`, level, 'expected a [price, size] pair');
    const price = checkPositiveDecimal(level[0], `${field}[${i}][0]`);
    const size = checkPositiveDecimal(level[1], `${field}[${i}][1]`);
    const previous = levels[i - 1];
    if (previous) {
      const step = compareDecimalText(price, previous[0]);
      if (order === 'descending' ? step >= 0 : step <= 0) {
        throw new ValidationError(`${field}[${i}][0]`, level[0], `levels must be sorted by price, ${order}, each price once (previous ${previous[0]})`);
      }
    }
    levels.push([price, size]);
  }
  return levels;
}

function parseSequence(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'bigint' ? value.toString() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
  if (text === undefined || !SEQUENCE_TEXT.test(text) || BigInt(text) > MAX_SEQUENCE) {
    throw new ValidationError(field, value, 'expected a non-negative integer below 2^63');
  }
  return text;
}

/** Checks every item of a batch (all of them, before any is written). */
export function parseTickBatch<T>(input: unknown, field: string, parse: (item: unknown, field: string) => T): T[] {
  if (!Array.isArray(input)) throw new ValidationError(field, input, 'expected an array');
  if (input.length > MAX_BATCH_SIZE) {
    throw new ValidationError(field, input.length, `at most ${MAX_BATCH_SIZE} items per call (got ${input.length}); split the batch`);
  }
  const out = new Array<T>(input.length);
  for (let i = 0; i < input.length; i += 1) out[i] = parse(input[i], `${field}[${i}]`);
  return out;
}
