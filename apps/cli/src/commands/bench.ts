// `ag-storage bench <suite...>`: runs benchmark suites on the embedded engine
// and on the servers (PostgreSQL, TimescaleDB), prints a table per suite and saves JSON results.

import type { Command } from 'commander';
import { probeTestEngines } from '@ag/storage-testing';
import { formatTable, saveResults, type BenchEngine, type BenchOptions, type BenchRow } from '../bench/bench-harness.js';
import { SUITES } from '../bench/suites.js';

const SERVER_BENCH_ENGINES = ['postgres', 'timescaledb'] as const;

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(`run benchmarks: ${Object.keys(SUITES).join(', ')} (or all)`)
    .argument('[suites...]', 'suites to run', ['all'])
    .option(
      '--engine <engine>',
      'embedded | postgres | timescaledb | all (postgres: BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server; timescaledb: BENCH_TIMESCALEDB_URL, TEST_TIMESCALEDB_URL or 127.0.0.1:5433)',
      'all',
    )
    .option('--quick', 'smaller data sets, for a quick look')
    .option('--out <dir>', 'where JSON results are saved', 'bench-results')
    .action(async (names: string[], options: { engine: string; quick?: boolean; out: string }) => {
      const selected = names.includes('all') ? Object.keys(SUITES) : names;
      const unknown = selected.filter((name) => !SUITES[name]);
      if (unknown.length) throw new Error(`unknown bench suite(s): ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
      if (!['embedded', ...SERVER_BENCH_ENGINES, 'all'].includes(options.engine)) {
        throw new Error(`--engine must be embedded, ${SERVER_BENCH_ENGINES.join(', ')} or all, got "${options.engine}"`);
      }

      const probed = await probeTestEngines({
        ...process.env,
        TEST_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
        TEST_TIMESCALEDB_URL: process.env.BENCH_TIMESCALEDB_URL ?? process.env.TEST_TIMESCALEDB_URL,
      });
      const engines: BenchEngine[] = [];
      const serverAdminUrls: BenchOptions['serverAdminUrls'] = {};
      if (options.engine === 'embedded' || options.engine === 'all') engines.push('embedded');
      for (const engine of SERVER_BENCH_ENGINES) {
        if (options.engine !== engine && options.engine !== 'all') continue;
        const server = probed.find((e) => e.engine === engine);
        if (server?.available && server.url) {
          engines.push(engine);
          serverAdminUrls[engine] = server.url;
        } else if (options.engine === engine) throw new Error(`no ${engine} server for the benchmark: ${server?.reason}`);
        else console.log(`(${engine} skipped: ${server?.reason})`);
      }
      const benchOptions: BenchOptions = {
        engines,
        quick: Boolean(options.quick),
        outDir: options.out,
        serverAdminUrls,
      };

      for (const name of selected) {
        const suite = await (SUITES[name] as () => Promise<import('../bench/bench-harness.js').BenchSuite>)();
        console.log(`\n== bench ${name}: ${suite.description} (engines: ${engines.join(', ')}${benchOptions.quick ? ', quick' : ''})`);
        const rows: BenchRow[] = [];
        await suite.run(benchOptions, (row) => {
          rows.push(row);
          console.log(`  ${row.engine} ${row.case}: ${row.perSecond !== undefined ? `${Math.round(row.perSecond).toLocaleString('en-US')} ${row.unit ?? ''}/s` : ''}${row.p95Ms !== undefined ? ` p95 ${row.p95Ms} ms` : ''}`);
        });
        console.log(`\n${formatTable(name, rows)}`);
        console.log(`saved ${saveResults(benchOptions.outDir, name, rows, benchOptions)}`);
      }
    });
}
