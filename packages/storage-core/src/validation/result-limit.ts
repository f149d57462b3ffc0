// The one rule for how many rows a read may return: a positive whole number,
// at most the configuration's query.max_results, which is also the default.
// Used as a zod schema by schema-validated queries and as a check by the others.

import { z } from 'zod';
import { ValidationError } from '../errors/storage-error.js';

const reason = (maxResults: number) => `must be at most query.max_results (${maxResults})`;

/** The optional `limit` of a query schema: positive, whole, at most maxResults. */
export function resultLimitSchema(maxResults: number) {
  return z.number().int().positive().max(maxResults, reason(maxResults)).optional();
}

/** The page size to use: `limit` (at most maxResults, else ValidationError naming `field`), or maxResults. */
export function checkedResultLimit(limit: number | undefined, maxResults: number, field = 'query.limit'): number {
  if (limit === undefined) return maxResults;
  if (!Number.isInteger(limit) || limit <= 0) throw new ValidationError(field, limit, 'must be a positive whole number');
  if (limit > maxResults) throw new ValidationError(field, limit, reason(maxResults));
  return limit;
}
