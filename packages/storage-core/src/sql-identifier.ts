// Quoting of SQL identifiers, once for the whole library (core's rollups,
// retention, ...). Table and column names reach SQL only through these
// functions, after being checked against the catalog or a fixed list.

import { ValidationError } from './errors/storage-error.js';

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A caller-supplied table name: letters, digits and underscores only, else ValidationError. */
export function checkedTableName(field: string, name: unknown): string {
  if (typeof name !== 'string' || !PLAIN_IDENTIFIER.test(name)) {
    throw new ValidationError(field, name, 'must be a plain table name (letters, digits, underscores; at most 63)');
  }
  return name;
}
