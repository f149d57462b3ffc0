// Test settings every package shares: workspace packages resolve to their
// TypeScript sources (the "source" export condition), engines are probed once
// per run by @ag/storage-testing's global setup, and database suites get room
// to breathe on a 2-core machine. Each run also writes vitest's JSON report,
// from which `pnpm test` prints the tests per engine.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));
/** Where each package's run leaves vitest's JSON report; scripts/test-summary.mjs adds them up. */
const reportFile = path.join(repoRoot, 'test-results', `vitest-${path.basename(process.cwd())}.json`);
const conditions = ['source', 'node', 'development|production'];

export const sharedTestConfig: ViteUserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['tests/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: [path.join(repoRoot, 'packages/storage-testing/src/global-setup.ts')],
    // Every fast-check property runs with the run's fixed seed (AG_TEST_SEED to change it).
    setupFiles: [path.join(repoRoot, 'packages/storage-testing/src/property-seed-setup.ts')],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: reportFile }]],
  },
};
