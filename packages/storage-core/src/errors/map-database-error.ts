// Turns whatever a driver threw (node-postgres, PGlite, Prisma, a socket) into
// the matching StorageError subclass, keyed on the PostgreSQL SQLSTATE.

import { redactSecrets } from '../logging/redact.js';
import {
  ConnectionError,
  ConstraintError,
  PermissionError,
  PoolTimeoutError,
  QueryTimeoutError,
  StorageError,
  ValidationError,
} from './storage-error.js';

interface DriverErrorShape {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  constraint?: unknown;
  meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown } } };
  cause?: unknown;
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007', '08P01']);
const CONNECTION_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /connection (?:is )?closed/i,
  /client has encountered a connection error/i,
  /server closed the connection unexpectedly/i,
  /cannot use a pool after calling end/i,
];

/** pg-pool's message when every connection stayed busy for connectionTimeoutMillis. */
const POOL_TIMEOUT_MESSAGE = /timeout exceeded when trying to connect/i;
/** Node's TLS failures and node-postgres' TLS negotiation failures: retrying does not fix them. */
const TLS_ERROR_CODES = /^(?:ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_)/;
const TLS_MESSAGES = /server does not support SSL connections|error establishing an SSL connection|certificate|self[- ]signed|SSL routines/i;

/** Whether a connection failed because of TLS (no TLS on the server, an untrusted or mismatched certificate). */
export function isTlsFailure(error: unknown): boolean {
  const e = error as DriverErrorShape | null;
  if (!e || typeof e !== 'object' || sqlStateOf(error) !== undefined) return false;
  if (typeof e.code === 'string' && TLS_ERROR_CODES.test(e.code)) return true;
  return typeof e.message === 'string' && TLS_MESSAGES.test(e.message);
}

/** The SQLSTATE carried by a driver error, looking through Prisma's wrappers. */
export function sqlStateOf(error: unknown): string | undefined {
  const e = error as DriverErrorShape | null;
  if (!e || typeof e !== 'object') return undefined;
  const adapterCode = e.meta?.driverAdapterError?.cause?.originalCode;
  if (typeof adapterCode === 'string') return adapterCode;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (typeof e.meta?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.meta.code)) return e.meta.code;
  return undefined;
}

/** Maps a driver error to a StorageError; StorageErrors pass through unchanged. */
export function mapDatabaseError(error: unknown, context?: string): StorageError {
  if (error instanceof StorageError) return error;
  const e = (error ?? {}) as DriverErrorShape;
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const adapterMessage = e.meta?.driverAdapterError?.cause?.originalMessage;
  const message = redactSecrets(
    `${context ? `${context}: ` : ''}${typeof adapterMessage === 'string' ? adapterMessage : rawMessage}`,
  );
  const sqlState = sqlStateOf(error);
  const detail = typeof e.detail === 'string' ? redactSecrets(e.detail) : undefined;
  const base = { cause: error, sqlState, detail };
  const code = typeof e.code === 'string' ? e.code : undefined;

  if (sqlState === '57014') return new QueryTimeoutError(message, base);
  if (POOL_TIMEOUT_MESSAGE.test(rawMessage)) {
    return new PoolTimeoutError(
      `${message}: every connection stayed busy (raise database.max_connections or database.connection_timeout_sec, or hold connections for less time)`,
      base,
    );
  }
  if (isTlsFailure(error)) return new ConnectionError(message, { ...base, retryable: false });
  // 28000 / 28P01: the role does not exist or the password is wrong; retrying does not help.
  if (sqlState?.startsWith('28')) return new ConnectionError(message, { ...base, retryable: false });
  if (sqlState?.startsWith('23') || code === 'P2002' || code === 'P2003' || code === 'P2011') {
    const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
    return new ConstraintError(message, constraint === undefined ? base : { ...base, constraint });
  }
  if (
    (sqlState !== undefined && CONNECTION_SQLSTATES.has(sqlState)) ||
    (code !== undefined && (CONNECTION_ERRNOS.has(code) || CONNECTION_PRISMA_CODES.has(code))) ||
    CONNECTION_MESSAGES.some((pattern) => pattern.test(rawMessage))
  ) {
    return new ConnectionError(message, base);
  }
  if (sqlState === '42501') return new PermissionError(message, base);
  if (sqlState === '40001' || sqlState === '40P01') {
    return new StorageError(message, { ...base, code: 'SERIALIZATION', retryable: true });
  }
  if (sqlState === '22P02' || sqlState === '22003' || sqlState === '22007' || sqlState === '22008' || sqlState === '22023') {
    return new ValidationError('value', undefined, message, base);
  }
  return new StorageError(message, { ...base, code: 'QUERY', retryable: false });
}
