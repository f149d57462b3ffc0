// COPY text of parsed ticks (one line per row, tab-separated, escaped with
// core's copyTextValue), in chunks, for the tick writers and the bench.
// Decimals are already canonical plain text; times are ISO 8601 UTC.

import { copyTextValue } from '@ag/storage-core';
import type { ParsedBookSnapshot, ParsedQuote, ParsedTrade } from './tick-inputs.js';

const ROWS_PER_CHUNK = 4096;

export const TRADE_COLUMNS = '(time, venue, symbol, price, size, side, trade_id)';
export const TRADE_KEY_COLUMNS = '(trade_id, venue, symbol, time)';
export const QUOTE_COLUMNS = '(time, venue, symbol, bid, bid_size, ask, ask_size)';
export const BOOK_COLUMNS = '(time, venue, symbol, depth, bids, asks, sequence)';

function* chunked<T>(rows: readonly T[], line: (row: T) => string): Generator<string> {
  let chunk = '';
  let inChunk = 0;
  for (const row of rows) {
    chunk += line(row);
    inChunk += 1;
    if (inChunk === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk) yield chunk;
}

/** An ISO timestamp cache for runs of equal times (ticks arrive in bursts). */
function isoOf(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}

export function tradeCopyText(trades: readonly ParsedTrade[]): Generator<string> {
  const iso = isoOf();
  return chunked(trades, (t) =>
    `${iso(t.timeMs)}\t${copyTextValue(t.venue)}\t${copyTextValue(t.symbol)}\t${t.price}\t${t.size}\t${t.side ?? '\\N'}\t${copyTextValue(t.tradeId)}\n`);
}

export function tradeKeyCopyText(trades: readonly ParsedTrade[]): Generator<string> {
  const iso = isoOf();
  return chunked(trades, (t) => `${copyTextValue(t.tradeId)}\t${copyTextValue(t.venue)}\t${copyTextValue(t.symbol)}\t${iso(t.timeMs)}\n`);
}

export function quoteCopyText(quotes: readonly ParsedQuote[]): Generator<string> {
  const iso = isoOf();
  return chunked(quotes, (q) =>
    `${iso(q.timeMs)}\t${copyTextValue(q.venue)}\t${copyTextValue(q.symbol)}\t${q.bid}\t${q.bidSize}\t${q.ask}\t${q.askSize}\n`);
}

export function bookCopyText(books: readonly ParsedBookSnapshot[]): Generator<string> {
  const iso = isoOf();
  return chunked(books, (b) =>
    `${iso(b.timeMs)}\t${copyTextValue(b.venue)}\t${copyTextValue(b.symbol)}\t${b.depth}\t${levelsLiteral(b.bids)}\t${levelsLiteral(b.asks)}\t${b.sequence ?? '\\N'}\n`);
}

/** A 2-D NUMERIC array literal of [price, size] levels; '{}' for an empty side. */
export function levelsLiteral(levels: ReadonlyArray<readonly [string, string]>): string {
  if (levels.length === 0) return '{}';
  return `{${levels.map(([p, s]) => `{${p},${s}}`).join(',')}}`;
}
