// Reconciliation: every position (account, strategy, venue, market) rebuilt
// from its fills (average cost, average-cost-ledger.ts) as of its latest
// stored snapshot, compared with that snapshot. A market is in sync when the sizes agree and, for an
// open position, the average entry prices agree, each within a tolerance
// (default: exactly). Realized PnL drift is reported but does not decide the
// status (bots define realized PnL differently, e.g. with or without fees).
// Positions with fills and no snapshot are reported as missing_snapshot.

import type { Prisma, Queryable } from '@ag/storage-core';
import { ExactDecimal, roundToScale, toPrismaDecimal } from '../decimal/exact-decimal.js';
import { AverageCostLedger } from './average-cost-ledger.js';
import { positionFromRow, type PositionRow } from './position-row.js';
import { quoteCurrencyOf } from '../stats/quote-currency.js';
import {
  comparePositionKeys,
  positionKeyText,
  positionsWithFills,
  readPositionFills,
  type PositionKey,
} from './read-fills-for-replay.js';

export interface ReconcileQuery {
  account?: string | undefined;
  strategy?: string | undefined;
  venue?: string | undefined;
  market?: string | undefined;
  /** Reconcile as of this time (the latest snapshot at or before it); default now. */
  at?: Date | undefined;
  /** Subtract fees from the rebuilt realized PnL (default true). */
  includeFees?: boolean | undefined;
  /** Largest accepted absolute differences, as exact decimal text (default "0"). */
  sizeTolerance?: string | undefined;
  priceTolerance?: string | undefined;
}

export interface PositionFigures {
  size: Prisma.Decimal;
  avgEntryPrice: Prisma.Decimal | null;
  realizedPnl: Prisma.Decimal;
}

export interface PositionDrift extends PositionKey {
  status: 'in_sync' | 'drift' | 'missing_snapshot';
  /** The snapshot's time, or `at` when there is none. */
  asOf: Date;
  stored: PositionFigures | null;
  rebuilt: PositionFigures & { fillCount: number };
  /** stored - rebuilt; avgEntryPrice only when both sides have one. */
  drift: { size: Prisma.Decimal; avgEntryPrice: Prisma.Decimal | null; realizedPnl: Prisma.Decimal } | null;
}

/**
 * The newest snapshot at or before $1 per position: one primary-key probe
 * each. Not DISTINCT ON ... ORDER BY time DESC, which TimescaleDB 2.23
 * plans as a SkipScan returning older rows from compressed chunks.
 */
const LATEST_SNAPSHOTS = `
SELECT p.*
  FROM (SELECT DISTINCT account_id, strategy_id, venue, market FROM positions
         WHERE time <= $1
           AND ($2::text IS NULL OR venue = $2)
           AND ($3::text IS NULL OR market = $3)
           AND ($4::text IS NULL OR account_id = $4)
           AND ($5::text IS NULL OR strategy_id = $5)) k
 CROSS JOIN LATERAL (SELECT * FROM positions x
                      WHERE x.account_id = k.account_id AND x.strategy_id = k.strategy_id
                        AND x.venue = k.venue AND x.market = k.market AND x.time <= $1
                      ORDER BY x.time DESC LIMIT 1) p`;

export async function reconcilePositions(db: Queryable, query: ReconcileQuery): Promise<PositionDrift[]> {
  const at = query.at ?? new Date();
  const includeFees = query.includeFees ?? true;
  const sizeTolerance = new ExactDecimal(query.sizeTolerance ?? '0');
  const priceTolerance = new ExactDecimal(query.priceTolerance ?? '0');
  const { rows: snapshots } = await db.query<PositionRow>(LATEST_SNAPSHOTS, [
    at,
    query.venue ?? null,
    query.market ?? null,
    query.account ?? null,
    query.strategy ?? null,
  ]);
  const withFills = await positionsWithFills(db, { account: query.account, strategy: query.strategy, venue: query.venue, market: query.market, until: at, inclusive: true });

  const positions = new Map<string, { key: PositionKey; snapshot: PositionRow | null }>();
  for (const key of withFills) positions.set(positionKeyText(key), { key, snapshot: null });
  for (const row of snapshots) {
    const key = { accountId: row.account_id, strategyId: row.strategy_id, venue: row.venue, market: row.market };
    positions.set(positionKeyText(key), { key, snapshot: row });
  }

  const report: PositionDrift[] = [];
  for (const { key, snapshot } of [...positions.values()].sort((a, b) => comparePositionKeys(a.key, b.key))) {
    const asOf = snapshot?.time ?? at;
    const ledger = new AverageCostLedger(includeFees, quoteCurrencyOf(key.market));
    for await (const fill of readPositionFills(db, key, { until: asOf, inclusive: true })) ledger.apply(fill);
    const rebuiltAvg = ledger.avgEntryPrice === null ? null : roundToScale(ledger.avgEntryPrice);
    const rebuilt = {
      size: toPrismaDecimal(ledger.size),
      avgEntryPrice: rebuiltAvg === null ? null : toPrismaDecimal(rebuiltAvg),
      realizedPnl: toPrismaDecimal(roundToScale(ledger.realizedPnl)),
      fillCount: ledger.fillCount,
    };
    if (!snapshot) {
      report.push({ ...key, status: 'missing_snapshot', asOf, stored: null, rebuilt, drift: null });
      continue;
    }
    const stored = positionFromRow(snapshot);
    const storedSize = new ExactDecimal(snapshot.size);
    const storedAvg = snapshot.avg_entry_price === null ? null : new ExactDecimal(snapshot.avg_entry_price);
    const sizeDrift = storedSize.minus(ledger.size);
    const avgDrift = storedAvg !== null && rebuiltAvg !== null ? storedAvg.minus(rebuiltAvg) : null;
    const open = !storedSize.isZero() || !ledger.size.isZero();
    const avgAgrees = !open || (avgDrift !== null && avgDrift.abs().lessThanOrEqualTo(priceTolerance));
    const inSync = sizeDrift.abs().lessThanOrEqualTo(sizeTolerance) && avgAgrees;
    report.push({
      ...key,
      status: inSync ? 'in_sync' : 'drift',
      asOf,
      stored: { size: stored.size, avgEntryPrice: stored.avgEntryPrice, realizedPnl: stored.realizedPnl },
      rebuilt,
      drift: {
        size: toPrismaDecimal(sizeDrift),
        avgEntryPrice: avgDrift === null ? null : toPrismaDecimal(avgDrift),
        realizedPnl: toPrismaDecimal(roundToScale(new ExactDecimal(snapshot.realized_pnl).minus(ledger.realizedPnl))),
      },
    });
  }
  return report;
}
