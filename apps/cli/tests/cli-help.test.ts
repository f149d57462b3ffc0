// Every ag-storage command answers --help (exit 0) with its usage, and usage
// mistakes exit with code 2 and a message saying what is wrong.

import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const COMMANDS = [
  'migrate', 'health', 'seed', 'stats', 'retention', 'compress',
  'query', 'query metrics', 'query aggregate', 'query latest', 'query orders', 'query fills', 'query positions', 'query candles', 'query events',
  'query statistics', 'query trades', 'query quotes', 'query book', 'query tick-gaps', 'query stale-quotes',
  'export', 'export candles', 'export metrics', 'export orders', 'export fills', 'export positions', 'export trades',
  'import', 'import candles', 'import metrics', 'import trades', 'serve', 'bench',
];

describe('ag-storage --help', () => {
  it('lists every top-level command', async () => {
    const { code, out } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of new Set(COMMANDS.map((c) => c.split(' ')[0]))) expect(out).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const { code, out } = await runCli([...command.split(' '), '--help']);
    expect(code).toBe(0);
    expect(out).toContain(`Usage: ag-storage ${command}`);
    expect(out).toMatch(/Options:/);
  });
});

describe('ag-storage usage errors', () => {
  it('reads the command after the `--` that `pnpm ag-storage -- <command>` passes on', async () => {
    const { code, out } = await runCli(['--', 'health', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: ag-storage health');
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const { code, err } = await runCli(['query', 'orders', '--colour', 'red']);
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--colour'");
  });

  it('exits 2 for an unknown query kind', async () => {
    expect((await runCli(['query', 'everything'])).code).toBe(2);
  });

  it('exits 2 when a required option is missing', async () => {
    const { code, err } = await runCli(['export', 'candles', '--venue', 'binance']);
    expect(code).toBe(2);
    expect(err).toContain('--symbol');
  });

  it('exits 2 for a bad serve port', async () => {
    const { code, err } = await runCli(['--url', 'pglite://memory', 'serve', '--port', '99999']);
    expect(code).toBe(2);
    expect(err).toContain('--port');
  });

  it('exits 1 for an unknown bench suite', async () => {
    const { code, err } = await runCli(['bench', 'nothing']);
    expect(code).toBe(1);
    expect(err).toContain('unknown bench suite');
  });
});
