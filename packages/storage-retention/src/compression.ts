// The warm tier: hypertable chunks older than compression_after_days are
// compressed (TimescaleDB columnstore, timescale license). compressOldData()
// compresses what is due and is idempotent; checkCompressionStatus() reports
// bytes before and after per hypertable. Engines without compression report
// that and do nothing.

import { compressionFigures } from './compression-ratio.js';
import type { Storage } from '@ag/storage-core';
import { managedHypertables } from './managed-tables.js';
import { daysBefore, type RetentionPolicies } from './retention-policies.js';
import { quoteIdentifier } from './sql-identifier.js';
import { isHypertable, listChunks } from './timescale/chunks.js';

export interface TableCompressionResult {
  table: string;
  chunksCompressed: number;
  bytesBefore: number;
  bytesAfter: number;
  durationMs: number;
}

export interface CompressionReport {
  supported: boolean;
  olderThan: Date;
  tables: TableCompressionResult[];
  durationMs: number;
}

export interface CompressionStatus {
  table: string;
  totalChunks: number;
  compressedChunks: number;
  /** Size of the compressed chunks before they were compressed. */
  bytesBeforeCompression: number;
  /** Their size now. */
  bytesAfterCompression: number;
  /** before / after (higher is better; see compression-ratio.ts); null when nothing is compressed. */
  ratio: number | null;
  /** The share of the bytes saved, as a percentage. */
  savedPercent: number | null;
}

interface StatsRow {
  total_chunks: number | null;
  number_compressed_chunks: number | null;
  before_compression_total_bytes: number | null;
  after_compression_total_bytes: number | null;
}

const COMPRESSION_STATS = `SELECT total_chunks, number_compressed_chunks, before_compression_total_bytes, after_compression_total_bytes
                             FROM hypertable_compression_stats($1::regclass)`;

export async function compressOldData(storage: Storage, policies: RetentionPolicies, now: Date): Promise<CompressionReport> {
  const started = performance.now();
  const olderThan = daysBefore(now, policies.compressionAfterDays);
  if (!storage.capabilities.compression) return { supported: false, olderThan, tables: [], durationMs: 0 };
  const tables: TableCompressionResult[] = [];
  for (const table of managedHypertables()) {
    if (!(await isHypertable(storage.engine, table))) continue;
    const t0 = performance.now();
    const due = (await listChunks(storage.engine, table, { endingBy: olderThan })).filter((c) => !c.isCompressed);
    const bytesBefore = await hypertableBytes(storage, table);
    for (const chunk of due) {
      await storage.query(`SELECT compress_chunk($1::regclass, if_not_compressed => true)`, [
        `${quoteIdentifier(chunk.schema)}.${quoteIdentifier(chunk.name)}`,
      ]);
    }
    tables.push({
      table,
      chunksCompressed: due.length,
      bytesBefore,
      bytesAfter: due.length ? await hypertableBytes(storage, table) : bytesBefore,
      durationMs: Math.round(performance.now() - t0),
    });
  }
  return { supported: true, olderThan, tables, durationMs: Math.round(performance.now() - started) };
}

export async function checkCompressionStatus(storage: Storage): Promise<CompressionStatus[]> {
  if (!storage.capabilities.compression) return [];
  const result: CompressionStatus[] = [];
  for (const table of managedHypertables()) {
    if (!(await isHypertable(storage.engine, table))) continue;
    const row = (await storage.query<StatsRow>(COMPRESSION_STATS, [quoteIdentifier(table)]))[0];
    const before = Number(row?.before_compression_total_bytes ?? 0);
    const after = Number(row?.after_compression_total_bytes ?? 0);
    result.push({
      table,
      totalChunks: Number(row?.total_chunks ?? 0),
      compressedChunks: Number(row?.number_compressed_chunks ?? 0),
      bytesBeforeCompression: before,
      bytesAfterCompression: after,
      ...compressionFigures(before, after),
    });
  }
  return result;
}

async function hypertableBytes(storage: Storage, table: string): Promise<number> {
  const rows = await storage.query<{ bytes: number | null }>(`SELECT hypertable_size($1::regclass) AS bytes`, [quoteIdentifier(table)]);
  return Number(rows[0]?.bytes ?? 0);
}
