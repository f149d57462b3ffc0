// The periodic one-line summary of the main job: ingest rate since the last
// line, rows per table, database size and the compression achieved, e.g.
//   [bot-sim] live 0:01:10 | 128 points/s | rows: points 322,688 orders 16,130 ... | storage 61.2 MB | compression 9.1x (89.0% saved)

import type { StorageServices } from '@ag/api';

export const SUMMARY_TABLES = ['metric_points', 'orders', 'fills', 'positions', 'candles', 'events'] as const;
export type SummaryTable = (typeof SUMMARY_TABLES)[number];

export interface RunSummary {
  at: Date;
  uptimeMs: number;
  pointsPerSecond: number;
  rows: Record<SummaryTable, number>;
  databaseBytes: number;
  /** Bytes before / after compression of the compressed chunks; null where nothing is compressed. */
  compression: { before: number; after: number } | null;
}

const ROW_COUNTS = `SELECT ${SUMMARY_TABLES.map((t) => `(SELECT count(*) FROM ${t})::int8 AS ${t}`).join(', ')}`;
const DATABASE_SIZE = `SELECT pg_database_size(current_database())::int8 AS bytes`;

export class RunSummarizer {
  private lastWritten: number;
  private lastAt: number;

  constructor(
    private readonly services: StorageServices,
    private readonly startedAt = Date.now(),
  ) {
    this.lastWritten = this.written();
    this.lastAt = performance.now();
  }

  async summarize(): Promise<RunSummary> {
    const written = this.written();
    const now = performance.now();
    const pointsPerSecond = ((written - this.lastWritten) * 1000) / Math.max(1, now - this.lastAt);
    this.lastWritten = written;
    this.lastAt = now;
    const [counts] = await this.services.storage.query<Record<SummaryTable, number>>(ROW_COUNTS);
    const [size] = await this.services.storage.query<{ bytes: number }>(DATABASE_SIZE);
    const status = await this.services.retention.checkCompressionStatus();
    const before = status.reduce((sum, s) => sum + s.bytesBeforeCompression, 0);
    const after = status.reduce((sum, s) => sum + s.bytesAfterCompression, 0);
    const rows = Object.fromEntries(SUMMARY_TABLES.map((t) => [t, Number(counts?.[t] ?? 0)])) as Record<SummaryTable, number>;
    return {
      at: new Date(),
      uptimeMs: Date.now() - this.startedAt,
      pointsPerSecond,
      rows,
      databaseBytes: Number(size?.bytes ?? 0),
      compression: before > 0 ? { before, after } : null,
    };
  }

  private written(): number {
    const stats = this.services.metrics.stats();
    return stats.written + stats.duplicates;
  }
}

export function formatSummary(summary: RunSummary, phase: string): string {
  const n = (value: number) => Math.round(value).toLocaleString('en-US');
  const rows = [
    `points ${n(summary.rows.metric_points)}`,
    `orders ${n(summary.rows.orders)}`,
    `fills ${n(summary.rows.fills)}`,
    `positions ${n(summary.rows.positions)}`,
    `candles ${n(summary.rows.candles)}`,
    `events ${n(summary.rows.events)}`,
  ].join(' ');
  const compression = summary.compression
    ? `compression ${(summary.compression.before / Math.max(1, summary.compression.after)).toFixed(1)}x (${(100 * (1 - summary.compression.after / summary.compression.before)).toFixed(1)}% saved)`
    : 'compression n/a';
  return `[bot-sim] ${phase} ${formatDuration(summary.uptimeMs)} | ${n(summary.pointsPerSecond)} points/s | rows: ${rows} | storage ${(summary.databaseBytes / 1_048_576).toFixed(1)} MB | ${compression}`;
}

function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
