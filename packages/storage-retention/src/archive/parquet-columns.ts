// The Parquet type of each archived column, from the database's own column
// types: money (NUMERIC) as DECIMAL(38,18), times as TIMESTAMP WITH TIME ZONE
// (microseconds, UTC-adjusted), float8 as DOUBLE, jsonb (metric labels,
// payloads) as its JSON text, enums, uuids and text as strings. Kept inside
// archive/ so a table registry in core can replace the lookup later.

import { quoteIdentifier, type Queryable } from '@ag/storage-core';

export interface ParquetColumn {
  name: string;
  /** DuckDB type the text value is cast to before it is written. */
  duckType: string;
}

const COLUMN_TYPES = `
SELECT column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = current_schema() AND table_name = $1
 ORDER BY ordinal_position`;

const DUCK_TYPES: Record<string, string> = {
  numeric: 'DECIMAL(38,18)',
  'timestamp with time zone': 'TIMESTAMPTZ',
  'timestamp without time zone': 'TIMESTAMP',
  'double precision': 'DOUBLE',
  real: 'FLOAT',
  bigint: 'BIGINT',
  integer: 'INTEGER',
  smallint: 'SMALLINT',
  boolean: 'BOOLEAN',
  date: 'DATE',
};

/** Every column of `table` with its Parquet (DuckDB) type; anything not listed is kept as its text. */
export async function parquetColumns(db: Queryable, table: string, columns: string[]): Promise<ParquetColumn[]> {
  const { rows } = await db.query<{ column_name: string; data_type: string }>(COLUMN_TYPES, [table]);
  const types = new Map(rows.map((r) => [r.column_name, DUCK_TYPES[r.data_type] ?? 'VARCHAR']));
  return columns.map((name) => ({ name, duckType: types.get(name) ?? 'VARCHAR' }));
}

/** DuckDB identifier quoting: the same rule as PostgreSQL's, so core's one quoteIdentifier. */
export const duckIdentifier = quoteIdentifier;

/** DuckDB string literal (paths in COPY / read_parquet, which take no parameters). */
export function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * How a Parquet column reads back as the text PostgreSQL takes: decimals
 * without DECIMAL(38,18)'s padding zeros, times in UTC with their offset.
 */
export function parquetTextExpression(column: ParquetColumn): string {
  const id = duckIdentifier(column.name);
  if (column.duckType.startsWith('DECIMAL')) return `rtrim(rtrim(CAST(${id} AS VARCHAR), '0'), '.')`;
  return `CAST(${id} AS VARCHAR)`;
}
