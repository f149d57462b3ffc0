// The typed errors every ag-storage API throws. Each carries a stable `code`,
// whether retrying the same call may succeed (`retryable`), the PostgreSQL
// SQLSTATE when there was one, and the original error as `cause`. Messages,
// details and JSON never carry a credential (see logging/redact.ts).

import { REDACTED, isSecretKey, redactObject, redactSecrets } from '../logging/redact.js';

export type StorageErrorCode =
  | 'STORAGE'
  | 'VALIDATION'
  | 'CONFIGURATION'
  | 'CONNECTION'
  | 'CONSTRAINT'
  | 'QUERY_TIMEOUT'
  | 'MIGRATION'
  | 'BACKPRESSURE'
  | 'SERIALIZATION'
  | 'PERMISSION'
  | 'CLOSED'
  | 'QUERY';

export interface StorageErrorOptions {
  code?: StorageErrorCode;
  retryable?: boolean;
  cause?: unknown;
  sqlState?: string;
  detail?: string;
}

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly retryable: boolean;
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;

  constructor(message: string, options: StorageErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'STORAGE';
    this.retryable = options.retryable ?? false;
    this.sqlState = options.sqlState;
    this.detail = options.detail === undefined ? undefined : redactSecrets(options.detail);
  }

  /** What JSON.stringify shows: the fields above and the cause's name and message, all redacted. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause as { name?: unknown; message?: unknown; code?: unknown } | undefined;
    return {
      name: this.name,
      code: this.code,
      message: redactSecrets(this.message),
      retryable: this.retryable,
      ...(this.sqlState !== undefined ? { sqlState: this.sqlState } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(cause && typeof cause === 'object'
        ? {
            cause: {
              name: String(cause.name ?? 'Error'),
              message: redactSecrets(String(cause.message ?? '')),
              ...(typeof cause.code === 'string' ? { code: cause.code } : {}),
            },
          }
        : {}),
    };
  }
}

/** Bad input: names the offending field (a path such as `points[3].value`) and value. */
export class ValidationError extends StorageError {
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, reason: string, options: StorageErrorOptions = {}) {
    super(`Invalid ${field} (${describeValue(value)}): ${reason}`, { code: 'VALIDATION', ...options, retryable: false });
    this.field = field;
    this.value = value;
  }
}

/** A configuration key with a bad value; `field` is the dotted key. */
export class ConfigurationError extends ValidationError {
  constructor(field: string, value: unknown, reason: string, options: StorageErrorOptions = {}) {
    const shown = secretKeyValue(field, value);
    super(field, shown, reason, { ...options, code: 'CONFIGURATION' });
    this.message = redactSecrets(`Invalid configuration ${field} = ${describeValue(shown)}: ${reason}`);
  }
}

/** A configuration value as errors keep and show it: masked under a secret-looking key, URLs scrubbed. */
function secretKeyValue(field: string, value: unknown): unknown {
  const key = field.split(/[.\s]/).pop() ?? field;
  if (isSecretKey(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  return typeof value === 'string' ? redactSecrets(value) : value;
}

/** The database could not be reached or dropped the connection. Retryable. */
export class ConnectionError extends StorageError {
  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { code: 'CONNECTION', retryable: true, ...options });
  }
}

/**
 * Every pooled connection stayed busy for database.connection_timeout_sec
 * (database.max_connections of them). Retryable: connections free up.
 */
export class PoolTimeoutError extends ConnectionError {}

/** A unique, foreign-key, not-null or check constraint refused the write. */
export class ConstraintError extends StorageError {
  readonly constraint: string | undefined;

  constructor(message: string, options: StorageErrorOptions & { constraint?: string } = {}) {
    super(message, { code: 'CONSTRAINT', retryable: false, ...options });
    this.constraint = options.constraint;
  }
}

/** The database user lacks a privilege (SQLSTATE 42501); see the least-privilege roles in the README. */
export class PermissionError extends StorageError {
  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { code: 'PERMISSION', retryable: false, ...options });
  }
}

/** The statement was cancelled by statement_timeout or a cancel request. */
export class QueryTimeoutError extends StorageError {
  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { code: 'QUERY_TIMEOUT', retryable: true, ...options });
  }
}

/** A migration could not be applied, rolled back or verified. */
export class MigrationError extends StorageError {
  readonly migration: string | undefined;

  constructor(message: string, options: StorageErrorOptions & { migration?: string } = {}) {
    super(message, { code: 'MIGRATION', retryable: false, ...options });
    this.migration = options.migration;
  }
}

/** The ingest buffer stayed full longer than the caller agreed to wait. */
export class BackpressureError extends StorageError {
  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { code: 'BACKPRESSURE', retryable: true, ...options });
  }
}

/**
 * The handle (Storage, StorageEngine, ExecutionStore) was closed by the
 * application. Never retryable: no attempt on a closed handle can succeed,
 * so writers fail at once instead of backing off.
 */
export class ClosedError extends StorageError {
  constructor(what: string, options: Omit<StorageErrorOptions, 'code' | 'retryable'> = {}) {
    super(`${what} is closed`, { ...options, code: 'CLOSED', retryable: false });
  }
}

/** Renders a value for an error message: short, and never huge. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const text = redactSecrets(value);
    return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') {
    try {
      const text = JSON.stringify(redactObject(value));
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return 'object';
    }
  }
  return typeof value;
}
