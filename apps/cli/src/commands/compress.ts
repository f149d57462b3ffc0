// `ag-storage compress`: compresses the hypertable chunks older than
// compression_after_days (or --older-than-days) now, and prints what it
// saved. Engines without compression (plain PostgreSQL) say so.

import type { Command } from 'commander';
import { UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { formatTable } from '../output-format.js';

export function registerCompressCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('compress')
    .description('compress hypertable chunks older than retention.compression_after_days now')
    .option('--older-than-days <days>', 'compress chunks older than this instead')
    .option('--json', 'print the report as JSON')
    .action(async (options: { olderThanDays?: string; json?: boolean }) => {
      let days: number | undefined;
      if (options.olderThanDays !== undefined) {
        days = Number(options.olderThanDays);
        if (!/^\d+$/.test(options.olderThanDays) || days < 1) throw new UsageError(`invalid --older-than-days: a whole number of days, at least 1, got "${options.olderThanDays}"`);
      }
      await withServices(
        globals(),
        async ({ retention }) => {
          const report = await retention.compressOldData();
          const status = await retention.checkCompressionStatus();
          if (options.json) return void console.log(JSON.stringify({ report, status }, null, 2));
          if (!report.supported) {
            console.log('compression is not available on this engine (it needs TimescaleDB with the timescale license): nothing to do');
            return;
          }
          const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;
          const chunks = report.tables.reduce((n, t) => n + t.chunksCompressed, 0);
          console.log(`compressed ${chunks} chunk(s) ending before ${report.olderThan.toISOString()} in ${report.durationMs} ms`);
          console.log(formatTable(report.tables.map((t) => ({ hypertable: t.table, compressedNow: t.chunksCompressed, before: mb(t.bytesBefore), after: mb(t.bytesAfter), ms: t.durationMs }))));
          console.log('');
          console.log(formatTable(status.map((s) => ({ hypertable: s.table, chunks: s.totalChunks, compressed: s.compressedChunks, saved: s.savedPercent === null ? '' : `${s.savedPercent}%` }))));
        },
        days === undefined ? {} : { retention: { compression_after_days: days } },
      );
    });
}
