// The `ag-storage` program: global options and every command (each in
// commands/<name>.ts).
// Exit codes: 0 success, 1 failure (the message says why), 2 usage error.

import { Command, CommanderError } from 'commander';
import { redactSecrets, StorageError } from '@ag/storage-core';
import { registerBenchCommand } from './commands/bench.js';
import { registerCompressCommand } from './commands/compress.js';
import { registerExportCommand } from './commands/export.js';
import { registerHealthCommand } from './commands/health.js';
import { registerImportCommand } from './commands/import.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerQueryCommand } from './commands/query.js';
import { registerRetentionCommand } from './commands/retention.js';
import { registerSeedCommand } from './commands/seed.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatsCommand } from './commands/stats.js';
import { UsageError } from './command-errors.js';
import type { GlobalOptions } from './open-storage.js';

export function buildProgram(): Command {
  const program = new Command('ag-storage')
    .description('ag-storage: storage for trading bots on TimescaleDB')
    .option('--url <url>', 'database URL (postgres://..., pglite://<dir>, pglite://memory); default DATABASE_URL or the embedded database')
    .option('--config <file>', 'YAML configuration file')
    .option('-v, --verbose', 'log what happens')
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerMigrateCommand(program, globals);
  registerHealthCommand(program, globals);
  registerSeedCommand(program, globals);
  registerStatsCommand(program, globals);
  registerRetentionCommand(program, globals);
  registerCompressCommand(program, globals);
  registerQueryCommand(program, globals);
  registerExportCommand(program, globals);
  registerImportCommand(program, globals);
  registerServeCommand(program, globals);
  registerBenchCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // `pnpm ag-storage -- health`: pnpm 10 passes the `--` on to the script.
    await program.parseAsync(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      console.error(redactSecrets(`ag-storage: ${error.message} (see --help)`));
      return 2;
    }
    const prefix = error instanceof StorageError ? `${error.name} [${error.code}]` : 'error';
    // Errors from outside the storage packages are not redacted at the source: mask here too.
    console.error(redactSecrets(`ag-storage: ${prefix}: ${(error as Error).message}`));
    return 1;
  }
}

