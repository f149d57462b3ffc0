// CSV import and export of candles, with csv-parse and csv-stringify.
//
// Format: a header line, then one bar per line:
//   time,venue,symbol,timeframe,open,high,low,close,volume
//   2026-11-02T10:00:00.000Z,binance,BTC-USDT,1m,35000.5,35010,34990.25,35005,12.345
// time is ISO 8601 with a time zone; decimals are plain decimal text, exact
// (never through a float). venue, symbol and timeframe may be left out of the
// file and given as defaults instead. Quotes, commas and SQL in names
// round-trip (RFC 4180 quoting).
//
// An import is all or nothing: every record is validated, batches are
// upserted inside ONE transaction, and the first bad record (reported with
// its line number) rolls the whole import back.

import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { ValidationError, type Queryable, type Storage } from '@ag/storage-core';
import { TIME_MICROS_SQL, timestampFromMicros } from '../time-keyset.js';
import { parseInput } from '../validation/parse-input.js';
import { candleInputSchema, type ParsedCandle } from './candle-input.js';
import type { CandleRow } from './candle-row.js';
import type { Timeframe } from './timeframes.js';
import { writeCandles, type UpsertCandlesResult } from './write-candles.js';

export const CANDLE_CSV_COLUMNS = ['time', 'venue', 'symbol', 'timeframe', 'open', 'high', 'low', 'close', 'volume'] as const;
const REQUIRED_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const IMPORT_BATCH_SIZE = 5_000;
const EXPORT_PAGE_SIZE = 5_000;

export interface CsvImportDefaults {
  venue?: string | undefined;
  symbol?: string | undefined;
  timeframe?: Timeframe | undefined;
}

export interface CsvImportResult extends UpsertCandlesResult {
  /** Records read from the file. */
  records: number;
}

export interface CsvExportQuery {
  venue: string;
  symbol: string;
  timeframe: Timeframe;
  start: Date;
  end: Date;
}

const EXPORT_PAGE = `
SELECT time, venue, symbol, timeframe, open, high, low, close, volume, ${TIME_MICROS_SQL} AS micros
  FROM candles
 WHERE venue = $1 AND symbol = $2 AND timeframe = $3 AND time >= $4 AND time < $5
   AND ($6::text IS NULL OR time > ${timestampFromMicros('$6')})
 ORDER BY time
 LIMIT ${EXPORT_PAGE_SIZE}`;

/** The candles of one series in [start, end) as CSV text, streamed a page at a time. */
export function exportCandlesCsv(db: Queryable, query: CsvExportQuery): Readable {
  const stringifier = stringify({ header: true, columns: [...CANDLE_CSV_COLUMNS] });
  async function* records(): AsyncGenerator<Record<string, string>> {
    let after: string | null = null;
    for (;;) {
      const { rows }: { rows: Array<CandleRow & { micros: string }> } = await db.query<CandleRow & { micros: string }>(
        EXPORT_PAGE,
        [query.venue, query.symbol, query.timeframe, query.start, query.end, after],
      );
      for (const row of rows) {
        yield {
          time: row.time.toISOString(),
          venue: row.venue,
          symbol: row.symbol,
          timeframe: row.timeframe,
          open: plain(row.open),
          high: plain(row.high),
          low: plain(row.low),
          close: plain(row.close),
          volume: plain(row.volume),
        };
      }
      if (rows.length < EXPORT_PAGE_SIZE) return;
      after = (rows[rows.length - 1] as { micros: string }).micros;
    }
  }
  return Readable.from(records()).pipe(stringifier);
}

/** Reads candles from CSV text or a stream and upserts them, all or nothing. */
export async function importCandlesCsv(
  storage: Storage,
  source: string | Buffer | NodeJS.ReadableStream | AsyncIterable<string | Buffer>,
  defaults: CsvImportDefaults,
): Promise<CsvImportResult> {
  return storage.transaction(async (tx) => {
    // Built here and iterated at once, so that no parse error is emitted before anyone listens.
    const parser = csvRecords(source, defaults);
    const totals: CsvImportResult = { records: 0, inserted: 0, updated: 0, unchanged: 0 };
    let batch: ParsedCandle[] = [];
    const flush = async () => {
      const result = await writeCandles(tx, batch);
      totals.inserted += result.inserted;
      totals.updated += result.updated;
      totals.unchanged += result.unchanged;
      batch = [];
    };
    try {
      for await (const { record, info } of parser) {
        totals.records += 1;
        const candle = {
          time: record.time,
          venue: record.venue ?? defaults.venue,
          symbol: record.symbol ?? defaults.symbol,
          timeframe: record.timeframe ?? defaults.timeframe,
          open: record.open,
          high: record.high,
          low: record.low,
          close: record.close,
          volume: record.volume,
        };
        batch.push(parseInput(candleInputSchema, candle, `csv line ${info.lines}`));
        if (batch.length >= IMPORT_BATCH_SIZE) await flush();
      }
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      const csvError = error as { code?: string; message?: string; lines?: number };
      if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
        throw new ValidationError(`csv line ${csvError.lines ?? '?'}`, undefined, csvError.message ?? 'malformed CSV', { cause: error });
      }
      throw error;
    }
    if (batch.length > 0) await flush();
    return totals;
  });
}

function csvRecords(
  source: string | Buffer | NodeJS.ReadableStream | AsyncIterable<string | Buffer>,
  defaults: CsvImportDefaults,
): AsyncIterable<{ record: Record<string, string>; info: { lines: number } }> {
  const input = typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from([source]) : Readable.from(source as AsyncIterable<string | Buffer>);
  const parser = parse({
    columns: (header: string[]) => checkHeader(header, defaults),
    info: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  });
  input.on('error', (error) => parser.destroy(error));
  return input.pipe(parser);
}

function checkHeader(header: string[], defaults: CsvImportDefaults): string[] {
  const known = new Set<string>(CANDLE_CSV_COLUMNS);
  const columns = header.map((name) => name.trim().toLowerCase());
  const unknown = columns.find((name) => !known.has(name));
  if (unknown !== undefined) {
    throw new ValidationError('csv header', unknown, `unknown column (expected ${CANDLE_CSV_COLUMNS.join(', ')})`);
  }
  const duplicated = columns.find((name, index) => columns.indexOf(name) !== index);
  if (duplicated !== undefined) throw new ValidationError('csv header', duplicated, 'column appears twice');
  for (const name of REQUIRED_COLUMNS) {
    if (!columns.includes(name)) throw new ValidationError('csv header', header.join(','), `missing column "${name}"`);
  }
  for (const name of ['venue', 'symbol', 'timeframe'] as const) {
    if (!columns.includes(name) && defaults[name] === undefined) {
      throw new ValidationError('csv header', header.join(','), `missing column "${name}" and no default ${name} given`);
    }
  }
  return columns;
}

/** NUMERIC text without trailing fractional zeros ("35000.500000000000000000" -> "35000.5"). */
function plain(numeric: string): string {
  return numeric.includes('.') ? numeric.replace(/\.?0+$/, '') : numeric;
}
