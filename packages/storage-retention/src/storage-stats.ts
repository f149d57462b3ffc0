// How much room each table takes and what it holds: bytes (table, index,
// TOAST, total), approximate rows (planner statistics: 0 or null until the
// table was analyzed), chunks and compressed chunks (hypertables and
// continuous aggregates), and the oldest and newest time; for every table
// of the table registry and every rollup.

import { listRollups, registeredTables, type Storage } from '@ag/storage-core';
import { quoteIdentifier } from './sql-identifier.js';
import { isHypertable, materializationHypertable } from './timescale/chunks.js';

export interface TableStorageStats {
  table: string;
  kind: 'hypertable' | 'continuous_aggregate' | 'table';
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  toastBytes: number;
  approximateRows: number | null;
  chunks: number;
  compressedChunks: number;
  oldest: Date | null;
  newest: Date | null;
}

interface SizeRow {
  table_bytes: number | null;
  index_bytes: number | null;
  toast_bytes: number | null;
  total_bytes: number | null;
}

const HYPERTABLE_SIZE = `SELECT table_bytes, index_bytes, toast_bytes, total_bytes FROM hypertable_detailed_size($1::regclass)`;

const TABLE_SIZE = `
SELECT pg_relation_size(c.oid) + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm') AS table_bytes,
       pg_indexes_size(c.oid) AS index_bytes,
       coalesce(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0) AS toast_bytes,
       pg_total_relation_size(c.oid) AS total_bytes,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::int8 END AS approximate_rows
  FROM pg_class c WHERE c.oid = $1::regclass`;

const CHUNK_COUNTS = `
SELECT count(*)::int AS chunks, count(*) FILTER (WHERE is_compressed)::int AS compressed
  FROM timescaledb_information.chunks WHERE hypertable_name = $1`;

export async function getStorageStats(storage: Storage): Promise<TableStorageStats[]> {
  const timescale = storage.capabilities.timescale !== null;
  const stats: TableStorageStats[] = [];
  const tables: Array<{ name: string; timeColumn: string | null }> = [
    ...registeredTables().map((t) => ({ name: t.name, timeColumn: t.timeColumn })),
    ...(await listRollups(storage.engine)).map((r) => ({ name: r.viewName, timeColumn: r.bucketColumn })),
  ];
  for (const { name, timeColumn } of tables) {
    const hypertable = timescale && (await isHypertable(storage.engine, name));
    const materialized = timescale && !hypertable ? await materializationHypertable(storage.engine, name) : null;
    const kind = hypertable ? 'hypertable' : materialized ? 'continuous_aggregate' : 'table';
    stats.push({ table: name, kind, ...(await sizes(storage, name, kind, materialized)), ...(await timeRange(storage, name, timeColumn)) });
  }
  return stats;
}

async function sizes(
  storage: Storage,
  name: string,
  kind: TableStorageStats['kind'],
  materialized: string | null,
): Promise<Omit<TableStorageStats, 'table' | 'kind' | 'oldest' | 'newest'>> {
  const relation = quoteIdentifier(name);
  if (kind === 'table') {
    const row = (await storage.query<SizeRow & { approximate_rows: number | null }>(TABLE_SIZE, [relation]))[0];
    return { ...bytes(row), approximateRows: row?.approximate_rows ?? null, chunks: 0, compressedChunks: 0 };
  }
  const row = (await storage.query<SizeRow>(HYPERTABLE_SIZE, [relation]))[0];
  const chunkOwner = materialized ?? name;
  const counts = (await storage.query<{ chunks: number; compressed: number }>(CHUNK_COUNTS, [chunkOwner]))[0];
  const approximate = await storage.query<{ n: number }>(`SELECT approximate_row_count($1::regclass)::int8 AS n`, [
    materialized ? `_timescaledb_internal.${quoteIdentifier(materialized)}` : relation,
  ]);
  return {
    ...bytes(row),
    approximateRows: approximate[0] ? Number(approximate[0].n) : null,
    chunks: counts?.chunks ?? 0,
    compressedChunks: counts?.compressed ?? 0,
  };
}

function bytes(row: SizeRow | undefined): Pick<TableStorageStats, 'totalBytes' | 'tableBytes' | 'indexBytes' | 'toastBytes'> {
  return {
    tableBytes: Number(row?.table_bytes ?? 0),
    indexBytes: Number(row?.index_bytes ?? 0),
    toastBytes: Number(row?.toast_bytes ?? 0),
    totalBytes: Number(row?.total_bytes ?? 0),
  };
}

async function timeRange(storage: Storage, name: string, timeColumn: string | null): Promise<Pick<TableStorageStats, 'oldest' | 'newest'>> {
  if (!timeColumn) return { oldest: null, newest: null };
  const column = quoteIdentifier(timeColumn);
  const row = (await storage.query<{ oldest: Date | null; newest: Date | null }>(
    `SELECT min(${column}) AS oldest, max(${column}) AS newest FROM ${quoteIdentifier(name)}`,
  ))[0];
  return { oldest: row?.oldest ?? null, newest: row?.newest ?? null };
}

/** Total bytes of one table (hypertable or not), for before/after figures. */
export async function tableTotalBytes(storage: Storage, name: string): Promise<number> {
  const timescale = storage.capabilities.timescale !== null;
  const sql =
    timescale && (await isHypertable(storage.engine, name))
      ? `SELECT hypertable_size($1::regclass) AS bytes`
      : `SELECT pg_total_relation_size($1::regclass) AS bytes`;
  const rows = await storage.query<{ bytes: number | null }>(sql, [quoteIdentifier(name)]);
  return Number(rows[0]?.bytes ?? 0);
}
