// The tables whose rows age out, and what governs each: its retention key in
// the configuration, and whether TimescaleDB may have made it a hypertable.
// The lists come from core's table registry (TABLE_REGISTRY), the one place a
// table is declared.

import { restoreOrder, tablesWhere } from '@ag/storage-core';

export const MANAGED_TABLES = tablesWhere('retained');
export type ManagedTable = (typeof MANAGED_TABLES)[number];

/**
 * The managed tables the migrations make hypertables where TimescaleDB exists
 * (compression and retention policies are aligned for these; hypertables that
 * are kept, like the tick tables, keep the policies of their migration).
 */
export const HYPERTABLES: readonly ManagedTable[] = MANAGED_TABLES.filter((table) => (tablesWhere('hypertable') as readonly string[]).includes(table));

/** Every managed table (and every rollup source) is partitioned by this column. */
export const TIME_COLUMN = 'time';

/** Orders still working on the venue are never removed, however old (the execution package's one list). */
export { ACTIVE_STATUSES as ACTIVE_ORDER_STATUSES } from '@ag/storage-execution';

/** Restore order: referenced tables before the tables that reference them. */
export const RESTORE_ORDER: readonly string[] = restoreOrder();

export function isManagedTable(name: string): name is ManagedTable {
  return (MANAGED_TABLES as readonly string[]).includes(name);
}
