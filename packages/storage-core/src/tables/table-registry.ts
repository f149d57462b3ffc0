// The one list of the library's tables and what each package needs to know
// about them: the time column, whether the migrations make it a hypertable,
// under which retention key its rows age out (none: kept), the restore order,
// and whether the storage overview and the bot's run summary count it; and
// the retention keys of the configuration with their defaults.
// Adding a table means its migration plus one entry here; the config schema,
// retention, the storage overview and the run summary read their lists from it.
// Tests (and plug-ins) may add a table at run time with registerTable.

import { ValidationError } from '../errors/storage-error.js';
import { checkedTableName } from '../sql-identifier.js';

/**
 * The `retention.<key>` settings that age tables out, with the default in
 * days ('forever': kept). The first two are the original keys: a number only,
 * and their default is part of the parsed configuration; the others may be
 * 'forever' and their default is applied by the retention package.
 */
export const RETENTION_KEYS = [
  { key: 'metrics_retention_days', defaultDays: 90, foreverAllowed: false },
  { key: 'execution_retention_days', defaultDays: 365, foreverAllowed: false },
  { key: 'events_retention_days', defaultDays: 'forever', foreverAllowed: true },
  { key: 'candles_retention_days', defaultDays: 'forever', foreverAllowed: true },
  // Tick data: trades are kept a year; quotes and book snapshots, by far the
  // largest tables, a quarter and a month (candles and trade candles outlive them).
  { key: 'trades_retention_days', defaultDays: 365, foreverAllowed: true },
  { key: 'quotes_retention_days', defaultDays: 90, foreverAllowed: true },
  { key: 'book_snapshots_retention_days', defaultDays: 30, foreverAllowed: true },
] as const satisfies ReadonlyArray<{ key: string; defaultDays: number | 'forever'; foreverAllowed: boolean }>;

export type RetentionKey = (typeof RETENTION_KEYS)[number]['key'];

export interface TableEntry {
  name: string;
  /** The column rows are partitioned and aged out by; null for reference tables. */
  timeColumn: string | null;
  /** Made a hypertable by the migrations where TimescaleDB exists. */
  hypertable: boolean;
  /** The retention key its rows age out under (the table is "managed"); null: kept forever. */
  retentionKey: RetentionKey | null;
  /** Restore order: referenced tables come before the tables referencing them (retention removes in the reverse order). */
  restoreOrder: number;
  /** Counted in the storage overview (/api/stats, `ag-storage stats`). */
  overview: boolean;
  /** Counted in the simulated bot's run summary. */
  summary: boolean;
}

export const TABLE_REGISTRY = [
  { name: 'metric_series', timeColumn: null, hypertable: false, retentionKey: null, restoreOrder: 0, overview: true, summary: false },
  { name: 'metric_points', timeColumn: 'time', hypertable: true, retentionKey: 'metrics_retention_days', restoreOrder: 2, overview: true, summary: true },
  { name: 'events', timeColumn: 'time', hypertable: true, retentionKey: 'events_retention_days', restoreOrder: 3, overview: true, summary: true },
  { name: 'fills', timeColumn: 'time', hypertable: true, retentionKey: 'execution_retention_days', restoreOrder: 4, overview: true, summary: true },
  { name: 'positions', timeColumn: 'time', hypertable: true, retentionKey: 'execution_retention_days', restoreOrder: 5, overview: true, summary: true },
  { name: 'candles', timeColumn: 'time', hypertable: true, retentionKey: 'candles_retention_days', restoreOrder: 6, overview: true, summary: true },
  { name: 'orders', timeColumn: 'time', hypertable: false, retentionKey: 'execution_retention_days', restoreOrder: 1, overview: true, summary: true },
  { name: 'funding_payments', timeColumn: 'time', hypertable: true, retentionKey: 'execution_retention_days', restoreOrder: 7, overview: true, summary: true },
  // Market data at tick level (migration 20261202200000_ticks).
  { name: 'trades', timeColumn: 'time', hypertable: true, retentionKey: 'trades_retention_days', restoreOrder: 8, overview: true, summary: true },
  { name: 'quotes', timeColumn: 'time', hypertable: true, retentionKey: 'quotes_retention_days', restoreOrder: 9, overview: true, summary: true },
  { name: 'book_snapshots', timeColumn: 'time', hypertable: true, retentionKey: 'book_snapshots_retention_days', restoreOrder: 10, overview: true, summary: false },
] as const satisfies readonly TableEntry[];

export type RegisteredTable = (typeof TABLE_REGISTRY)[number];
export type RegisteredTableName = RegisteredTable['name'];

/** The built-in entries plus those registered at run time, in registration order. */
const tables: TableEntry[] = [...TABLE_REGISTRY];

/** Every table known now: the built-in entries, then those added with registerTable. */
export function registeredTables(): readonly TableEntry[] {
  return tables;
}

/**
 * Adds a table at run time (a test's throw-away table, a plug-in's own); it
 * must already exist in the database. Its retention key must be one of
 * RETENTION_KEYS (the configuration schema knows no other). Returns the
 * function that removes it again.
 */
export function registerTable(entry: TableEntry): () => void {
  checkedTableName('name', entry.name);
  if (tables.some((t) => t.name === entry.name)) throw new ValidationError('name', entry.name, 'is already registered');
  if (entry.timeColumn !== null) checkedTableName('timeColumn', entry.timeColumn);
  if (entry.retentionKey !== null && !RETENTION_KEYS.some((k) => k.key === entry.retentionKey)) {
    throw new ValidationError('retentionKey', entry.retentionKey, `must be one of ${RETENTION_KEYS.map((k) => k.key).join(', ')}`);
  }
  if (entry.retentionKey !== null && entry.timeColumn === null) throw new ValidationError('timeColumn', null, 'is required for a table that ages out');
  if (!Number.isInteger(entry.restoreOrder) || entry.restoreOrder < 0) throw new ValidationError('restoreOrder', entry.restoreOrder, 'must be a non-negative integer');
  const added = { ...entry };
  tables.push(added);
  return () => {
    const index = tables.indexOf(added);
    if (index >= 0) tables.splice(index, 1);
  };
}

type TableFlag = 'hypertable' | 'retained' | 'overview' | 'summary';

/** The names of the tables known now that have `flag` set ('retained': a retention key), in registry order. */
export function tablesWhere(flag: TableFlag): string[] {
  return tables.filter((t) => (flag === 'retained' ? t.retentionKey !== null : t[flag])).map((t) => t.name);
}

/** The entry of a table known now, or undefined. */
export function tableEntry(name: string): TableEntry | undefined {
  return tables.find((t) => t.name === name);
}

/** Every table known now, referenced tables first. */
export function restoreOrder(): string[] {
  return [...tables].sort((a, b) => a.restoreOrder - b.restoreOrder).map((t) => t.name);
}
