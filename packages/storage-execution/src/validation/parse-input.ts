// Runs a zod schema over caller input and turns the first problem into a
// ValidationError that names the field as a path (`orders[3].size`) and
// carries the offending value. Batches are checked whole before anything is
// written, so a rejected batch writes nothing.

import { ValidationError } from '@ag/storage-core';
import type { z } from 'zod';

/** The most items one batch call accepts; larger inputs must be split by the caller. */
export const MAX_BATCH_SIZE = 100_000;

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError(field, input, 'invalid');
  let path = issue.path;
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...issue.path, issue.keys[0] as string];
    throw new ValidationError(fieldPath(field, path), valueAt(input, path), 'unknown field');
  }
  throw new ValidationError(fieldPath(field, path), valueAt(input, path), issue.message);
}

/** Validates every item of a batch (all of them, before any is written). */
export function parseBatch<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S>[] {
  if (!Array.isArray(input)) throw new ValidationError(field, input, 'expected an array');
  if (input.length > MAX_BATCH_SIZE) {
    throw new ValidationError(field, input, `at most ${MAX_BATCH_SIZE} items per call (got ${input.length}); split the batch`);
  }
  return input.map((item, index) => parseInput(schema, item, `${field}[${index}]`));
}

export function fieldPath(field: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
    field,
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
