// The benchmark harness every suite uses: fresh databases per engine, timing
// and latency percentiles, peak RSS sampling, a printed table and a JSON file
// per run under bench-results/. Figures are compared side by side within one
// run (the machine is noisy), so each suite reports its baselines too.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** embedded: on-disk PGlite; postgres and timescaledb: a new database on that server. */
export type BenchEngine = 'embedded' | 'postgres' | 'timescaledb';

export interface BenchOptions {
  engines: BenchEngine[];
  /** Smaller data sets, for a quick look (and for tests of the harness). */
  quick: boolean;
  /** Where JSON results go. */
  outDir: string;
  /** Admin URL of each server engine's server, where its bench databases are created. */
  serverAdminUrls: Partial<Record<Exclude<BenchEngine, 'embedded'>, string>>;
}

/** One measured figure. */
export interface BenchRow {
  engine: BenchEngine;
  /** What was measured, e.g. "insertMetricsBatch" or "latest value". */
  case: string;
  /** Throughput in units per second, when the case is a throughput. */
  perSecond?: number;
  unit?: string;
  /** Latencies in milliseconds, when the case is a latency. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  peakRssMb?: number;
  /** Anything else worth keeping (ratios, counts, sizes). */
  notes?: Record<string, number | string>;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(options: BenchOptions, report: (row: BenchRow) => void): Promise<void>;
}

export interface LatencySummary {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
}

/** Runs fn `iterations` times (after `warmup` unmeasured runs) and summarizes latencies. */
export async function measureLatency(fn: (i: number) => Promise<unknown>, iterations: number, warmup = 5): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i += 1) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return summarizeLatencies(samples);
}

export function summarizeLatencies(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    samples: sorted.length,
  };
}

/** Runs fn while sampling RSS; returns its result, wall time and the peak RSS in MB. */
export async function measureRun<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    const seconds = (performance.now() - t0) / 1000;
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, seconds, peakRssMb: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

export function formatTable(suite: string, rows: BenchRow[]): string {
  const header = ['engine', 'case', 'rate/s', 'unit', 'p50 ms', 'p95 ms', 'p99 ms', 'peak RSS MB', 'notes'];
  const num = (n: number | undefined, digits = 0) =>
    n === undefined ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const body = rows.map((r) => [
    r.engine,
    r.case,
    num(r.perSecond),
    r.unit ?? '',
    num(r.p50Ms, 2),
    num(r.p95Ms, 2),
    num(r.p99Ms, 2),
    num(r.peakRssMb),
    Object.entries(r.notes ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'number' ? num(v, 2) : v}`)
      .join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  return [`bench ${suite}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function saveResults(outDir: string, suite: string, rows: BenchRow[], options: BenchOptions): string {
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(outDir, `${suite}-${stamp}.json`);
  const document = {
    suite,
    at: new Date().toISOString(),
    quick: options.quick,
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    rows,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(path.join(outDir, `${suite}-latest.json`), `${JSON.stringify(document, null, 2)}\n`);
  return file;
}
