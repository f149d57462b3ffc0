// The periodic one-line summary of the main job: ingest rate since the last
// line, rows per table, database size, the compression achieved and the PnL
// of each strategy in its live and its paper accounts (the newest position
// snapshots: realized + unrealized, over the strategy's markets), e.g.
//   [bot-sim] live 0:01:10 | 128 points/s | rows: points 322,688 orders 16,130 ... | storage 61.2 MB | compression 9.1x (89.0% saved) | pnl sim-bot.mm-1 live 12.40 paper 9.87, sim-bot.mm-2 live -3.10 paper 1.25

import type { StorageServices } from '@ag/storage-services';
import { tablesWhere } from '@ag/storage-core';
import { ExactDecimal, type AccountMode } from '@ag/storage-execution';
import type { SimFleet } from './sim-fleet.js';

/** The tables counted in the run summary: those the table registry marks `summary`. */
export const SUMMARY_TABLES = tablesWhere('summary');
export type SummaryTable = (typeof SUMMARY_TABLES)[number];

/** One strategy's PnL in the accounts of one mode, as exact decimal text. */
export interface StrategyPnl {
  strategy: string;
  mode: AccountMode;
  pnl: string;
}

export interface RunSummary {
  at: Date;
  uptimeMs: number;
  pointsPerSecond: number;
  rows: Record<SummaryTable, number>;
  databaseBytes: number;
  /** Bytes before / after compression of the compressed chunks; null where nothing is compressed. */
  compression: { before: number; after: number } | null;
  /** Per strategy of the fleet and account mode, in the fleet's order. */
  pnl: StrategyPnl[];
}

const ROW_COUNTS = `SELECT ${SUMMARY_TABLES.map((t) => `(SELECT count(*) FROM ${t})::int8 AS ${t}`).join(', ')}`;
const DATABASE_SIZE = `SELECT pg_database_size(current_database())::int8 AS bytes`;

export class RunSummarizer {
  private lastWritten: number;
  private lastAt: number;

  constructor(
    private readonly services: StorageServices,
    private readonly fleet: SimFleet | null,
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
      pnl: await this.strategyPnl(),
    };
  }

  /** Realized + unrealized PnL of the newest snapshots, per strategy and account mode. */
  private async strategyPnl(): Promise<StrategyPnl[]> {
    if (!this.fleet) return [];
    const out: StrategyPnl[] = [];
    for (const strategy of this.fleet.strategies) {
      const positions = await this.services.executions.getLatestPositions({ strategy });
      for (const mode of ['live', 'paper'] as const) {
        let pnl = new ExactDecimal(0);
        for (const p of positions) {
          if (this.fleet.accounts.get(p.accountId) !== mode) continue;
          pnl = pnl.plus(p.realizedPnl.toFixed()).plus(p.unrealizedPnl.toFixed());
        }
        out.push({ strategy, mode, pnl: pnl.toFixed() });
      }
    }
    return out;
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
    `funding ${n(summary.rows.funding_payments)}`,
    `trades ${n(summary.rows.trades)}`,
    `quotes ${n(summary.rows.quotes)}`,
  ].join(' ');
  const compression = summary.compression
    ? `compression ${(summary.compression.before / Math.max(1, summary.compression.after)).toFixed(1)}x (${(100 * (1 - summary.compression.after / summary.compression.before)).toFixed(1)}% saved)`
    : 'compression n/a';
  const byStrategy = new Map<string, string[]>();
  for (const p of summary.pnl) byStrategy.set(p.strategy, [...(byStrategy.get(p.strategy) ?? []), `${p.mode} ${new ExactDecimal(p.pnl).toFixed(2)}`]);
  const pnl = byStrategy.size ? ` | pnl ${[...byStrategy].map(([strategy, parts]) => `${strategy} ${parts.join(' ')}`).join(', ')}` : '';
  return `[bot-sim] ${phase} ${formatDuration(summary.uptimeMs)} | ${n(summary.pointsPerSecond)} points/s | rows: ${rows} | storage ${(summary.databaseBytes / 1_048_576).toFixed(1)} MB | ${compression}${pnl}`;
}

function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
