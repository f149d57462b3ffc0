// The manifest of one archive: a directory written by one retention pass,
// holding one gzip-compressed CSV file per table (or a Parquet dataset per
// table, partitioned by day) and manifest.json, which
// says what each file holds (table, columns, time range, rows) and its
// SHA-256, so that a restore can verify a file before loading it.

import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '@ag/storage-core';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';

const archiveFileSchema = z.object({
  table: z.string(),
  /** Path relative to the archive directory (never absolute, never leaving it). */
  file: z.string().refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'file must stay inside the archive directory'),
  /** csv.gz: one file per table; parquet: one file per table, day and append (`<table>/date=YYYY-MM-DD/part-<n>.parquet`). */
  format: z.enum(['csv.gz', 'parquet']),
  columns: z.array(z.string()).min(1),
  /** Exports only: columns joined in beside the table's own so a file describes itself (metric_name, labels); never restored. */
  describingColumns: z.array(z.string()).optional(),
  /** Column the time range refers to (null for metric_series, which has none). */
  timeColumn: z.string().nullable(),
  /** Oldest and newest time in the file (ISO, millisecond precision; the data itself is exact). */
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Rows older than this were being removed when they were archived. */
  olderThan: z.string().nullable(),
  rowCount: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const archiveManifestSchema = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  /** partial while the pass is writing (and forever, if it died): the files hold what was removed so far. */
  status: z.enum(['partial', 'complete']),
  files: z.array(archiveFileSchema),
});

export type ArchiveFile = z.infer<typeof archiveFileSchema>;
export type ArchiveManifest = z.infer<typeof archiveManifestSchema>;

/** Writes the manifest atomically (a temporary file renamed over the old one). */
export async function writeManifest(directory: string, manifest: ArchiveManifest): Promise<void> {
  const target = path.join(directory, MANIFEST_FILE);
  const temporary = `${target}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, target);
}

/** Reads and validates a manifest, given the archive directory or the manifest file itself. */
export async function readManifest(archivePath: string): Promise<{ directory: string; manifest: ArchiveManifest }> {
  const file = archivePath.endsWith('.json') ? archivePath : path.join(archivePath, MANIFEST_FILE);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new StorageError(`cannot read archive manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new StorageError(`archive manifest ${file} is not JSON`, { cause: error });
  }
  const result = archiveManifestSchema.safeParse(parsed);
  if (!result.success) {
    throw new StorageError(`archive manifest ${file} is not valid: ${result.error.issues[0]?.message ?? 'unknown'}`);
  }
  return { directory: path.dirname(file), manifest: result.data };
}
