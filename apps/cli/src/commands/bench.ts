// `ag-storage bench <suite...>`: runs benchmark suites on the embedded engine
// and on PostgreSQL, prints a table per suite and saves JSON results.

import type { Command } from 'commander';
import { formatTable, saveResults, type BenchEngine, type BenchOptions, type BenchRow } from '../bench/bench-harness.js';
import { probeBenchServer } from '../bench/bench-server.js';
import { SUITES } from '../bench/suites.js';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(`run benchmarks: ${Object.keys(SUITES).join(', ')} (or all)`)
    .argument('[suites...]', 'suites to run', ['all'])
    .option('--engine <engine>', 'embedded | postgres | all (postgres: BENCH_DATABASE_URL, TEST_DATABASE_URL or the local server)', 'all')
    .option('--quick', 'smaller data sets, for a quick look')
    .option('--out <dir>', 'where JSON results are saved', 'bench-results')
    .action(async (names: string[], options: { engine: string; quick?: boolean; out: string }) => {
      const selected = names.includes('all') ? Object.keys(SUITES) : names;
      const unknown = selected.filter((name) => !SUITES[name]);
      if (unknown.length) throw new Error(`unknown bench suite(s): ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
      if (!['embedded', 'postgres', 'all'].includes(options.engine)) {
        throw new Error(`--engine must be embedded, postgres or all, got "${options.engine}"`);
      }

      const postgres = await probeBenchServer();
      const engines: BenchEngine[] = [];
      if (options.engine !== 'postgres') engines.push('embedded');
      if (options.engine !== 'embedded') {
        if (postgres.available) engines.push('postgres');
        else if (options.engine === 'postgres') throw new Error(`no PostgreSQL server for the benchmark: ${postgres.reason}`);
        else console.log(`(postgres skipped: ${postgres.reason})`);
      }
      const benchOptions: BenchOptions = {
        engines,
        quick: Boolean(options.quick),
        outDir: options.out,
        postgresAdminUrl: postgres.available ? postgres.url : '',
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
