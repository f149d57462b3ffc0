// Batches of the execution stores: every item is parsed (core's parseInput,
// which names the field as a path, `orders[3].size`) before anything is
// written, so a rejected batch writes nothing; and a batch has a size cap.

import { parseInput, ValidationError } from '@ag/storage-core';
import type { z } from 'zod';

export { parseInput };

/** The most items one batch call accepts; larger inputs must be split by the caller. */
export const MAX_BATCH_SIZE = 100_000;

/** Validates every item of a batch (all of them, before any is written). */
export function parseBatch<S extends z.ZodType>(schema: S, input: unknown, field: string): z.output<S>[] {
  if (!Array.isArray(input)) throw new ValidationError(field, input, 'expected an array');
  if (input.length > MAX_BATCH_SIZE) {
    throw new ValidationError(field, input, `at most ${MAX_BATCH_SIZE} items per call (got ${input.length}); split the batch`);
  }
  return input.map((item, index) => parseInput(schema, item, `${field}[${index}]`));
}
