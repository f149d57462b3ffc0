// vitest globalSetup: probes the engines once per run, says which suites will
// run where (and why the others skip), and hands the result to the workers.
// Under CI=true an engine the environment promised (TEST_DATABASE_URL,
// TEST_TIMESCALEDB_URL, TEST_DOCKER=1) that does not answer fails the run:
// a CI run never turns green with a whole engine skipped.

import type { TestProject } from 'vitest/node';
import { provideEngines } from './provided-context.js';
import { brokenPromises, maskPassword, probeTestEngines } from './test-engines.js';

export default async function setup(project: TestProject): Promise<void> {
  const engines = await probeTestEngines();
  if (process.env.AG_TEST_QUIET !== '1') {
    const line = engines
      .map((e) => `${e.engine}: ${e.available ? 'yes' : 'SKIPPED'} (${e.url ? `${maskPassword(e.url)}, ` : ''}${e.reason})`)
      .join('; ');
    console.log(`[ag-storage tests] ${line}`);
  }
  const broken = brokenPromises(engines);
  if (process.env.CI === 'true' && broken.length > 0) {
    throw new Error(
      `CI=true and a promised test engine does not answer: ${broken.map((e) => `${e.engine} (${e.reason})`).join('; ')}`,
    );
  }
  provideEngines(project.provide.bind(project), engines);
}
