// Validation of events before they are stored: kind, source and message as
// storable text, a known severity, and a payload that survives a round trip
// through jsonb exactly (a plain JSON object; no NaN or Infinity, which JSON
// would silently turn into null; no NUL characters, which jsonb refuses).

import { ValidationError } from '@ag/storage-core';
import { z } from 'zod';
import { METRIC_NAME_PATTERN, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, unstorableTextReason } from '../point-validation.js';
import { parseInput } from '@ag/storage-core';

export const EVENT_SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/** Largest payload accepted, as JSON. */
export const MAX_EVENT_PAYLOAD_BYTES = 1_048_576;
export const MAX_EVENT_MESSAGE_LENGTH = 65_536;
/** Deepest nesting of arrays and objects in a payload (deeper ones overflow the stack of JSON tools). */
export const MAX_EVENT_PAYLOAD_DEPTH = 256;

export interface EventInput {
  /** What happened, e.g. 'risk.decision' (the metric name pattern). */
  kind: string;
  /** Who reported it, e.g. 'bot-1' or 'risk-engine'. */
  source: string;
  message: string;
  /** Default 'info'. */
  severity?: EventSeverity;
  /** Any JSON object. */
  payload?: Record<string, unknown>;
  /** Default now. */
  time?: Date | number;
}

export interface NormalizedEvent {
  time: Date;
  kind: string;
  severity: EventSeverity;
  source: string;
  message: string;
  payloadJson: string;
}

const storableText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((text, ctx) => {
      const reason = unstorableTextReason(text);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

const eventSchema = z
  .object({
    kind: z.string().min(1).max(200).regex(METRIC_NAME_PATTERN, `must match ${METRIC_NAME_PATTERN.source}`),
    source: storableText(200).pipe(z.string().min(1)),
    message: storableText(MAX_EVENT_MESSAGE_LENGTH),
    severity: z.enum(EVENT_SEVERITIES).default('info'),
    // Checked as a plain object and kept as given: z.record would copy it and
    // drop a `__proto__` key (the copy's assignment sets the prototype instead).
    payload: z
      .custom<Record<string, unknown>>((value) => isPlainObject(value), 'must be a plain JSON object')
      .default({}),
    time: z
      .union([z.date(), z.number().int()])
      .optional()
      .transform((t) => (t === undefined ? Date.now() : t instanceof Date ? t.getTime() : t))
      .refine((ms) => ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS, 'must be between 1970-01-01 and 9999-12-31 (UTC)'),
  })
  .strict();

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export function normalizeEvent(input: unknown, field: string): NormalizedEvent {
  const event = parseInput(eventSchema, input, field);
  return {
    time: new Date(event.time),
    kind: event.kind,
    severity: event.severity,
    source: event.source,
    message: event.message,
    payloadJson: payloadJson(event.payload, `${field}.payload`),
  };
}

/** The payload as JSON, refusing what jsonb would not store or would change. */
function payloadJson(payload: Record<string, unknown>, field: string): string {
  checkJsonValue(payload, field, new Set());
  const json = JSON.stringify(payload);
  if (Buffer.byteLength(json, 'utf8') > MAX_EVENT_PAYLOAD_BYTES) {
    throw new ValidationError(field, payload, `must be at most ${MAX_EVENT_PAYLOAD_BYTES} bytes as JSON`);
  }
  return json;
}

function checkJsonValue(value: unknown, field: string, ancestors: Set<object>): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(field, value, 'must be a finite number (JSON has no NaN or Infinity)');
    return;
  }
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    if (reason) throw new ValidationError(field, value, reason);
    return;
  }
  if (typeof value !== 'object') throw new ValidationError(field, value, `a ${typeof value} cannot be stored as JSON`);
  if (ancestors.has(value)) throw new ValidationError(field, value, 'is circular');
  if (ancestors.size >= MAX_EVENT_PAYLOAD_DEPTH) {
    throw new ValidationError(field, value, `nests arrays and objects more than ${MAX_EVENT_PAYLOAD_DEPTH} levels deep`);
  }
  if (value instanceof Date) throw new ValidationError(field, value, 'dates must be ISO strings or epoch numbers in a payload');
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
    throw new ValidationError(field, value, 'must be a plain object, an array or a JSON scalar');
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, `${field}[${i}]`, ancestors));
  } else {
    for (const [key, item] of Object.entries(value)) {
      const reason = unstorableTextReason(key);
      if (reason) throw new ValidationError(`${field}.${key}`, key, `key ${reason}`);
      if (item === undefined) throw new ValidationError(`${field}.${key}`, item, 'undefined cannot be stored as JSON (omit the key or use null)');
      checkJsonValue(item, `${field}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}
