// `ag-storage stats`: what the storage holds and how it is doing: database
// size, rows, per-table sizes, chunks and time ranges, compression per
// hypertable, TimescaleDB jobs (the same overview as GET /api/stats).

import type { Command } from 'commander';
import { formatCompression } from '@ag/storage-retention';
import { StorageOverviewCache } from '@ag/storage-services';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { formatTable } from '../output-format.js';

export function registerStatsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('stats')
    .description('storage statistics: sizes, rows, chunks, compression, jobs')
    .option('--json', 'print the overview as JSON')
    .action(async (options: { json?: boolean }) => {
      const overview = await withServices(globals(), (services) => new StorageOverviewCache(services).get());
      if (options.json) {
        console.log(JSON.stringify(overview, null, 2));
        return;
      }
      const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;
      const c = overview.compression;
      console.log(`engine      ${overview.engine}${overview.timescale ? ` (TimescaleDB ${overview.timescale.version}, ${overview.timescale.license} license)` : ' (no TimescaleDB)'}`);
      console.log(`database    ${mb(overview.databaseBytes)}`);
      console.log(`rows        ${Object.entries(overview.rows).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}`);
      console.log(`compression ${c.ratio === null ? 'nothing compressed' : `${mb(c.bytesBefore)} -> ${mb(c.bytesAfter)}, ${formatCompression(c)}`}`);
      console.log('');
      console.log(
        formatTable(
          overview.tables.map((t) => ({
            table: t.table, kind: t.kind, total: mb(t.totalBytes), index: mb(t.indexBytes), chunks: t.chunks, compressed: t.compressedChunks,
            oldest: t.oldest, newest: t.newest,
          })),
        ),
      );
      if (c.tables.length) {
        console.log('');
        console.log(
          formatTable(
            c.tables.map((t) => ({
              hypertable: t.table, chunks: t.totalChunks, compressed: t.compressedChunks, before: mb(t.bytesBeforeCompression), after: mb(t.bytesAfterCompression),
              saved: t.savedPercent === null ? '' : `${t.savedPercent}%`,
            })),
          ),
        );
      }
      console.log('');
      console.log(
        overview.jobs.length
          ? formatTable(overview.jobs.map((j) => ({ job: j.jobId, name: j.name, healthy: j.healthy, problem: j.problem, lastRun: j.lastRunStartedAt, status: j.lastRunStatus, nextStart: j.nextStart })))
          : 'jobs        none on this engine (the library scheduler refreshes and removes: see `ag-storage retention status`)',
      );
    });
}
