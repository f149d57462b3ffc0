// How trades and quotes are laid out in a spool record (core's IngestSpool
// frames the records): the time as an f64 of milliseconds, then each text
// field as [bytes u32][utf8]. A trade's side is one byte (0 none, 1 buy, 2 sell).

import type { SpoolItemCodec } from '@ag/storage-core';
import type { ParsedQuote, ParsedTrade, TradeSide } from './tick-inputs.js';

function textBytes(...values: string[]): number {
  let n = 0;
  for (const v of values) n += 4 + Buffer.byteLength(v, 'utf8');
  return n;
}

function writeText(buffer: Buffer, at: number, value: string): number {
  const n = buffer.write(value, at + 4, 'utf8');
  buffer.writeUInt32LE(n, at);
  return at + 4 + n;
}

/** Reads texts in a row from `at`; `cursor.at` moves past them. */
function readText(payload: Buffer, cursor: { at: number }): string {
  const n = payload.readUInt32LE(cursor.at);
  const end = cursor.at + 4 + n;
  if (end > payload.length) throw new RangeError('text past the end of the record');
  const value = payload.toString('utf8', cursor.at + 4, end);
  cursor.at = end;
  return value;
}

const SIDES: Array<TradeSide | null> = [null, 'buy', 'sell'];

export const tradeSpoolCodec: SpoolItemCodec<ParsedTrade> = {
  byteLength: (t) => 8 + 1 + textBytes(t.venue, t.symbol, t.price, t.size, t.tradeId),
  write(buffer, at, t) {
    at = buffer.writeDoubleLE(t.timeMs, at);
    at = buffer.writeUInt8(t.side === 'buy' ? 1 : t.side === 'sell' ? 2 : 0, at);
    for (const v of [t.venue, t.symbol, t.price, t.size, t.tradeId]) at = writeText(buffer, at, v);
    return at;
  },
  read(payload, at) {
    const timeMs = payload.readDoubleLE(at);
    const side = SIDES[payload.readUInt8(at + 8)];
    if (side === undefined) throw new RangeError('bad trade side');
    const cursor = { at: at + 9 };
    const item: ParsedTrade = {
      timeMs,
      side,
      venue: readText(payload, cursor),
      symbol: readText(payload, cursor),
      price: readText(payload, cursor),
      size: readText(payload, cursor),
      tradeId: readText(payload, cursor),
    };
    return { item, end: cursor.at };
  },
};

export const quoteSpoolCodec: SpoolItemCodec<ParsedQuote> = {
  byteLength: (q) => 8 + textBytes(q.venue, q.symbol, q.bid, q.bidSize, q.ask, q.askSize),
  write(buffer, at, q) {
    at = buffer.writeDoubleLE(q.timeMs, at);
    for (const v of [q.venue, q.symbol, q.bid, q.bidSize, q.ask, q.askSize]) at = writeText(buffer, at, v);
    return at;
  },
  read(payload, at) {
    const timeMs = payload.readDoubleLE(at);
    const cursor = { at: at + 8 };
    const item: ParsedQuote = {
      timeMs,
      venue: readText(payload, cursor),
      symbol: readText(payload, cursor),
      bid: readText(payload, cursor),
      bidSize: readText(payload, cursor),
      ask: readText(payload, cursor),
      askSize: readText(payload, cursor),
    };
    return { item, end: cursor.at };
  },
};
