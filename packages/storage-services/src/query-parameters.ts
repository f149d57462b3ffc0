// The query parameters the /api routes share, as zod schemas: times (ISO 8601
// with a zone, or epoch milliseconds), lists (comma-separated or repeated),
// label filters (a JSON object of strings), limits, numbers of seconds.
// parseParameters() turns the first problem into a BadParameterError naming
// the parameter.

import { z } from 'zod';
import { BadParameterError } from './bad-parameter-error.js';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A point in time: epoch milliseconds, or an ISO 8601 timestamp with a time zone. */
export const timeParameter = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value).trim();
  let ms: number;
  if (/^-?\d{1,16}$/.test(text)) ms = Number(text);
  else if (ISO_WITH_ZONE.test(text)) ms = Date.parse(text);
  else {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time with a zone (2026-11-23T10:00:00Z) or epoch milliseconds' });
    return z.NEVER;
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > 253_402_300_799_999) {
    ctx.addIssue({ code: 'custom', message: 'must be a valid time between 1970 and 9999' });
    return z.NEVER;
  }
  return new Date(ms);
});

/** A list: `a,b` or repeated parameters; each item trimmed, empty items refused. */
export function listParameter<T extends z.ZodType<unknown, string>>(item: T, max = 100) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()))
    .pipe(z.array(item).min(1).max(max));
}

/** Label equality filters: a JSON object of string values, e.g. {"venue":"binance"}. */
export const labelsParameter = z.union([z.string(), z.record(z.string(), z.string())]).transform((value, ctx): Record<string, string> => {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings, e.g. {"venue":"binance"}' });
    return z.NEVER;
  }
  // Checked by hand, not with z.record: that would drop a "__proto__" label silently.
  const entries = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.entries(parsed) : null;
  if (!entries || entries.some(([, v]) => typeof v !== 'string')) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object whose values are strings' });
    return z.NEVER;
  }
  return Object.fromEntries(entries) as Record<string, string>;
});

/** A positive whole number up to `max`. */
export function limitParameter(max: number) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const text = String(value).trim();
    const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to ${max}` });
      return z.NEVER;
    }
    return n;
  });
}

/** A number of seconds: greater than zero, at most a year (fractions allowed). */
export const secondsParameter = z.union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'required: a number of seconds' : 'expected a number of seconds') }).transform((value, ctx) => {
  const text = String(value).trim();
  const n = /^\d{1,9}(\.\d{1,6})?$/.test(text) ? Number(text) : Number.NaN;
  if (!(n > 0 && n <= 31_536_000)) {
    ctx.addIssue({ code: 'custom', message: 'must be a number of seconds greater than zero, at most a year (31536000)' });
    return z.NEVER;
  }
  return n;
});

/** A short name (venue, market, symbol, source...): 1-200 characters; anything else is data. */
export const nameParameter = z.string().min(1).max(200);

/** For routes that take no parameters: any parameter is a 400 naming it. */
export const noParameters = z.object({}).strict();

/** Parses request parameters; the first problem is a BadParameterError naming its parameter. */
export function parseParameters<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length
    ? issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('')
    : issue && 'keys' in issue
      ? String((issue.keys as string[])[0])
      : 'query';
  throw new BadParameterError(field, issue?.message ?? 'invalid');
}

/** [start, end) with defaults: end = now, start = end - defaultSpanMs; end must be after start. */
export function timeRange(defaultSpanMs: number) {
  return {
    start: timeParameter.optional(),
    end: timeParameter.optional(),
    resolve(query: { start?: Date | undefined; end?: Date | undefined }): { start: Date; end: Date } {
      const end = query.end ?? new Date();
      const start = query.start ?? new Date(end.getTime() - defaultSpanMs);
      if (start.getTime() >= end.getTime()) throw new BadParameterError('end', 'must be after start');
      return { start, end };
    },
  };
}
