#!/usr/bin/env node
// Entry point of the main job (`pnpm start`): see bot-sim.ts.

import { CommanderError } from 'commander';
import { StorageError } from '@ag/storage-core';
import { runBotSimCommand } from './bot-sim-command.js';

try {
  process.exitCode = await runBotSimCommand(process.argv.slice(2));
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    const prefix = error instanceof StorageError ? `${error.name} [${error.code}]` : 'error';
    console.error(`bot-sim: ${prefix}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
