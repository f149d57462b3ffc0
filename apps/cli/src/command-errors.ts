// Errors a command reports as a usage problem (exit code 2) rather than a
// failure (1): a bad option value, named as the option the user typed.

import { BadParameterError } from '@ag/storage-services';
import { ValidationError } from '@ag/storage-core';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `groupBy` -> `--group-by`, `name[0]` -> `--name`. */
export function optionName(field: string): string {
  const base = field.replace(/\[\d+\].*$/, '').split('.')[0] ?? field;
  return `--${base.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Turns a bad query parameter (a BadParameterError from the shared parsers,
 * or a store's ValidationError on `query.<field>`) into a UsageError naming
 * the option.
 */
export function asUsageError(error: unknown): unknown {
  if (error instanceof BadParameterError) return new UsageError(`invalid ${optionName(error.field)}: ${error.message.replace(/^[^:]+: /, '')}`);
  if (error instanceof ValidationError && /^query\./.test(error.field)) {
    return new UsageError(`invalid ${optionName(error.field.slice('query.'.length))}: ${error.message}`);
  }
  return error;
}

/** Runs a parameter parser, reporting what it refuses as a UsageError. */
export function parseOrUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw asUsageError(error);
  }
}
