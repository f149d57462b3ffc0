// Errors a command reports as a usage problem (exit code 2) rather than a
// failure (1): a bad option value, named as the option the user typed.

import { BadParameterError } from '@ag/api';

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

/** Turns a BadParameterError from the shared query parsers into a UsageError naming the option. */
export function asUsageError(error: unknown): unknown {
  if (error instanceof BadParameterError) return new UsageError(`invalid ${optionName(error.field)}: ${error.message.replace(/^[^:]+: /, '')}`);
  return error;
}
