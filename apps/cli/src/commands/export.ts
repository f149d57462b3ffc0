// `ag-storage export candles|metrics|orders|fills`: CSV of a candle series
// (the execution package's format), of metric points (time,name,value,labels)
// or of the orders / fills of a range (every column; --account, --strategy,
// --venue, --market filters), to a file (--out) or standard output, streamed
// page by page. Money is plain decimal text.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { labelsParameter, parseParameters, timeParameter, type StorageServices } from '@ag/storage-services';
import { TIMEFRAMES } from '@ag/storage-execution';
import { z } from 'zod';
import { parseOrUsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { cellText, columnsOf } from '../output-format.js';

export const METRIC_CSV_COLUMNS = ['time', 'name', 'value', 'labels'] as const;

const candleExport = z.object({
  venue: z.string().min(1), symbol: z.string().min(1), timeframe: z.enum(TIMEFRAMES).default('1m'),
  start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});
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

export function registerExportCommand(program: Command, globals: () => GlobalOptions): void {
  const command = program.command('export').description('export candles or metric points as CSV');
  command
    .command('candles')
    .description('a candle series as CSV (time,venue,symbol,timeframe,open,high,low,close,volume)')
    .requiredOption('--venue <venue>', 'venue')
    .requiredOption('--symbol <symbol>', 'symbol')
    .option('--timeframe <tf>', 'timeframe (default 1m)')
    .option('--start <time>', 'from (default: the beginning)')
    .option('--end <time>', 'to, excluded (default now)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: Record<string, string | undefined>) => {
      const { out, ...input } = options;
      const q = parseOrUsageError(() => parseParameters(candleExport, input));
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
      if (out) console.log(`exported ${rows} candle(s) to ${out}`);
    });
  command
    .command('metrics')
    .description('metric points as CSV (time,name,value,labels as JSON)')
    .requiredOption('--name <name>', 'metric name')
    .option('--labels <json>', 'label filters as a JSON object')
    .option('--start <time>', 'from (default: the beginning)')
    .option('--end <time>', 'to, excluded (default now)')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: Record<string, string | undefined>) => {
      const { out, ...input } = options;
      const q = parseOrUsageError(() => parseParameters(metricExport, input));
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
      if (out) console.log(`exported ${rows} point(s) to ${out}`);
    });
  for (const kind of ['orders', 'fills'] as const) {
    command
      .command(kind)
      .description(`the ${kind} of a range as CSV (every column, oldest first)`)
      .option('--account <account>', 'only this account')
      .option('--strategy <strategy>', 'only this strategy')
      .option('--venue <venue>', 'only this venue')
      .option('--market <market>', 'only this market')
      .option('--start <time>', 'from (default: the beginning)')
      .option('--end <time>', 'to, excluded (default now)')
      .option('--out <file>', 'write to this file instead of standard output')
      .action(async (options: Record<string, string | undefined>) => {
        const { out, ...input } = options;
        const q = parseOrUsageError(() => parseParameters(executionExport, input));
        const rows = await withServices(globals(), (services) =>
          writeTo(out, async (write) => {
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
        if (out) console.log(`exported ${rows} ${kind === 'orders' ? 'order' : 'fill'}(s) to ${out}`);
      });
  }
}
