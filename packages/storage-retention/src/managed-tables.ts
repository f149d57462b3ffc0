// The tables whose rows age out, and what governs each: its retention key in
// the configuration, and whether TimescaleDB may have made it a hypertable.
// The lists come from core's table registry (TABLE_REGISTRY), the one place a
// table is declared.

import { restoreOrder, tablesWhere } from '@ag/storage-core';

export const MANAGED_TABLES = tablesWhere('retained');
export type ManagedTable = (typeof MANAGED_TABLES)[number];

/** The time-series tables the migrations make hypertables where TimescaleDB exists. */
export const HYPERTABLES = tablesWhere('hypertable');

/** Every managed table (and every rollup source) is partitioned by this column. */
export const TIME_COLUMN = 'time';

/** Orders still working on the venue are never removed, however old (the execution package's one list). */
export { ACTIVE_STATUSES as ACTIVE_ORDER_STATUSES } from '@ag/storage-execution';

/** Restore order: referenced tables before the tables that reference them. */
export const RESTORE_ORDER: readonly string[] = restoreOrder();

export function isManagedTable(name: string): name is ManagedTable {
  return (MANAGED_TABLES as readonly string[]).includes(name);
}
