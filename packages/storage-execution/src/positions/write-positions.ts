// Position snapshots, upserted on (venue, market, time): storing the same
// snapshot again changes nothing; a different snapshot for the same instant
// replaces it. Repeats of one key within a batch: the last one wins.

import type { Queryable } from '@ag/storage-core';
import type { ParsedPosition } from './position-input.js';

const UPSERT_POSITIONS = `
INSERT INTO positions (time, venue, market, size, avg_entry_price, unrealized_pnl, realized_pnl)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[])
ON CONFLICT (venue, market, time) DO UPDATE
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
  for (const p of inputs) lastByKey.set(`${p.venue}\u0000${p.market}\u0000${p.time.getTime()}`, p);
  const positions = [...lastByKey.values()];
  const { rows } = await tx.query<{ inserted: boolean }>(UPSERT_POSITIONS, [
    positions.map((p) => p.time.toISOString()),
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
