// The typed errors every ag-storage API throws. Each carries a stable `code`,
// whether retrying the same call may succeed (`retryable`), the PostgreSQL
// SQLSTATE when there was one, and the original error as `cause`.

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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'STORAGE';
    this.retryable = options.retryable ?? false;
    this.sqlState = options.sqlState;
    this.detail = options.detail;
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
    super(field, value, reason, { ...options, code: 'CONFIGURATION' });
    this.message = `Invalid configuration ${field} = ${describeValue(value)}: ${reason}`;
  }
}

/** The database could not be reached or dropped the connection. Retryable. */
export class ConnectionError extends StorageError {
  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, { code: 'CONNECTION', retryable: true, ...options });
  }
}

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

/** Renders a value for an error message: short, and never huge. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') {
    try {
      const text = JSON.stringify(value);
      return text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return 'object';
    }
  }
  return typeof value;
}
