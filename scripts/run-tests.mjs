// `pnpm test`: every package's tests (turbo, one package at a time, all of
// them even when one fails), then the summary of tests per engine from the
// runner's own JSON reports. Exits non-zero when any test failed or, under
// CI=true, when a skip was not expected (see scripts/test-summary.mjs).

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
rmSync(path.join(repoRoot, 'test-results'), { recursive: true, force: true });

const extra = process.argv.slice(2).filter((arg) => arg !== '--');
const tests = spawnSync('pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...extra], {
  cwd: repoRoot,
  stdio: 'inherit',
});
const summary = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'test-summary.mjs')], { cwd: repoRoot, stdio: 'inherit' });
process.exit(tests.status !== 0 ? tests.status ?? 1 : summary.status ?? 1);
