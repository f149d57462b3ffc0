// `ag-storage import candles|metrics <file>`: loads CSV written by `export`
// (or by hand). Candles: the execution package's importer (one transaction:
// the first bad record rolls everything back). Metrics: every record is
// validated before anything is written (a bad one is reported with its CSV
// line), then written in batches; points already stored are counted as
// duplicates, so an import can be re-run safely.

import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '@ag/storage-core';
import { metricLimitsFromConfig, normalizeBatch, type MetricPointInput } from '@ag/storage-metrics';
import { UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { METRIC_CSV_COLUMNS } from './export.js';

const BATCH = 50_000;

function readable(file: string): void {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
}

export function registerImportCommand(program: Command, globals: () => GlobalOptions): void {
  const command = program.command('import').description('import candles or metric points from CSV');
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
      let records: Array<Record<string, string>>;
      try {
        records = parse(readFileSync(file), { columns: true, skip_empty_lines: true, relax_column_count: false });
      } catch (error) {
        throw new ValidationError('csv', file, (error as Error).message);
      }
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
