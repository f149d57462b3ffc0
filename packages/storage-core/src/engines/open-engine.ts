// Chooses and opens the engine for a database URL:
//   pglite://memory           embedded, in memory
//   pglite://<dir>            embedded, on disk (relative to the working directory)
//   postgres(ql)://...        a PostgreSQL / TimescaleDB server
// With no URL at all, the embedded default pglite://./.data/ag-storage.

import type { StorageConfig } from '../config/config-schema.js';
import { ConfigurationError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import { redactUrl } from '../logging/redact.js';
import type { Engine } from './engine.js';
import { PGLITE_MEMORY, PGliteEngine } from './pglite.js';
import { PostgresEngine } from './postgres.js';

export const DEFAULT_DATABASE_URL = 'pglite://./.data/ag-storage';

/** The URL to use: explicit > database.url (DATABASE_URL) > database.host/... > embedded default. */
export function resolveDatabaseUrl(database: StorageConfig['database'], explicitUrl?: string): string {
  if (explicitUrl) return explicitUrl;
  if (database.url) return database.url;
  if (database.host) {
    const url = new URL('postgres://placeholder');
    url.hostname = database.host;
    url.port = String(database.port);
    // node-postgres decodes the path with decodeURI, which leaves %3F and %23 encoded: such names cannot travel in a URL.
    if (/[?#]/.test(database.database)) {
      throw new ConfigurationError('database.database', database.database, 'must not contain "?" or "#" (set database.url instead)');
    }
    url.pathname = `/${encodeURI(database.database)}`;
    url.username = encodeURIComponent(database.user);
    if (database.password) url.password = encodeURIComponent(database.password);
    return url.toString();
  }
  return DEFAULT_DATABASE_URL;
}

export type ParsedDatabaseUrl =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string };

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'pglite') {
    const rest = url.slice('pglite://'.length);
    if (rest === '' ) throw new ConfigurationError('database.url', redactUrl(url), 'pglite:// needs a directory or "memory"');
    return { kind: 'pglite', dataDir: rest === PGLITE_MEMORY || rest === `${PGLITE_MEMORY}/` ? PGLITE_MEMORY : rest };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!isParseableServerUrl(url)) {
      throw new ConfigurationError('database.url', redactUrl(url), 'not a valid URL (a bad port? special characters in the password must be percent-encoded)');
    }
    return { kind: 'postgres', url };
  }
  throw new ConfigurationError(
    'database.url',
    redactUrl(url),
    'expected postgres://..., postgresql://..., pglite://<dir> or pglite://memory',
  );
}

/** Whether node-postgres can parse the URL (it also accepts a host-less `user@/db` for a local socket). */
function isParseableServerUrl(url: string): boolean {
  for (const candidate of [url, url.replace('@/', '@placeholder/')]) {
    try {
      new URL(encodeURI(candidate).replace(/%25([0-9a-f]{2})/gi, '%$1'));
      return true;
    } catch {
      // try the next form
    }
  }
  return false;
}

/**
 * Checks, before anything is opened, that database.read_url can name a
 * replica of this primary: both must be servers (an embedded database has no
 * replicas).
 */
export function assertReplicaPossible(primaryUrl: string, readUrl: string): void {
  if (parseDatabaseUrl(readUrl).kind !== 'postgres') {
    throw new ConfigurationError('database.read_url', redactUrl(readUrl), 'a replica is a PostgreSQL server (postgres://...)');
  }
  if (parseDatabaseUrl(primaryUrl).kind !== 'postgres') {
    throw new ConfigurationError('database.read_url', redactUrl(readUrl), 'the embedded database has no replicas: set database.url to the primary server');
  }
}

/** The engine reads go to when database.read_url names a replica. */
export async function openReadEngine(readUrl: string, config: StorageConfig, logger: Logger): Promise<Engine> {
  return PostgresEngine.open({ url: readUrl, displayUrl: redactUrl(readUrl), database: config.database, logger });
}

export async function openEngine(url: string, config: StorageConfig, logger: Logger): Promise<Engine> {
  const parsed = parseDatabaseUrl(url);
  const displayUrl = redactUrl(url);
  if (parsed.kind === 'pglite') return PGliteEngine.open({ dataDir: parsed.dataDir, displayUrl });
  return PostgresEngine.open({ url: parsed.url, displayUrl, database: config.database, logger });
}
