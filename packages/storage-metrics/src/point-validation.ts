// Validation and normalization of incoming metric points, written as plain
// checks rather than a schema parse; property tests pin it down. The ingest
// hot path runs the label checks once per new series (ingest/point-normalizer.ts
// caches their result); normalizePoint here validates everything every call. Any
// failure is a ValidationError naming the field (`points[3].labels.venue`)
// and the offending value; nothing partial is ever returned.

import { ValidationError, type StorageConfig } from '@ag/storage-core';
import type { MetricPointInput, NormalizedPoint } from './metric-point.js';

/** Metric and label names: a letter or underscore, then letters, digits, `_ . : -`. */
export const METRIC_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_.:-]*$/;
export const LABEL_NAME_PATTERN = METRIC_NAME_PATTERN;

/** Timestamps accepted: 1970-01-01 up to the end of year 9999 (UTC). */
export const MIN_TIMESTAMP_MS = Date.UTC(1970, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export interface MetricLimits {
  maxNameLength: number;
  maxLabelCount: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxLabelsSizeBytes: number;
}

export function metricLimitsFromConfig(ingestion: StorageConfig['ingestion']): MetricLimits {
  return {
    maxNameLength: ingestion.max_metric_name_length,
    maxLabelCount: ingestion.max_label_count,
    maxLabelNameLength: ingestion.max_label_name_length,
    maxLabelValueLength: ingestion.max_label_value_length,
    maxLabelsSizeBytes: ingestion.max_labels_size_bytes,
  };
}

// NUL cannot be stored in text or jsonb; lone surrogates are not valid in jsonb.
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text/jsonb, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  const match = UNSTORABLE_TEXT.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000' ? 'contains a NUL character' : 'contains an unpaired UTF-16 surrogate';
}

/** Checks a metric name; returns the reason it is invalid, or undefined. */
export function invalidMetricNameReason(name: unknown, limits: MetricLimits): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > limits.maxNameLength) return `must be at most ${limits.maxNameLength} characters`;
  if (!METRIC_NAME_PATTERN.test(name)) return `must match ${METRIC_NAME_PATTERN.source}`;
  return undefined;
}

/**
 * Validates labels and returns their canonical JSON (keys sorted, string
 * values). `field` is the path used in errors, e.g. `points[2].labels`.
 */
export function canonicalLabels(labels: unknown, limits: MetricLimits, field: string): string {
  if (labels === undefined) return '{}';
  if (!isLabelsObject(labels)) throw new ValidationError(field, labels, 'must be an object of string values');
  return validateLabels(labels as Record<string, unknown>, Object.keys(labels), limits, field);
}

/** Whether a value can be a labels object (a plain object, not an array or a Date). */
export function isLabelsObject(labels: unknown): labels is object {
  return labels !== null && typeof labels === 'object' && !Array.isArray(labels) && !(labels instanceof Date);
}

/**
 * Validates the entries `keys` of `labels` (sorting `keys` in place) and
 * returns the canonical JSON; throws a ValidationError naming the label.
 */
export function validateLabels(labels: Record<string, unknown>, keys: string[], limits: MetricLimits, field: string): string {
  if (keys.length === 0) return '{}';
  if (keys.length > limits.maxLabelCount) {
    throw new ValidationError(field, labels, `has ${keys.length} labels; at most ${limits.maxLabelCount} are allowed`);
  }
  keys.sort();
  // No prototype: a label named `__proto__` is data like any other, not a setter.
  const sorted: Record<string, string> = Object.create(null);
  for (const key of keys) {
    const value = labels[key];
    if (key.length > limits.maxLabelNameLength) {
      throw new ValidationError(`${field}.${key.slice(0, 40)}`, key, `label name must be at most ${limits.maxLabelNameLength} characters`);
    }
    if (!LABEL_NAME_PATTERN.test(key)) {
      throw new ValidationError(`${field}.${key}`, key, `label name must match ${LABEL_NAME_PATTERN.source}`);
    }
    if (typeof value !== 'string') throw new ValidationError(`${field}.${key}`, value, 'label value must be a string');
    if (value.length > limits.maxLabelValueLength) {
      throw new ValidationError(`${field}.${key}`, value, `label value must be at most ${limits.maxLabelValueLength} characters`);
    }
    const unstorable = unstorableTextReason(value);
    if (unstorable) throw new ValidationError(`${field}.${key}`, value, `label value ${unstorable}`);
    sorted[key] = value;
  }
  const json = JSON.stringify(sorted);
  // Cheap upper bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (json.length * 3 > limits.maxLabelsSizeBytes && Buffer.byteLength(json, 'utf8') > limits.maxLabelsSizeBytes) {
    throw new ValidationError(field, labels, `labels take more than ${limits.maxLabelsSizeBytes} bytes as JSON`);
  }
  return json;
}

/** Epoch milliseconds of a timestamp given as a Date or a number, or a ValidationError. */
export function timestampMs(timestamp: unknown, field: string, now: number): number {
  let ms: number;
  if (timestamp === undefined) return now;
  if (timestamp instanceof Date) ms = timestamp.getTime();
  else if (typeof timestamp === 'number') ms = timestamp;
  else throw new ValidationError(field, timestamp, 'must be a Date or epoch milliseconds');
  if (!Number.isFinite(ms)) throw new ValidationError(field, timestamp, 'is not a valid time');
  if (!Number.isInteger(ms)) throw new ValidationError(field, timestamp, 'epoch milliseconds must be an integer');
  if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) {
    throw new ValidationError(field, timestamp, 'must be between 1970-01-01 and 9999-12-31 (UTC)');
  }
  return ms;
}

/** Validates one point; `field` names it in errors (`points[3]`). */
export function normalizePoint(point: unknown, limits: MetricLimits, field: string, now: number): NormalizedPoint {
  if (point === null || typeof point !== 'object' || Array.isArray(point)) {
    throw new ValidationError(field, point, 'must be an object { name, value, timestamp?, labels? }');
  }
  const { name, value, timestamp, labels } = point as MetricPointInput;
  const nameProblem = invalidMetricNameReason(name, limits);
  if (nameProblem) throw new ValidationError(`${field}.name`, name, nameProblem);
  if (typeof value !== 'number') throw new ValidationError(`${field}.value`, value, 'must be a number');
  if (!Number.isFinite(value)) throw new ValidationError(`${field}.value`, value, 'must be a finite number');
  const timeMs = timestampMs(timestamp, `${field}.timestamp`, now);
  if (labels === undefined) return { name, labelsJson: '{}', seriesKey: `${name}\u0000{}`, timeMs, value };
  if (!isLabelsObject(labels)) throw new ValidationError(`${field}.labels`, labels, 'must be an object of string values');
  const labelsJson = validateLabels(labels as Record<string, unknown>, Object.keys(labels), limits, `${field}.labels`);
  return { name, labelsJson, seriesKey: `${name}\u0000${labelsJson}`, timeMs, value };
}

/** Validates a whole batch: every point or a ValidationError, never part of it. */
export function normalizeBatch(points: unknown, limits: MetricLimits, maxPoints: number): NormalizedPoint[] {
  if (!Array.isArray(points)) throw new ValidationError('points', points, 'must be an array of metric points');
  if (points.length > maxPoints) {
    throw new ValidationError('points', points, `a batch holds at most ${maxPoints} points (ingestion.max_batch_points)`);
  }
  const now = Date.now();
  const out = new Array<NormalizedPoint>(points.length);
  for (let i = 0; i < points.length; i += 1) out[i] = normalizePoint(points[i], limits, `points[${i}]`, now);
  return out;
}
