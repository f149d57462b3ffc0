// `ag-storage export candles|metrics`: CSV of a candle series (the
// execution package's format) or of metric points (time,name,value,labels),
// to a file (--out) or standard output, streamed page by page.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { labelsParameter, parseParameters, timeParameter } from '@ag/api';
import { TIMEFRAMES } from '@ag/storage-execution';
import { z } from 'zod';
import { parseOrUsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';

export const METRIC_CSV_COLUMNS = ['time', 'name', 'value', 'labels'] as const;

const candleExport = z.object({
  venue: z.string().min(1), symbol: z.string().min(1), timeframe: z.enum(TIMEFRAMES).default('1m'),
  start: timeParameter.default(new Date(0)), end: timeParameter.optional(),
});
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
}
