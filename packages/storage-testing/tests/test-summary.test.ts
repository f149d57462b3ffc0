// scripts/test-summary.mjs: the end of `pnpm test`. It counts tests per engine
// from vitest's JSON reports and, under CI, fails on a skip it was not told to
// expect, so that a run cannot pass with a whole engine skipped.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Skip {
  engine: string;
  reason: string;
  count: number;
}
interface SummaryModule {
  summarize(reports: unknown[]): { engines: Map<string, { passed: number; failed: number; skipped: number }>; skips: Skip[] };
  readExpectedSkips(file?: string): RegExp[];
  unexpectedSkips(skips: Skip[], expected: RegExp[]): Skip[];
}

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/test-summary.mjs');
const load = () => import(script) as Promise<SummaryModule>;

const test = (ancestorTitles: string[], title: string, status: string, meta: Record<string, unknown> = {}) => ({ ancestorTitles, title, status, meta });
const REPORT = {
  testResults: [
    {
      assertionResults: [
        test(['capabilities [embedded]'], 'a', 'passed'),
        test(['capabilities [postgres]'], 'a', 'passed'),
        test(['capabilities [postgres]'], 'b', 'skipped', { skipReason: 'needs storage.capabilities.compression' }),
        test(['capabilities [timescaledb] (skipped: TEST_TIMESCALEDB_URL does not answer: refused)'], 'a', 'skipped'),
        test(['capabilities [docker] (skipped: TEST_DOCKER is not 1)'], 'a', 'skipped'),
        test(['config'], 'parses', 'failed'),
        test(['config'], 'quietly returned', 'skipped'),
      ],
    },
  ],
};

describe('the test summary', () => {
  it('counts passed, failed and skipped tests per engine tag, the untagged as engine-independent', async () => {
    const { summarize } = await load();
    const { engines } = summarize([REPORT]);
    expect(Object.fromEntries(engines)).toEqual({
      embedded: { passed: 1, failed: 0, skipped: 0 },
      postgres: { passed: 1, failed: 0, skipped: 1 },
      timescaledb: { passed: 0, failed: 0, skipped: 1 },
      docker: { passed: 0, failed: 0, skipped: 1 },
      'engine-independent': { passed: 0, failed: 1, skipped: 1 },
    });
  });

  it('reads skip reasons from suite titles and test meta, and names a skip without one', async () => {
    const { summarize } = await load();
    const reasons = summarize([REPORT]).skips.map((s) => `${s.engine}: ${s.reason}`);
    expect(reasons).toEqual([
      'postgres: needs storage.capabilities.compression',
      'timescaledb: TEST_TIMESCALEDB_URL does not answer: refused',
      'docker: TEST_DOCKER is not 1',
      'engine-independent: (no reason given)',
    ]);
  });

  it('expects capability and Docker skips, and nothing else (a missing server, a skip without a reason)', async () => {
    const { summarize, readExpectedSkips, unexpectedSkips } = await load();
    const unexpected = unexpectedSkips(summarize([REPORT]).skips, readExpectedSkips());
    expect(unexpected.map((s) => s.engine)).toEqual(['timescaledb', 'engine-independent']);
  });
});
