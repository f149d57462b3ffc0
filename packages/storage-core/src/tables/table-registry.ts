// The one list of the library's tables and what each package needs to know
// about them: the time column, whether the migrations make it a hypertable,
// whether rows age out (and under which retention key), the restore order,
// and whether the storage overview and the bot's run summary count it.
// Adding a table means its migration plus one entry here; managed-tables.ts,
// the storage overview and the run summary read their lists from it.

export interface TableEntry {
  name: string;
  /** The column rows are partitioned and aged out by; null for reference tables. */
  timeColumn: string | null;
  /** Made a hypertable by the migrations where TimescaleDB exists. */
  hypertable: boolean;
  /** Rows age out under retention (the table is "managed"). */
  retained: boolean;
  /** Restore order: referenced tables come before the tables referencing them. */
  restoreOrder: number;
  /** Counted in the storage overview (/api/stats, `ag-storage stats`). */
  overview: boolean;
  /** Counted in the simulated bot's run summary. */
  summary: boolean;
}

export const TABLE_REGISTRY = [
  { name: 'metric_series', timeColumn: null, hypertable: false, retained: false, restoreOrder: 0, overview: true, summary: false },
  { name: 'metric_points', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 2, overview: true, summary: true },
  { name: 'events', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 3, overview: true, summary: true },
  { name: 'fills', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 4, overview: true, summary: true },
  { name: 'positions', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 5, overview: true, summary: true },
  { name: 'candles', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 6, overview: true, summary: true },
  { name: 'orders', timeColumn: 'time', hypertable: false, retained: true, restoreOrder: 1, overview: true, summary: true },
  { name: 'funding_payments', timeColumn: 'time', hypertable: true, retained: true, restoreOrder: 7, overview: true, summary: true },
  // Market data at tick level (migration 20261202200000_ticks); kept until a retention key is given to them.
  { name: 'trades', timeColumn: 'time', hypertable: true, retained: false, restoreOrder: 8, overview: true, summary: true },
  { name: 'quotes', timeColumn: 'time', hypertable: true, retained: false, restoreOrder: 9, overview: true, summary: true },
  { name: 'book_snapshots', timeColumn: 'time', hypertable: true, retained: false, restoreOrder: 10, overview: true, summary: false },
] as const satisfies readonly TableEntry[];

export type RegisteredTable = (typeof TABLE_REGISTRY)[number];
export type RegisteredTableName = RegisteredTable['name'];

/** The names of the registered tables that have `flag` set, in registry order. */
export function tablesWhere<K extends 'hypertable' | 'retained' | 'overview' | 'summary'>(flag: K): Array<Extract<RegisteredTable, Record<K, true>>['name']> {
  return TABLE_REGISTRY.filter((t) => t[flag]).map((t) => t.name) as Array<Extract<RegisteredTable, Record<K, true>>['name']>;
}

/** Every registered table, referenced tables first. */
export function restoreOrder(): RegisteredTableName[] {
  return [...TABLE_REGISTRY].sort((a, b) => a.restoreOrder - b.restoreOrder).map((t) => t.name);
}
