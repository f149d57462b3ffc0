// Runs a zod schema over caller input and turns the first problem into the
// ValidationError every ag-storage API throws: the field as a path
// (`orders[3].size`, `query.labels.venue`), the offending value, and the
// reason (an unrecognized key is an "unknown field"). Once for the library:
// the metrics, events and execution stores all parse their inputs here.

import type { z } from 'zod';
import { ValidationError } from '../errors/storage-error.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError(field, input, 'invalid');
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const path = [...issue.path, issue.keys[0] as string];
    throw new ValidationError(fieldPath(field, path), valueAt(input, path), 'unknown field');
  }
  throw new ValidationError(fieldPath(field, issue.path), valueAt(input, issue.path), issue.message);
}

/** `field` followed by `path`: `.key` for names, `[i]` for indexes. */
export function fieldPath(field: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`), field);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
