// `ag-storage health`: the storage health report (JSON with --json).

import type { Command } from 'commander';
import { openStorage, type GlobalOptions } from '../open-storage.js';
import { formatHealth } from '../format-health.js';

export function registerHealthCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('health')
    .description('engine, versions, TimescaleDB license, pool and migration state')
    .option('--json', 'print the report as JSON')
    .action(async (options: { json?: boolean }) => {
      const storage = await openStorage(globals());
      try {
        const health = await storage.health();
        console.log(options.json ? JSON.stringify(health, null, 2) : formatHealth(health));
        if (health.status === 'down') process.exitCode = 1;
      } finally {
        await storage.close();
      }
    });
}
