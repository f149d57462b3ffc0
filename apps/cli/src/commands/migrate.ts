// `ag-storage migrate [up|down|status]`: apply, roll back or list migrations.

import type { Command } from 'commander';
import { openStorage, type GlobalOptions } from '../open-storage.js';

export function registerMigrateCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('apply pending migrations (up), roll back (down) or list them (status)')
    .argument('[action]', 'up | down | status', 'up')
    .option('--steps <n>', 'migrations to roll back with "down"', '1')
    .action(async (action: string, options: { steps: string }) => {
      if (!['up', 'down', 'status'].includes(action)) {
        throw new Error(`unknown migrate action "${action}" (expected up, down or status)`);
      }
      const storage = await openStorage(globals());
      try {
        if (action === 'up') {
          const report = await storage.migrate();
          console.log(
            report.applied.length
              ? `applied ${report.applied.length} migration(s) in ${report.durationMs} ms:\n  ${report.applied.join('\n  ')}`
              : `nothing to apply (${report.alreadyApplied} already applied)`,
          );
        } else if (action === 'down') {
          const steps = Number(options.steps);
          const report = await storage.rollback(steps);
          console.log(`rolled back ${report.rolledBack.length} migration(s):\n  ${report.rolledBack.join('\n  ')}`);
        } else {
          for (const status of await storage.migrationStatus()) {
            const when = status.appliedAt ? status.appliedAt.toISOString() : '';
            console.log(`${status.state.padEnd(16)} ${status.name}  ${when}`);
          }
        }
      } finally {
        await storage.close();
      }
    });
}
