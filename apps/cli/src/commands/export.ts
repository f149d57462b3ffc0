// `ag-storage export metrics|candles|orders|fills|positions|trades`: a range
// of a table as CSV (the default: a candle series in the execution package's
// format, metric points as time,name,value,labels, orders / fills / positions
// / trades with every column) to a file (--out) or standard output, streamed
// page by page; or, with --format parquet, as a Hive-partitioned Parquet
// dataset in the directory --out (exportParquet: the cold tier's types, metric
// points with their metric_name and labels). Money is exact decimal text (CSV)
// or DECIMAL(38,18) (Parquet). An empty range writes no Parquet file and says
// so; a CSV of an empty range holds its header only.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { labelsParameter, parseParameters, timeParameter, type StorageServices } from '@ag/storage-services';
import { TIMEFRAMES } from '@ag/storage-execution';
import { exportParquet } from '@ag/storage-retention';
import { z } from 'zod';
import { parseOrUsageError, UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { cellText, columnsOf } from '../output-format.js';
import { writeTableCsv } from './table-csv.js';

export const METRIC_CSV_COLUMNS = ['time', 'name', 'value', 'labels'] as const;

const candleExport = z.object({
  venue: z.string().min(1), symbol: z.string().min(1), timeframe: z.enum(TIMEFRAMES).default('1m'),
  start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});
const EXPORT_FORMATS = ['csv', 'parquet'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];
const formatOption = z.enum(EXPORT_FORMATS).default('csv');

/** --format, and for parquet the --out directory it needs. */
function exportTarget(options: Record<string, string | undefined>): { format: ExportFormat; out: string | undefined; input: Record<string, string | undefined> } {
  const { out, format, ...input } = options;
  const parsed = formatOption.safeParse(format);
  if (!parsed.success) throw new UsageError(`invalid --format: expected csv or parquet (got ${String(format)})`);
  if (parsed.data === 'parquet' && !out) throw new UsageError('--format parquet needs --out <directory>: a Parquet dataset is a directory of files');
  return { format: parsed.data, out, input };
}

/** Writes a table's range as Parquet under `directory`, printing what was written (or that the range is empty). */
async function exportParquetTo(
  services: StorageServices,
  table: string,
  what: string,
  range: { start: Date; end?: Date | undefined },
  directory: string,
  filters: { where?: Record<string, string | undefined>; labels?: Record<string, string> },
): Promise<void> {
  const where = defined(filters.where ?? {});
  const report = await exportParquet(services.storage, {
    table,
    start: range.start,
    end: range.end ?? new Date(),
    directory,
    where,
    ...(filters.labels ? { labels: filters.labels } : {}),
  });
  if (report.rowCount === 0) console.log(`no ${what} in the range: no file written`);
  else console.log(`exported ${report.rowCount} ${what} to ${path.join(report.directory, table)} (${report.files.length} Parquet file(s), manifest.json)`);
}

const executionExport = z.object({
  account: z.string().min(1).max(200).optional(), strategy: z.string().min(1).max(200).optional(),
  venue: z.string().min(1).max(200).optional(), market: z.string().min(1).max(200).optional(),
  start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});
type ExecutionExport = z.output<typeof executionExport>;

/** The pages of orders or fills of a range, oldest first, through the store's keyset cursor. */
async function* executionPages(services: StorageServices, kind: 'orders' | 'fills', q: ExecutionExport): AsyncGenerator<object[]> {
  const filters = Object.fromEntries(Object.entries({ account: q.account, strategy: q.strategy, venue: q.venue, market: q.market }).filter(([, v]) => v !== undefined));
  const query = { ...filters, start: q.start, end: q.end ?? new Date(), limit: Math.min(5000, services.storage.config.query.max_results), order: 'asc' as const };
  let cursor: string | undefined;
  do {
    const page =
      kind === 'orders'
        ? await services.executions.queryOrders({ ...query, ...(cursor ? { cursor } : {}) }).then((p) => ({ rows: p.orders, next: p.nextCursor }))
        : await services.executions.queryFills({ ...query, ...(cursor ? { cursor } : {}) }).then((p) => ({ rows: p.fills, next: p.nextCursor }));
    if (page.rows.length) yield page.rows;
    cursor = page.next ?? undefined;
  } while (cursor);
}

const metricExport = z.object({
  name: z.string().min(1), labels: labelsParameter.optional(), start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});

async function writeTo(out: string | undefined, produce: (write: (text: string) => Promise<void>) => Promise<number>): Promise<number> {
  const file: Writable | null = out ? createWriteStream(out) : null;
  const write = async (text: string) => {
    if (!file) process.stdout.write(text);
    else if (!file.write(text)) await once(file, 'drain');
  };
  try {
    return await produce(write);
  } finally {
    if (file) {
      file.end();
      await once(file, 'finish');
    }
  }
}

const FORMAT_HELP = 'csv (default) or parquet';
const OUT_HELP = 'csv: write to this file instead of standard output; parquet: the directory the dataset is written in (required)';

const tickExport = z.object({
  venue: z.string().min(1).max(200).optional(), symbol: z.string().min(1).max(200).optional(),
  start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});

/** Prints how many rows a CSV export wrote, saying so when the range held none. */
function reportCsv(out: string | undefined, rows: number, what: string): void {
  if (rows === 0) console.error(`no ${what} in the range${out ? `: ${out} holds the CSV header only` : ''}`);
  else if (out) console.log(`exported ${rows} ${what} to ${out}`);
}

export function registerExportCommand(program: Command, globals: () => GlobalOptions): void {
  const command = program.command('export').description('export a range of metrics, candles, orders, fills, positions or trades as CSV or Parquet');
  command
    .command('candles')
    .description('a candle series as CSV (time,venue,symbol,timeframe,open,high,low,close,volume) or Parquet')
    .requiredOption('--venue <venue>', 'venue')
    .requiredOption('--symbol <symbol>', 'symbol')
    .option('--timeframe <tf>', 'timeframe (default 1m)')
    .option('--start <time>', 'from (default: the beginning)')
    .option('--end <time>', 'to, excluded (default now)')
    .option('--format <format>', FORMAT_HELP)
    .option('--out <path>', OUT_HELP)
    .action(async (options: Record<string, string | undefined>) => {
      const { format, out, input } = exportTarget(options);
      const q = parseOrUsageError(() => parseParameters(candleExport, input));
      if (format === 'parquet') {
        const where = { venue: q.venue, symbol: q.symbol, timeframe: q.timeframe };
        return withServices(globals(), (services) => exportParquetTo(services, 'candles', 'candle(s)', q, out as string, { where }));
      }
      const rows = await withServices(globals(), (services) =>
        writeTo(out, async (write) => {
          let lines = 0;
          for await (const chunk of services.marketData.exportCandlesCsv({ ...q, end: q.end ?? new Date() })) {
            const text = String(chunk);
            lines += text.split('\n').length - 1;
            await write(text);
          }
          return Math.max(0, lines - 1);
        }),
      );
      reportCsv(out, rows, 'candle(s)');
    });
  command
    .command('metrics')
    .description('metric points as CSV (time,name,value,labels as JSON) or Parquet (time,series_id,value,metric_name,labels)')
    .requiredOption('--name <name>', 'metric name')
    .option('--labels <json>', 'label filters as a JSON object')
    .option('--start <time>', 'from (default: the beginning)')
    .option('--end <time>', 'to, excluded (default now)')
    .option('--format <format>', FORMAT_HELP)
    .option('--out <path>', OUT_HELP)
    .action(async (options: Record<string, string | undefined>) => {
      const { format, out, input } = exportTarget(options);
      const q = parseOrUsageError(() => parseParameters(metricExport, input));
      if (format === 'parquet') {
        const filters = { where: { metric_name: q.name }, ...(q.labels ? { labels: q.labels } : {}) };
        return withServices(globals(), (services) => exportParquetTo(services, 'metric_points', 'point(s)', q, out as string, filters));
      }
      const rows = await withServices(globals(), (services) =>
        writeTo(out, async (write) => {
          await write(stringify([[...METRIC_CSV_COLUMNS]]));
          let count = 0;
          let page: string[][] = [];
          const query = { name: q.name, start: q.start, end: q.end ?? new Date(), ...(q.labels ? { labels: q.labels } : {}) };
          for await (const point of services.metrics.streamMetrics(query)) {
            page.push([point.timestamp.toISOString(), point.name, String(point.value), JSON.stringify(point.labels)]);
            count += 1;
            if (page.length >= 5000) {
              await write(stringify(page));
              page = [];
            }
          }
          if (page.length) await write(stringify(page));
          return count;
        }),
      );
      reportCsv(out, rows, 'point(s)');
    });
  for (const kind of ['orders', 'fills', 'positions'] as const) {
    command
      .command(kind)
      .description(`the ${kind} of a range as CSV (every column, oldest first) or Parquet`)
      .option('--account <account>', 'only this account')
      .option('--strategy <strategy>', 'only this strategy')
      .option('--venue <venue>', 'only this venue')
      .option('--market <market>', 'only this market')
      .option('--start <time>', 'from (default: the beginning)')
      .option('--end <time>', 'to, excluded (default now)')
      .option('--format <format>', FORMAT_HELP)
      .option('--out <path>', OUT_HELP)
      .action(async (options: Record<string, string | undefined>) => {
        const { format, out, input } = exportTarget(options);
        const q = parseOrUsageError(() => parseParameters(executionExport, input));
        const what = { orders: 'order(s)', fills: 'fill(s)', positions: 'position snapshot(s)' }[kind];
        const where = { account_id: q.account, strategy_id: q.strategy, venue: q.venue, market: q.market };
        if (format === 'parquet') return withServices(globals(), (services) => exportParquetTo(services, kind, what, q, out as string, { where }));
        const rows = await withServices(globals(), (services) =>
          writeTo(out, async (write) => {
            if (kind === 'positions') return writeTableCsv(services.storage, kind, { start: q.start, end: q.end ?? new Date() }, defined(where), (rows) => write(stringify(rows)));
            let count = 0;
            let columns: string[] | undefined;
            for await (const page of executionPages(services, kind, q)) {
              const records = page as Array<Record<string, unknown>>;
              if (!columns) {
                columns = columnsOf(records);
                await write(stringify([columns]));
              }
              const header = columns;
              await write(stringify(records.map((row) => header.map((c) => cellText(row[c])))));
              count += records.length;
            }
            return count;
          }),
        );
        reportCsv(out, rows, what);
      });
  }
  command
    .command('trades')
    .description('the trade ticks of a range as CSV (time,venue,symbol,price,size,side,trade_id: what `import trades` reads) or Parquet')
    .option('--venue <venue>', 'only this venue')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--start <time>', 'from (default: the beginning)')
    .option('--end <time>', 'to, excluded (default now)')
    .option('--format <format>', FORMAT_HELP)
    .option('--out <path>', OUT_HELP)
    .action(async (options: Record<string, string | undefined>) => {
      const { format, out, input } = exportTarget(options);
      const q = parseOrUsageError(() => parseParameters(tickExport, input));
      const where = { venue: q.venue, symbol: q.symbol };
      if (format === 'parquet') return withServices(globals(), (services) => exportParquetTo(services, 'trades', 'trade(s)', q, out as string, { where }));
      const rows = await withServices(globals(), (services) =>
        writeTo(out, (write) => writeTableCsv(services.storage, 'trades', { start: q.start, end: q.end ?? new Date() }, defined(where), (rows) => write(stringify(rows)))),
      );
      reportCsv(out, rows, 'trade(s)');
    });
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}
