// `ag-storage retention run|status`: one retention pass now (remove what is
// past each policy, archive first when configured), or the policies, the
// recent lifecycle runs and the TimescaleDB jobs.

import type { Command } from 'commander';
import { UsageError } from '../command-errors.js';
import { withServices } from '../open-services.js';
import type { GlobalOptions } from '../open-storage.js';
import { formatTable } from '../output-format.js';

export function registerRetentionCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('retention')
    .description('run a retention pass (run) or show policies, recent runs and jobs (status)')
    .argument('[action]', 'run | status', 'status')
    .option('--json', 'print JSON')
    .action(async (action: string, options: { json?: boolean }) => {
      if (action !== 'run' && action !== 'status') throw new UsageError(`unknown retention action "${action}" (expected run or status)`);
      await withServices(globals(), async ({ retention }) => {
        if (action === 'run') {
          const report = await retention.runRetention();
          if (options.json) return void console.log(JSON.stringify(report, null, 2));
          console.log(`retention pass (${report.strategy}) in ${report.durationMs} ms${report.archive ? `, archived to ${report.archive.directory}` : ''}`);
          console.log(
            formatTable(
              report.tables.map((t) => ({
                table: t.table, retention: t.retentionDays === null ? 'forever' : `${t.retentionDays} d`, cutoff: t.cutoff, strategy: t.strategy,
                rowsDeleted: t.rowsDeleted, chunksDropped: t.chunksDropped, bytesFreed: t.bytesFreed, ms: t.durationMs,
              })),
            ),
          );
          if (report.policyChanges.length) console.log(`\npolicy changes: ${report.policyChanges.length}`);
          return;
        }
        const policies = retention.policies;
        const runs = await retention.listRuns(undefined, 10);
        const jobs = await retention.checkJobs();
        if (options.json) return void console.log(JSON.stringify({ policies, runs, jobs }, null, 2));
        console.log('policies');
        console.log(formatTable(Object.entries(policies.tables).map(([table, days]) => ({ table, retention: days === null ? 'forever' : `${days} d` }))));
        console.log(`compression after ${policies.compressionAfterDays} d; archive ${policies.archive.enabled ? `on (${policies.archive.directory})` : 'off'}`);
        console.log('\nrecent lifecycle runs');
        console.log(formatTable(runs.map((r) => ({ task: r.task, status: r.status, runner: r.runner, startedAt: r.startedAt, finishedAt: r.finishedAt, error: r.error }))));
        console.log('\nTimescaleDB jobs');
        console.log(jobs.length ? formatTable(jobs.map((j) => ({ job: j.jobId, name: j.name, healthy: j.healthy, problem: j.problem }))) : '(none on this engine)');
      });
    });
}
