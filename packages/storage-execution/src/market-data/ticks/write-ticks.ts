// The tick writers: COPY, the fastest path on both engines, with duplicates
// counted rather than doubled.
//
// Trades: a trade's key (venue, symbol, trade id) is claimed in trade_keys,
// which holds every key for all time. The optimistic path is one transaction
// of two COPYs (keys, then trades) with ag_storage.trade_keys_claimed = 'on'
// so that the trigger does not claim them again; when a key is already taken
// (a re-sent batch, or a concurrent writer), that transaction fails on
// trade_keys_pkey and the batch goes through one statement that claims keys
// with ON CONFLICT DO NOTHING and inserts only the trades whose key it
// claimed. Small batches take that statement directly (COPY's per-statement
// cost dominates there).
//
// Quotes and book snapshots (unique per venue, symbol and time): one COPY,
// and when it fails on the primary key, a session temp table and
// INSERT ... SELECT ... ON CONFLICT DO NOTHING, which counts what was new.
//
// Repeats inside one batch (same key): the first wins, the others count as
// duplicates.

import { StorageError, type Engine, type Queryable } from '@ag/storage-core';
import {
  BOOK_COLUMNS,
  bookCopyText,
  QUOTE_COLUMNS,
  quoteCopyText,
  TRADE_COLUMNS,
  TRADE_KEY_COLUMNS,
  tradeCopyText,
  tradeKeyCopyText,
} from './tick-copy-text.js';
import type { ParsedBookSnapshot, ParsedQuote, ParsedTrade } from './tick-inputs.js';

export interface TickWriteResult {
  inserted: number;
  /** Ticks already stored, or repeated inside the batch: not written again. */
  duplicates: number;
}

const UNIQUE_VIOLATION = '23505';
/** Up to this many trades, the claiming statement beats two COPYs. */
const SMALL_BATCH_ROWS = 256;

const MARK_KEYS_CLAIMED = `SELECT set_config('ag_storage.trade_keys_claimed', 'on', true)`;

const CLAIM_AND_INSERT_TRADES = `
WITH input AS (
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::text[], $7::text[])
      AS i(time, venue, symbol, price, size, side, trade_id)
), claimed AS (
  INSERT INTO trade_keys (trade_id, venue, symbol, time)
  SELECT trade_id, venue, symbol, time FROM input
  ON CONFLICT DO NOTHING
  RETURNING trade_id, venue, symbol
)
INSERT INTO trades (time, venue, symbol, price, size, side, trade_id)
SELECT i.time, i.venue, i.symbol, i.price, i.size, i.side, i.trade_id
  FROM input i JOIN claimed c ON c.trade_id = i.trade_id AND c.venue = i.venue AND c.symbol = i.symbol`;

export async function writeTrades(engine: Engine, trades: readonly ParsedTrade[]): Promise<TickWriteResult> {
  if (trades.length === 0) return { inserted: 0, duplicates: 0 };
  const unique = firstOfEachKey(trades, (t) => `${t.venue}\u0000${t.symbol}\u0000${t.tradeId}`);
  let inserted: number;
  if (unique.length <= SMALL_BATCH_ROWS) {
    inserted = await engine.transaction((tx) => claimAndInsertTrades(tx, unique));
  } else {
    try {
      inserted = await engine.transaction(async (tx) => {
        await tx.query(MARK_KEYS_CLAIMED);
        await tx.copyFrom(`COPY trade_keys ${TRADE_KEY_COLUMNS} FROM STDIN`, tradeKeyCopyText(unique));
        return tx.copyFrom(`COPY trades ${TRADE_COLUMNS} FROM STDIN`, tradeCopyText(unique));
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      inserted = await engine.transaction((tx) => claimAndInsertTrades(tx, unique));
    }
  }
  return checked(inserted, unique.length, trades.length);
}

async function claimAndInsertTrades(tx: Queryable, trades: readonly ParsedTrade[]): Promise<number> {
  await tx.query(MARK_KEYS_CLAIMED);
  const { rowCount } = await tx.query(CLAIM_AND_INSERT_TRADES, [
    trades.map((t) => new Date(t.timeMs).toISOString()),
    trades.map((t) => t.venue),
    trades.map((t) => t.symbol),
    trades.map((t) => t.price),
    trades.map((t) => t.size),
    trades.map((t) => t.side),
    trades.map((t) => t.tradeId),
  ]);
  return rowCount;
}

export async function writeQuotes(engine: Engine, quotes: readonly ParsedQuote[]): Promise<TickWriteResult> {
  if (quotes.length === 0) return { inserted: 0, duplicates: 0 };
  const unique = firstOfEachKey(quotes, (q) => `${q.venue}\u0000${q.symbol}\u0000${q.timeMs}`);
  const inserted = await copyIgnoringDuplicates(engine, 'quotes', QUOTE_COLUMNS, () => quoteCopyText(unique));
  return checked(inserted, unique.length, quotes.length);
}

export async function writeBookSnapshots(engine: Engine, books: readonly ParsedBookSnapshot[]): Promise<TickWriteResult> {
  if (books.length === 0) return { inserted: 0, duplicates: 0 };
  const unique = firstOfEachKey(books, (b) => `${b.venue}\u0000${b.symbol}\u0000${b.timeMs}`);
  const inserted = await copyIgnoringDuplicates(engine, 'book_snapshots', BOOK_COLUMNS, () => bookCopyText(unique));
  return checked(inserted, unique.length, books.length);
}

/** One COPY into `table`; on a key conflict, the rows through a temp table, skipping those already stored. */
async function copyIgnoringDuplicates(engine: Engine, table: 'quotes' | 'book_snapshots', columns: string, text: () => Iterable<string>): Promise<number> {
  try {
    return await engine.copyFrom(`COPY ${table} ${columns} FROM STDIN`, text());
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const staging = `ag_${table}_staging`;
  return engine.transaction(async (tx) => {
    await tx.exec(`CREATE TEMP TABLE IF NOT EXISTS ${staging} (LIKE ${table}) ON COMMIT DELETE ROWS`);
    await tx.copyFrom(`COPY ${staging} ${columns} FROM STDIN`, text());
    const { rowCount } = await tx.query(`INSERT INTO ${table} ${columns} SELECT ${columns.slice(1, -1)} FROM ${staging} ON CONFLICT DO NOTHING`);
    return rowCount;
  });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof StorageError && error.sqlState === UNIQUE_VIOLATION;
}

function firstOfEachKey<T>(rows: readonly T[], key: (row: T) => string): readonly T[] {
  const seen = new Set<string>();
  let kept: T[] | undefined;
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as T;
    const k = key(row);
    if (seen.has(k)) {
      kept ??= rows.slice(0, i);
      continue;
    }
    seen.add(k);
    kept?.push(row);
  }
  return kept ?? rows;
}

function checked(inserted: number, unique: number, total: number): TickWriteResult {
  if (inserted > unique) throw new StorageError(`the database reported ${inserted} rows written for ${unique} ticks`);
  return { inserted, duplicates: total - inserted };
}
