// Exact row counts of registered tables in one statement: what the storage
// overview and the bot's run summary show (table names come from the table
// registry, which checked them, and are quoted all the same).

import type { Storage } from '../storage.js';
import { quoteIdentifier } from '../sql-identifier.js';

/** count(*) of each of `tables`, keyed by table name, in one round trip. */
export async function countRows(storage: Pick<Storage, 'query'>, tables: readonly string[]): Promise<Record<string, number>> {
  if (tables.length === 0) return {};
  const columns = tables.map((t, i) => `(SELECT count(*) FROM ${quoteIdentifier(t)})::int8 AS c${i}`).join(', ');
  const [row] = await storage.query<Record<string, number | string>>(`SELECT ${columns}`);
  return Object.fromEntries(tables.map((t, i) => [t, Number(row?.[`c${i}`] ?? 0)]));
}
