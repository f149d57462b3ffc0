// Reads prisma/migrations in Prisma's layout: one folder per migration named
// <timestamp>_<name>, holding migration.sql and (ours) down.sql. Checksums are
// what Prisma stores in _prisma_migrations: the SHA-256 hex of migration.sql.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from '../errors/storage-error.js';

export interface MigrationFile {
  /** Folder name, e.g. 20261123000100_init_tables (Prisma's migration_name). */
  name: string;
  sql: string;
  checksum: string;
  downSql: string | undefined;
  /** `-- ag-storage:no-transaction` at the top: run statement by statement, outside a transaction. */
  transactional: boolean;
  /** The same for down.sql (true when there is none). */
  downTransactional: boolean;
}

const NO_TRANSACTION_DIRECTIVE = /^\s*--\s*ag-storage:no-transaction\b/im;
const MIGRATION_DIR_NAME = /^\d{14}_[A-Za-z0-9_]+$/;

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Whether a file matches a recorded checksum. Like Prisma, a file whose only
 * change is its line endings (a checkout on Windows) still matches.
 */
export function checksumMatches(sql: string, recorded: string): boolean {
  if (checksumOf(sql) === recorded) return true;
  const lf = sql.replace(/\r\n/g, '\n');
  return checksumOf(lf) === recorded || checksumOf(lf.replace(/\n/g, '\r\n')) === recorded;
}

export function readMigrationFiles(directory: string): MigrationFile[] {
  if (!existsSync(directory)) throw new MigrationError(`migrations directory not found: ${directory}`);
  return readdirSync(directory)
    .filter((entry) => MIGRATION_DIR_NAME.test(entry) && statSync(path.join(directory, entry)).isDirectory())
    .sort()
    .map((name) => {
      const folder = path.join(directory, name);
      const upPath = path.join(folder, 'migration.sql');
      if (!existsSync(upPath)) throw new MigrationError(`migration ${name} has no migration.sql`, { migration: name });
      const sql = readFileSync(upPath, 'utf8');
      const downPath = path.join(folder, 'down.sql');
      const downSql = existsSync(downPath) ? readFileSync(downPath, 'utf8') : undefined;
      return {
        name,
        sql,
        checksum: checksumOf(sql),
        downSql,
        transactional: !NO_TRANSACTION_DIRECTIVE.test(sql),
        downTransactional: downSql === undefined || !NO_TRANSACTION_DIRECTIVE.test(downSql),
      };
    });
}

/**
 * Finds the migrations: the repo's prisma/migrations above this module (the
 * monorepo, always preferred so a stale packaged copy never wins), else the
 * migrations/ folder shipped next to a published build.
 */
export function defaultMigrationsDirectory(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  const found =
    findUpwards(start, path.join('prisma', 'migrations')) ?? findUpwards(start, 'migrations');
  if (found) return found;
  throw new MigrationError('cannot find the prisma/migrations directory; pass migrationsDir to createStorage()');
}

function findUpwards(start: string, relative: string): string | undefined {
  let dir = start;
  for (let depth = 0; depth < 10; depth += 1) {
    const candidate = path.join(dir, relative);
    if (existsSync(path.join(candidate, 'migration_lock.toml'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
