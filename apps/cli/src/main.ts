#!/usr/bin/env node
// Entry point of the `ag-storage` command line.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
