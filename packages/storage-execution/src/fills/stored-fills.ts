// The fills already stored under some keys: fill_keys holds every (account,
// venue, venue_fill_id) ever stored with the fill that claimed it; the fill
// rows themselves are read by primary key (a fill retention has removed is
// no longer there, its key is).

import type { Queryable } from '@ag/storage-core';
import { fillFromRow, type Fill, type FillRow } from './fill-row.js';

export interface FillKey {
  account: string;
  venue: string;
  venueFillId: string;
}

export interface StoredFillRef {
  fillId: string;
  time: Date;
}

/** A map key for a FillKey. */
export function fillKeyText(account: string, venue: string, venueFillId: string): string {
  return `${account}\u0000${venue}\u0000${venueFillId}`;
}

// LATERAL: one index probe per key on every engine (a join with
// unnest may be planned as a hash join over the whole table).
const FIND_FILL_KEYS = `
SELECT k.account_id, k.venue, k.venue_fill_id, k.fill_id, k.time
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(account_id, venue, venue_fill_id)
 CROSS JOIN LATERAL (
   SELECT * FROM fill_keys
    WHERE fill_keys.account_id = u.account_id AND fill_keys.venue = u.venue AND fill_keys.venue_fill_id = u.venue_fill_id
 ) k`;

// The fill row of a claimed key, by its primary key.
const READ_FILLS = `
SELECT f.* FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, time)
 CROSS JOIN LATERAL (SELECT * FROM fills WHERE fills.id = u.id AND fills.time = u.time) f`;

/** The keys already claimed, by fillKeyText. */
export async function findStoredFills(tx: Queryable, keys: readonly FillKey[]): Promise<Map<string, StoredFillRef>> {
  const { rows } = await tx.query<{ account_id: string; venue: string; venue_fill_id: string; fill_id: string; time: Date }>(FIND_FILL_KEYS, [
    keys.map((k) => k.account),
    keys.map((k) => k.venue),
    keys.map((k) => k.venueFillId),
  ]);
  return new Map(rows.map((row) => [fillKeyText(row.account_id, row.venue, row.venue_fill_id), { fillId: row.fill_id, time: row.time }]));
}

/** The stored fills of some claimed keys, by fill id; a fill retention has removed is absent. */
export async function readStoredFills(tx: Queryable, refs: readonly StoredFillRef[]): Promise<Map<string, Fill>> {
  if (refs.length === 0) return new Map();
  const { rows } = await tx.query<FillRow>(READ_FILLS, [refs.map((r) => r.fillId), refs.map((r) => r.time.toISOString())]);
  return new Map(rows.map((row) => [row.id, fillFromRow(row)]));
}
