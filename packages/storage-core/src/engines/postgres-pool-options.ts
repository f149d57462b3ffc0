// Builds the node-postgres Pool options from the database config and URL:
// pool limits, timeouts and TLS with libpq's sslmode meanings, whether the
// mode comes from `database.ssl` or from `?sslmode=` in the URL.

import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { StorageConfig } from '../config/config-schema.js';
import { ConfigurationError } from '../errors/storage-error.js';

export type SslMode = StorageConfig['database']['ssl']['mode'];

const SSL_MODES: readonly SslMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** URL parameters we read ourselves (node-postgres would give sslmode=require verify-full's meaning). */
const CONSUMED_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'];
/** URL parameters that would silently override the TLS settings: refused, with the key to use instead. */
const REFUSED_PARAMETERS = ['ssl', 'sslpassword', 'sslnegotiation', 'uselibpqcompat'];

export interface TlsSettings {
  mode: SslMode;
  /** Where the mode came from, for error messages. */
  modeKey: 'database.ssl.mode' | 'database.url sslmode';
  caFile?: string;
  caKey?: 'database.ssl.ca_file' | 'database.url sslrootcert';
  certFile?: string;
  keyFile?: string;
}

export interface PostgresPoolPlan {
  /** Options for `new pg.Pool` (without type parsers). */
  options: pg.PoolConfig;
  tls: TlsSettings;
}

/** The pool options for `url` and the `database` section; throws ConfigurationError for unusable TLS settings. */
export function buildPoolOptions(url: string, database: StorageConfig['database']): PostgresPoolPlan {
  const { connectionString, parameters } = takeTlsParameters(url);
  const tls = resolveTlsSettings(parameters, database.ssl);
  return {
    tls,
    options: {
      connectionString,
      max: database.max_connections,
      connectionTimeoutMillis: Math.round(database.connection_timeout_sec * 1000),
      idleTimeoutMillis: 30_000,
      application_name: 'ag-storage',
      ...(database.statement_timeout_ms > 0 ? { statement_timeout: database.statement_timeout_ms } : {}),
      ssl: tlsOptions(tls),
    },
  };
}

/** The same options without TLS: `prefer` falls back to them when the server has no TLS. */
export function withoutTls(options: pg.PoolConfig): pg.PoolConfig {
  return { ...options, ssl: false };
}

/**
 * node-postgres options for a mode, as libpq means it: `require` encrypts
 * without checking the certificate (unless a CA file is given: then as
 * verify-ca), `verify-ca` checks the chain, `verify-full` the chain and the
 * host name. Without a CA file, verification uses Node's bundled public CAs.
 */
export function tlsOptions(tls: TlsSettings): pg.PoolConfig['ssl'] {
  if (tls.mode === 'disable') return false;
  const client = {
    ...(tls.certFile ? { cert: readPemFile('database.url sslcert', tls.certFile, 'CERTIFICATE') } : {}),
    ...(tls.keyFile ? { key: readPemFile('database.url sslkey', tls.keyFile, 'PRIVATE KEY') } : {}),
  };
  if (tls.mode === 'prefer') return { rejectUnauthorized: false, ...client };
  const ca = tls.caFile ? readPemFile(tls.caKey ?? 'database.ssl.ca_file', tls.caFile, 'CERTIFICATE') : undefined;
  if (tls.mode === 'require' && !ca) return { rejectUnauthorized: false, ...client };
  const skipHostCheck = tls.mode === 'require' || tls.mode === 'verify-ca';
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    ...(skipHostCheck ? { checkServerIdentity: () => undefined } : {}),
    ...client,
  };
}

function resolveTlsSettings(parameters: URLSearchParams, ssl: StorageConfig['database']['ssl']): TlsSettings {
  const urlMode = parameters.get('sslmode');
  if (urlMode !== null && !SSL_MODES.includes(urlMode as SslMode)) {
    throw new ConfigurationError('database.url sslmode', urlMode, `expected one of ${SSL_MODES.join(', ')}`);
  }
  const urlCa = parameters.get('sslrootcert');
  const settings: TlsSettings = urlMode
    ? { mode: urlMode as SslMode, modeKey: 'database.url sslmode' }
    : { mode: ssl.mode, modeKey: 'database.ssl.mode' };
  if (urlCa) Object.assign(settings, { caFile: urlCa, caKey: 'database.url sslrootcert' });
  else if (ssl.ca_file) Object.assign(settings, { caFile: ssl.ca_file, caKey: 'database.ssl.ca_file' });
  const cert = parameters.get('sslcert');
  const key = parameters.get('sslkey');
  if (cert) settings.certFile = cert;
  if (key) settings.keyFile = key;
  return settings;
}

/** Splits the TLS parameters off the URL's query so that node-postgres does not reinterpret them. */
function takeTlsParameters(url: string): { connectionString: string; parameters: URLSearchParams } {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return { connectionString: url, parameters: new URLSearchParams() };
  const hashStart = url.indexOf('#', queryStart);
  const query = new URLSearchParams(url.slice(queryStart + 1, hashStart < 0 ? undefined : hashStart));
  for (const name of REFUSED_PARAMETERS) {
    if (query.has(name)) {
      throw new ConfigurationError(`database.url ${name}`, name === 'sslpassword' ? '***' : query.get(name), 'not supported: use sslmode / sslrootcert in the URL or database.ssl.mode / database.ssl.ca_file');
    }
  }
  const taken = new URLSearchParams();
  for (const name of CONSUMED_PARAMETERS) {
    const value = query.get(name);
    if (value !== null) taken.set(name, value);
    query.delete(name);
  }
  const rest = query.toString();
  const fragment = hashStart < 0 ? '' : url.slice(hashStart);
  return { connectionString: `${url.slice(0, queryStart)}${rest ? `?${rest}` : ''}${fragment}`, parameters: taken };
}

function readPemFile(key: string, file: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be read (${(error as Error).message})`;
    throw new ConfigurationError(key, file, reason, { cause: error });
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    throw new ConfigurationError(key, file, `not a PEM file (no "-----BEGIN ${kind}-----" block)`);
  }
  return text;
}
