// Reads back what the execution producers left: orders and fills per
// market (rows and distinct keys), orders whose filled size or status does
// not follow from their fills, and the reconciliation of positions against
// fills.

import type { Storage } from '@ag/storage-core';
import type { ExecutionStore } from '@ag/storage-execution';
import { EXECUTION_VENUE, type ExecutionProducerReport } from './execution-producers.js';

const STORED_PER_MARKET = `
SELECT m.market,
       (SELECT count(*) FROM orders o WHERE o.venue = $1 AND o.market = m.market)::int8 AS orders,
       (SELECT count(DISTINCT client_order_id) FROM orders o WHERE o.venue = $1 AND o.market = m.market)::int8 AS distinct_orders,
       (SELECT count(*) FROM fills f WHERE f.venue = $1 AND f.market = m.market)::int8 AS fills,
       (SELECT count(DISTINCT venue_fill_id) FROM fills f WHERE f.venue = $1 AND f.market = m.market)::int8 AS distinct_fills,
       (SELECT count(*) FROM orders o
         WHERE o.venue = $1 AND o.market = m.market
           AND (o.status <> 'filled'
                OR o.filled_size <> (SELECT coalesce(sum(f.size), 0) FROM fills f WHERE f.order_id = o.id)))::int8 AS inconsistent_orders
  FROM unnest($2::text[]) AS m(market)`;

export interface ExecutionAccounting {
  ordersAcknowledged: number;
  ordersStored: number;
  fillsAcknowledged: number;
  fillsStored: number;
  duplicates: number;
  /** Orders not 'filled', or whose filled size is not the sum of their fills. */
  inconsistentOrders: number;
  /** Markets whose stored rows differ from what was acknowledged. */
  mismatched: string[];
  /** Markets whose latest snapshot disagrees with the fills. */
  positionDrift: string[];
}

export async function accountExecutions(
  storage: Storage,
  store: ExecutionStore,
  reports: readonly ExecutionProducerReport[],
): Promise<ExecutionAccounting> {
  const rows = await storage.query<Record<string, number | string>>(STORED_PER_MARKET, [EXECUTION_VENUE, reports.map((r) => r.market)]);
  const byMarket = new Map(rows.map((r) => [String(r.market), r]));
  const out: ExecutionAccounting = {
    ordersAcknowledged: 0,
    ordersStored: 0,
    fillsAcknowledged: 0,
    fillsStored: 0,
    duplicates: 0,
    inconsistentOrders: 0,
    mismatched: [],
    positionDrift: [],
  };
  for (const report of reports) {
    const row = byMarket.get(report.market) ?? {};
    const [orders, distinctOrders, fills, distinctFills, inconsistent] = ['orders', 'distinct_orders', 'fills', 'distinct_fills', 'inconsistent_orders'].map(
      (k) => Number(row[k] ?? 0),
    ) as [number, number, number, number, number];
    out.ordersAcknowledged += report.ordersAcknowledged;
    out.fillsAcknowledged += report.fillsAcknowledged;
    out.ordersStored += orders;
    out.fillsStored += fills;
    out.duplicates += orders - distinctOrders + (fills - distinctFills);
    out.inconsistentOrders += inconsistent;
    if (orders !== report.ordersAcknowledged || fills !== report.fillsAcknowledged) {
      out.mismatched.push(`${report.market}: acknowledged ${report.ordersAcknowledged} orders ${report.fillsAcknowledged} fills, stored ${orders} / ${fills}`);
    }
    if (report.rounds > 0) {
      const [drift] = await store.reconcilePositions({ venue: EXECUTION_VENUE, market: report.market });
      if (drift?.status !== 'in_sync') out.positionDrift.push(`${report.market}: ${JSON.stringify(drift)}`);
    }
  }
  return out;
}
