// The tables whose rows age out, and what governs each: its retention key in
// the configuration, and whether TimescaleDB may have made it a hypertable.
// The lists come from core's table registry (TABLE_REGISTRY plus any table
// registered at run time), the one place a table is declared; they are read
// when needed, so a table registered later is managed like the rest.

import { RETENTION_KEYS, restoreOrder, tableEntry, tablesWhere, type RetentionKey } from '@ag/storage-core';

/** A table with a retention key in the registry. */
export type ManagedTable = string;

/** The built-in managed tables, as registered when the module loaded (the archive exports these). */
export const MANAGED_TABLES: readonly ManagedTable[] = tablesWhere('retained');

/** Every managed table known now, in registry order. */
export function managedTables(): ManagedTable[] {
  return tablesWhere('retained');
}

/**
 * The managed tables the migrations make hypertables where TimescaleDB
 * exists: compression and retention policies are aligned for these.
 */
export function managedHypertables(): ManagedTable[] {
  const hypertables = new Set(tablesWhere('hypertable'));
  return managedTables().filter((table) => hypertables.has(table));
}

/** Every managed table (and every rollup source) is partitioned by this column. */
export const TIME_COLUMN = 'time';

/** Orders still working on the venue are never removed, however old (the execution package's one list). */
export { ACTIVE_STATUSES as ACTIVE_ORDER_STATUSES } from '@ag/storage-execution';

/** Restore order: referenced tables before the tables that reference them. */
export const RESTORE_ORDER: readonly string[] = restoreOrder();

/** Removal order: referencing tables before the tables they reference (fills before orders). */
export function removalOrder(): ManagedTable[] {
  const managed = new Set(managedTables());
  return restoreOrder().reverse().filter((table) => managed.has(table));
}

export function isManagedTable(name: string): name is ManagedTable {
  return managedTables().includes(name);
}

/** The retention key of a managed table and its default ('forever': kept). */
export function retentionKeyOf(table: ManagedTable): { key: RetentionKey; defaultDays: number | 'forever' } | null {
  const key = tableEntry(table)?.retentionKey ?? null;
  const spec = RETENTION_KEYS.find((k) => k.key === key);
  return spec ? { key: spec.key, defaultDays: spec.defaultDays } : null;
}
