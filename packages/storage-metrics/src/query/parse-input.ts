// Turns a zod parse failure into the ValidationError every ag-storage API
// throws: the field path (`query.labels.venue`), the offending value, and
// zod's reason.

import { ValidationError } from '@ag/storage-core';
import type { z } from 'zod';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const keys = issue?.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path;
  let value: unknown = input;
  for (const key of keys) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  const name = keys.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), field);
  const reason = issue?.code === 'unrecognized_keys' ? 'unknown option' : (issue?.message ?? 'invalid');
  throw new ValidationError(name, value, reason);
}
