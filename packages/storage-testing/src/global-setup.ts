// vitest globalSetup: probes the engines once per run, says which suites will
// run where (and why the others skip), and hands the result to the workers.

import type { TestProject } from 'vitest/node';
import { provideEngines } from './provided-context.js';
import { maskPassword, probeTestEngines } from './test-engines.js';


export default async function setup(project: TestProject): Promise<void> {
  const engines = await probeTestEngines();
  provideEngines(project.provide.bind(project), engines);
  if (process.env.AG_TEST_QUIET !== '1') {
    const line = engines
      .map((e) => `${e.engine}: ${e.available ? 'yes' : 'SKIPPED'} (${e.url ? `${maskPassword(e.url)}, ` : ''}${e.reason})`)
      .join('; ');
    console.log(`[ag-storage tests] ${line}`);
  }
}
