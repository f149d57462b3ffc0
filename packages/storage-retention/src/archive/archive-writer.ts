// Writes the cold tier: rows about to be removed go to gzip-compressed CSV
// files under the archive directory before they are removed. Each append is
// its own gzip member, flushed to disk (fdatasync) before the caller removes
// the rows it holds, and the manifest is rewritten after every append, so a
// pass that dies half-way leaves a readable archive of what it removed.
// With format 'parquet' each table is a Hive-partitioned Parquet dataset
// instead (parquet-table-writer.ts), under the same manifest.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { StorageError, type Queryable } from '@ag/storage-core';
import { writeManifest, type ArchiveFile, type ArchiveManifest } from './archive-manifest.js';
import { openDuckSession, type DuckSession } from './duckdb-session.js';
import { ParquetTableWriter } from './parquet-table-writer.js';

export type ArchiveFormat = 'parquet' | 'csv.gz';

/** What a removal step writes its rows to before it removes them: one table of one archive. */
export interface ArchiveTableWriter {
  readonly tableName: string;
  readonly columns: string[];
  readonly timeColumn: string | null;
  olderThan: Date | null;
  readonly rowCount: number;
  /** Distinct values of the `collect` column seen so far (e.g. the series ids of metric_points). */
  readonly collected: Set<string>;
  /** Appends rows (text values keyed by column, plus the row time) and makes them durable before returning. */
  append(rows: ArchiveRow[], times?: Date[]): Promise<void>;
  describe(): ArchiveFile[];
  close(): Promise<void>;
}

/** A row as selected for archiving: every column as text (exact), null as null. */
export type ArchiveRow = Record<string, unknown>;

export class ArchiveWriter {
  private readonly tables = new Map<string, ArchiveTableWriter>();
  private readonly manifest: ArchiveManifest;
  private duck: Promise<DuckSession> | undefined;

  private constructor(
    readonly directory: string,
    createdAt: Date,
    readonly format: ArchiveFormat,
    private readonly db: Queryable | undefined,
  ) {
    this.manifest = { version: 1, createdAt: createdAt.toISOString(), status: 'partial', files: [] };
  }

  /** Creates `<root>/<UTC time>-<random>/`; fails (before anything is removed) when it cannot. */
  static async create(root: string, createdAt: Date, format: ArchiveFormat = 'csv.gz', db?: Queryable): Promise<ArchiveWriter> {
    if (format === 'parquet' && !db) throw new Error('a parquet archive needs the database to read column types from');
    const stamp = createdAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const directory = path.resolve(root, `${stamp}-${randomBytes(3).toString('hex')}`);
    try {
      await mkdir(directory, { recursive: true });
      await access(directory, constants.W_OK);
    } catch (error) {
      throw new StorageError(`archive directory ${directory} cannot be written: ${(error as Error).message}; nothing removed`, { cause: error });
    }
    return new ArchiveWriter(directory, createdAt, format, db);
  }

  /** The writer of one table's file (one per table and pass, appended to by every removal step). */
  table(table: string, columns: string[], timeColumn: string | null, olderThan: Date | null, collect?: string): ArchiveTableWriter {
    let writer = this.tables.get(table);
    if (!writer) {
      writer =
        this.format === 'parquet'
          ? new ParquetTableWriter(this.directory, table, columns, timeColumn, olderThan, () => this.save(), this.db as Queryable, () => this.session(), collect)
          : new CsvTableWriter(this.directory, table, columns, timeColumn, olderThan, () => this.save(), collect);
      this.tables.set(table, writer);
    } else if (olderThan && (!writer.olderThan || olderThan > writer.olderThan)) {
      writer.olderThan = olderThan;
    }
    return writer;
  }

  /** Rows archived so far, per table. */
  rowCounts(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([table, writer]) => [table, writer.rowCount]));
  }

  /**
   * Marks the archive complete. Returns the manifest, or null (and removes the
   * directory) when nothing was archived.
   */
  async finish(): Promise<{ directory: string; manifest: ArchiveManifest } | null> {
    for (const writer of this.tables.values()) await writer.close();
    if (this.duck) (await this.duck).close();
    this.duck = undefined;
    if (![...this.tables.values()].some((w) => w.rowCount > 0)) {
      await rm(this.directory, { recursive: true, force: true });
      return null;
    }
    this.manifest.status = 'complete';
    await this.save();
    return { directory: this.directory, manifest: this.manifest };
  }

  private session(): Promise<DuckSession> {
    this.duck ??= openDuckSession();
    return this.duck;
  }

  private async save(): Promise<void> {
    this.manifest.files = [...this.tables.values()].filter((w) => w.rowCount > 0).flatMap((w) => w.describe());
    await writeManifest(this.directory, this.manifest);
  }
}

/** One table of a csv.gz archive: one file, one gzip member per append. */
export class CsvTableWriter implements ArchiveTableWriter {
  rowCount = 0;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly file: string;
  private handle: Awaited<ReturnType<typeof open>> | undefined;
  private from: Date | null = null;
  private to: Date | null = null;
  readonly collected = new Set<string>();

  constructor(
    directory: string,
    readonly tableName: string,
    readonly columns: string[],
    readonly timeColumn: string | null,
    public olderThan: Date | null,
    private readonly saveManifest: () => Promise<void>,
    private readonly collect?: string,
  ) {
    this.file = path.join(directory, `${tableName}.csv.gz`);
  }

  /**
   * Appends rows (text values keyed by column; `times` are the rows' times as
   * Dates, for the manifest's range) and makes them durable before returning.
   */
  async append(rows: ArchiveRow[], times: Date[] = []): Promise<void> {
    if (rows.length === 0) return;
    const records = rows.map((row) => this.columns.map((column) => toCsvValue(row[column])));
    if (this.collect) for (const row of rows) this.collected.add(String(row[this.collect]));
    const text = stringify(this.rowCount === 0 && this.bytes === 0 ? [this.columns, ...records] : records, { quoted_string: true });
    const member = gzipSync(text);
    this.handle ??= await open(this.file, 'a');
    await this.handle.write(member);
    await this.handle.datasync();
    this.hash.update(member);
    this.bytes += member.length;
    this.rowCount += rows.length;
    for (const time of times) {
      if (!this.from || time < this.from) this.from = time;
      if (!this.to || time > this.to) this.to = time;
    }
    await this.saveManifest();
  }

  describe(): ArchiveFile[] {
    return [{
      table: this.tableName,
      file: path.basename(this.file),
      format: 'csv.gz',
      columns: this.columns,
      timeColumn: this.timeColumn,
      from: this.from?.toISOString() ?? null,
      to: this.to?.toISOString() ?? null,
      olderThan: this.olderThan?.toISOString() ?? null,
      rowCount: this.rowCount,
      bytes: this.bytes,
      sha256: this.hash.copy().digest('hex'),
    }];
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** CSV cell: strings are always quoted, so an unquoted empty cell is NULL and "" is the empty string. */
function toCsvValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}
