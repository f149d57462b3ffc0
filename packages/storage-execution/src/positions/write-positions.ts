// Position snapshots, upserted on (account, strategy, venue, market, time):
// storing the same snapshot again changes nothing; a different snapshot for
// the same instant replaces it. Repeats of one key within a batch: the last
// one wins. The store checks the accounts and strategies named first.

import type { Queryable } from '@ag/storage-core';
import type { ParsedPosition } from './position-input.js';

const UPSERT_POSITIONS = `
INSERT INTO positions (time, account_id, strategy_id, venue, market, size, avg_entry_price, unrealized_pnl, realized_pnl)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[])
ON CONFLICT (account_id, strategy_id, venue, market, time) DO UPDATE
   SET size = excluded.size, avg_entry_price = excluded.avg_entry_price,
       unrealized_pnl = excluded.unrealized_pnl, realized_pnl = excluded.realized_pnl
 WHERE (positions.size, positions.avg_entry_price, positions.unrealized_pnl, positions.realized_pnl)
       IS DISTINCT FROM (excluded.size, excluded.avg_entry_price, excluded.unrealized_pnl, excluded.realized_pnl)
RETURNING (xmax = 0) AS inserted`;

export interface WritePositionsResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function writePositions(tx: Queryable, inputs: readonly ParsedPosition[]): Promise<WritePositionsResult> {
  if (inputs.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const lastByKey = new Map<string, ParsedPosition>();
  for (const p of inputs) lastByKey.set(`${p.account}\u0000${p.strategy}\u0000${p.venue}\u0000${p.market}\u0000${p.time.getTime()}`, p);
  const positions = [...lastByKey.values()];
  const { rows } = await tx.query<{ inserted: boolean }>(UPSERT_POSITIONS, [
    positions.map((p) => p.time.toISOString()),
    positions.map((p) => p.account),
    positions.map((p) => p.strategy),
    positions.map((p) => p.venue),
    positions.map((p) => p.market),
    positions.map((p) => p.size),
    positions.map((p) => p.avgEntryPrice ?? null),
    positions.map((p) => p.unrealizedPnl ?? '0'),
    positions.map((p) => p.realizedPnl ?? '0'),
  ]);
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: positions.length - rows.length };
}
