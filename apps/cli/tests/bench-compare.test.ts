// The bench harness's result files and `--compare`, without a database:
// every saved result records commit, load average, server version and data
// sizes, and a later run is set against it case by case.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compareWithEarlier, formatComparison, saveResults, type BenchOptions, type BenchRow } from '../src/bench/bench-harness.js';

const out = mkdtempSync(path.join(os.tmpdir(), 'ag-bench-compare-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const options: BenchOptions = { engines: ['postgres'], quick: true, outDir: out, serverAdminUrls: {} };

const earlierRows: BenchRow[] = [
  { engine: 'postgres', case: 'bufferMetric', perSecond: 100_000, unit: 'points', notes: { points: 1000, series: 10, serverVersion: '15.20' } },
  { engine: 'postgres', case: '1-hour range', p50Ms: 1, p95Ms: 2, notes: { returnedRows: 360 } },
  { engine: 'postgres', case: 'gone since', perSecond: 5 },
];

it('records commit, load average, server version and data sizes in every result file', () => {
  const file = saveResults(out, 'demo', earlierRows, options);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as {
    commit: string;
    machine: { loadAverage: number[] };
    engines: Record<string, { serverVersion: string; dataSizes: Record<string, Record<string, number>> }>;
  };
  expect(saved.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  expect(saved.machine.loadAverage).toHaveLength(3);
  expect(saved.engines.postgres?.serverVersion).toBe('15.20');
  expect(saved.engines.postgres?.dataSizes.bufferMetric).toEqual({ points: 1000, series: 10 });
});

it('prints now / earlier per case present in both runs', () => {
  const file = saveResults(out, 'demo', earlierRows, options);
  const now: BenchRow[] = [
    { engine: 'postgres', case: 'bufferMetric', perSecond: 150_000 },
    { engine: 'postgres', case: '1-hour range', p95Ms: 1 },
    { engine: 'postgres', case: 'new case', perSecond: 1 },
  ];
  const comparison = compareWithEarlier(file, now);
  expect(comparison.cases.map((c) => [c.case, c.metric, c.ratio])).toEqual([
    ['bufferMetric', 'perSecond', 1.5],
    ['1-hour range', 'p95Ms', 0.5],
  ]);
  expect(formatComparison(comparison)).toContain('(1.50x)');
});
