// What registerStrategy accepts: a strategy id, with a display name, a
// version and its parameters (any JSON object: how the bot was configured).

import { z } from 'zod';
import { nameField } from '../validation/field-schemas.js';
import { fleetIdField } from './fleet-ids.js';

export interface StrategyInput {
  id: string;
  /** Default: the id. */
  name?: string;
  version?: string | null;
  /** A JSON object; default {}. */
  parameters?: Record<string, unknown>;
}

/** At most this many bytes of parameters as JSON. */
export const MAX_PARAMETERS_BYTES = 64 * 1024;

/** Nesting deeper than this is refused (and never recursed into). */
const MAX_DEPTH = 32;

/** Whether a value is JSON as it will be stored: no undefined, functions, non-finite numbers or class instances. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isPlainJson(item, depth + 1));
}

const parametersField = z.unknown().superRefine((value, ctx) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON object', input: value });
  } else if (!isPlainJson(value, 0)) {
    ctx.addIssue({ code: 'custom', message: `must be plain JSON (strings, finite numbers, booleans, null, arrays and objects, nested at most ${MAX_DEPTH} deep)`, input: value });
  } else if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_PARAMETERS_BYTES) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_PARAMETERS_BYTES} bytes as JSON`, input: value });
  }
}).transform((value) => value as Record<string, unknown>);

export const strategyInputSchema = z.strictObject({
  id: fleetIdField,
  name: nameField.optional(),
  version: nameField.nullable().optional(),
  parameters: parametersField.optional(),
});

export type ParsedStrategy = z.output<typeof strategyInputSchema>;
