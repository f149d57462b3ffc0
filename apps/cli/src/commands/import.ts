// `ag-storage import candles|metrics|trades <file>`: loads CSV written by `export`
// (or by hand). Candles: the execution package's importer (one transaction:
// the first bad record rolls everything back). Metrics: every record is
// validated before anything is written (a bad one is reported with its CSV
// line), then written in batches; points already stored are counted as
// duplicates, so an import can be re-run safely. Trades: the same, every row
// checked first by storeTrades' own rules (parseTrade), then stored in
// batches; a trade id already stored for its venue and symbol is a duplicate.

import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '@ag/storage-core';
import { MAX_BATCH_SIZE, parseTrade, type TradeInput } from '@ag/storage-execution';
import { metricLimitsFromConfig, normalizeBatch, type MetricPointInput } from '@ag/storage-metrics';
import { UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { METRIC_CSV_COLUMNS } from './export.js';

const BATCH = 50_000;

/** The columns of a trades CSV (`export trades` writes them). */
export const TRADE_CSV_COLUMNS = ['time', 'venue', 'symbol', 'price', 'size', 'side', 'trade_id'] as const;

function readCsv(file: string): Array<Record<string, string>> {
  try {
    return parse(readFileSync(file), { columns: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw new ValidationError('csv', file, (error as Error).message);
  }
}

function readable(file: string): void {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
}

export function registerImportCommand(program: Command, globals: () => GlobalOptions): void {
  const command = program.command('import').description('import candles, metric points or trades from CSV');
  command
    .command('candles')
    .description('candles from CSV (columns time,venue,symbol,timeframe,open,high,low,close,volume; venue/symbol/timeframe may come from options)')
    .argument('<file>', 'CSV file')
    .option('--venue <venue>', 'venue for rows without a venue column')
    .option('--symbol <symbol>', 'symbol for rows without a symbol column')
    .option('--timeframe <tf>', 'timeframe for rows without a timeframe column')
    .action(async (file: string, options: { venue?: string; symbol?: string; timeframe?: string }) => {
      readable(file);
      const result = await withServices(globals(), (services) =>
        services.marketData.importCandlesCsv(createReadStream(file), {
          ...(options.venue ? { venue: options.venue } : {}),
          ...(options.symbol ? { symbol: options.symbol } : {}),
          ...(options.timeframe ? { timeframe: options.timeframe as never } : {}),
        }),
      );
      console.log(`imported ${result.records} candle record(s): ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged`);
    });
  command
    .command('metrics')
    .description(`metric points from CSV (columns ${METRIC_CSV_COLUMNS.join(',')}; labels as a JSON object, may be empty)`)
    .argument('<file>', 'CSV file')
    .action(async (file: string) => {
      readable(file);
      const records = readCsv(file);
      const points: MetricPointInput[] = records.map((record, i) => toPoint(record, i + 2));
      const result = await withServices(globals(), async (services) => {
        try {
          normalizeBatch(points, metricLimitsFromConfig(services.storage.config.ingestion), Number.MAX_SAFE_INTEGER);
        } catch (error) {
          throw csvLineError(error);
        }
        let inserted = 0;
        let duplicates = 0;
        for (let i = 0; i < points.length; i += BATCH) {
          const written = await services.metrics.insertMetricsBatch(points.slice(i, i + BATCH));
          inserted += written.inserted;
          duplicates += written.duplicates;
        }
        return { inserted, duplicates };
      });
      console.log(`imported ${points.length} point(s): ${result.inserted} inserted, ${result.duplicates} already stored`);
    });
  command
    .command('trades')
    .description(`trade ticks from CSV (columns ${TRADE_CSV_COLUMNS.join(',')}; side buy, sell or empty); every row is checked before any is written`)
    .argument('<file>', 'CSV file')
    .action(async (file: string) => {
      readable(file);
      const records = readCsv(file);
      const trades = records.map((record, i) => toTrade(record, i + 2));
      const batch = Math.min(BATCH, MAX_BATCH_SIZE);
      const result = await withServices(globals(), async (services) => {
        let inserted = 0;
        let duplicates = 0;
        for (let i = 0; i < trades.length; i += batch) {
          const written = await services.marketData.storeTrades(trades.slice(i, i + batch));
          inserted += written.inserted;
          duplicates += written.duplicates;
        }
        return { inserted, duplicates };
      });
      console.log(`imported ${trades.length} trade(s): ${result.inserted} inserted, ${result.duplicates} already stored`);
    });
}

/** One CSV record as storeTrades' input, checked by its rules (parseTrade); a bad field is named `csv line N.<column>`. */
function toTrade(record: Record<string, string>, line: number): TradeInput {
  const unknown = Object.keys(record).filter((k) => !(TRADE_CSV_COLUMNS as readonly string[]).includes(k));
  if (unknown.length) throw new ValidationError(`csv line 1.${unknown[0]}`, unknown[0], `unknown column (expected ${TRADE_CSV_COLUMNS.join(', ')})`);
  const side = record.side === undefined || record.side === '' ? null : record.side;
  const trade = { time: record.time, venue: record.venue, symbol: record.symbol, price: record.price, size: record.size, side, tradeId: record.trade_id };
  try {
    parseTrade(trade, 'trade');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const field = error.field.replace(/^trade\.?/, '').replace(/^tradeId$/, 'trade_id');
    throw new ValidationError(`csv line ${line}${field ? `.${field}` : ''}`, error.value, error.message.replace(/^Invalid [^:]+: /, ''));
  }
  return trade as TradeInput;
}

function toPoint(record: Record<string, string>, line: number): MetricPointInput {
  const unknown = Object.keys(record).filter((k) => !(METRIC_CSV_COLUMNS as readonly string[]).includes(k));
  if (unknown.length) throw new ValidationError(`csv line 1.${unknown[0]}`, unknown[0], `unknown column (expected ${METRIC_CSV_COLUMNS.join(', ')})`);
  const time = Date.parse(record.time ?? '');
  if (!/\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(record.time ?? '') || Number.isNaN(time)) {
    throw new ValidationError(`csv line ${line}.time`, record.time, 'expected an ISO 8601 time with a time zone');
  }
  const valueText = (record.value ?? '').trim();
  const value = valueText === '' ? Number.NaN : Number(valueText);
  let labels: unknown = {};
  if (record.labels) {
    try {
      labels = JSON.parse(record.labels);
    } catch {
      throw new ValidationError(`csv line ${line}.labels`, record.labels, 'expected a JSON object');
    }
  }
  return { name: record.name ?? '', value, timestamp: time, labels: labels as Record<string, string> };
}

/** points[12].value -> csv line 14.value (line 1 is the header). */
function csvLineError(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const match = /^points\[(\d+)\]\.?(.*)$/.exec(error.field);
  if (!match) return error;
  return new ValidationError(`csv line ${Number(match[1]) + 2}${match[2] ? `.${match[2]}` : ''}`, error.value, error.message.replace(/^Invalid [^:]+: /, ''));
}
