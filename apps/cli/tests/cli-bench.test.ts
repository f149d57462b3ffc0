// `ag-storage bench` runs a suite on the engine asked for, prints its table
// and saves the JSON results (the smallest suite, --quick).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeEachEngine } from '@ag/storage-testing';
import { runCli } from './support/run-cli.js';

describeEachEngine('ag-storage bench', ({ engine }) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'ag-bench-out-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs bench execution --quick and saves its rows', async () => {
    const result = await runCli(['bench', 'execution', '--quick', '--engine', engine, '--out', out]);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^bench execution$/m);
    const saved = JSON.parse(readFileSync(path.join(out, 'execution-latest.json'), 'utf8')) as { quick: boolean; rows: Array<{ engine: string; perSecond?: number }> };
    expect(saved.quick).toBe(true);
    expect(saved.rows.length).toBeGreaterThan(5);
    expect(new Set(saved.rows.map((r) => r.engine))).toEqual(new Set([engine]));
    expect(saved.rows.some((r) => (r.perSecond ?? 0) > 0)).toBe(true);
  }, 300_000);

  it('runs bench retention --quick: Parquet and CSV.gz archive passes over the same rows, with rows/s, bytes per row and peak RSS', async () => {
    const result = await runCli(['bench', 'retention', '--quick', '--engine', engine, '--out', out]);
    expect(result.code, result.err).toBe(0);
    const saved = JSON.parse(readFileSync(path.join(out, 'retention-latest.json'), 'utf8')) as {
      rows: Array<{ case: string; perSecond?: number; peakRssMb?: number; notes?: Record<string, number | string> }>;
    };
    const archive = ['parquet', 'csv.gz'].map((format) => saved.rows.find((r) => r.case.startsWith(`archive pass to ${format} `)));
    for (const row of archive) {
      expect(row?.perSecond ?? 0).toBeGreaterThan(0);
      expect(row?.peakRssMb ?? 0).toBeGreaterThan(0);
      expect(Number(row?.notes?.['bytes/row'])).toBeGreaterThan(0);
    }
    expect(archive[0]!.notes!.rows).toBe(20_000);
    expect(archive[1]!.notes!.rows).toBe(archive[0]!.notes!.rows);
    expect(Number(archive[1]!.notes!['parquet/csv.gz bytes/row'])).toBeGreaterThan(0);
  }, 600_000);
});
