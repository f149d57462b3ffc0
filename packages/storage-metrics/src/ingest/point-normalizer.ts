// The first step of every write: turns a caller's point into a
// NormalizedPoint, running label validation and canonicalization once per
// series rather than once per point. A bot's call site builds a new labels
// object on every call, so the cache is keyed by content, not by object: a
// trie of Maps walked with the metric name, then each label key and value in
// the object's own key order. Map keys compare by SameValueZero, so only the
// exact same strings reach a cached series (a number 1 is not "1", a value
// with a quote or SQL is just another key), and a path exists only once its
// labels passed validation. The same labels written in another key order are
// another path to the same SeriesRef. Walking allocates nothing but the key
// array (a miss reads the values again into a snapshot that is validated and
// cached); the cached series also carries its metric_series id once resolved.

import { ValidationError } from '@ag/storage-core';
import type { MetricPointInput, NormalizedPoint, SeriesRef } from '../metric-point.js';
import {
  invalidMetricNameReason,
  isLabelsObject,
  MAX_TIMESTAMP_MS,
  MIN_TIMESTAMP_MS,
  normalizePoint,
  validateLabels,
  type MetricLimits,
} from '../point-validation.js';

interface TrieNode {
  children: Map<unknown, TrieNode> | undefined;
  series: SeriesRef | undefined;
}

export interface NormalizerStats {
  /** Series known to the cache now. */
  cachedSeries: number;
  /** Points whose labels were validated (a series new to the cache). */
  labelValidations: number;
}

const newNode = (): TrieNode => ({ children: undefined, series: undefined });

export class PointNormalizer {
  private root: TrieNode = newNode();
  private size = 0;
  private validations = 0;

  /** `maxSeries` bounds the cache; past it, the cache starts over (points already normalized keep their SeriesRef). */
  constructor(
    private readonly limits: MetricLimits,
    private readonly maxSeries: number,
  ) {}

  /** Validates one point; `field` names it in errors (`points[3]`). */
  normalize(point: unknown, field: string, now: number): NormalizedPoint {
    if (point === null || typeof point !== 'object' || Array.isArray(point)) return refuse(point, this.limits, field, now);
    const { name, value, timestamp, labels } = point as MetricPointInput;
    // The common cases, checked without building field paths; anything else
    // goes to normalizePoint, so that every refusal is the one it gives.
    const timeMs = timestamp instanceof Date ? timestamp.getTime() : typeof timestamp === 'number' ? timestamp : timestamp === undefined ? now : Number.NaN;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      !Number.isInteger(timeMs) ||
      timeMs < MIN_TIMESTAMP_MS ||
      timeMs > MAX_TIMESTAMP_MS ||
      (labels !== undefined && !isLabelsObject(labels))
    ) {
      return refuse(point, this.limits, field, now);
    }
    const series = this.seriesOf(name, labels as object | undefined, field);
    return { name: series.name, labelsJson: series.labelsJson, seriesKey: series.seriesKey, timeMs, value, series };
  }

  /** Validates a whole batch: every point or a ValidationError, never part of it. */
  normalizeBatch(points: unknown, maxPoints: number): NormalizedPoint[] {
    if (!Array.isArray(points)) throw new ValidationError('points', points, 'must be an array of metric points');
    if (points.length > maxPoints) {
      throw new ValidationError('points', points, `a batch holds at most ${maxPoints} points (ingestion.max_batch_points)`);
    }
    const now = Date.now();
    const out = new Array<NormalizedPoint>(points.length);
    for (let i = 0; i < points.length; i += 1) out[i] = this.normalize(points[i], `points[${i}]`, now);
    return out;
  }

  stats(): NormalizerStats {
    return { cachedSeries: this.size, labelValidations: this.validations };
  }

  private seriesOf(name: unknown, labels: object | undefined, field: string): SeriesRef {
    let node = this.root.children?.get(name);
    if (labels === undefined) {
      if (node?.series) return node.series;
      return this.addSeries(name, EMPTY, EMPTY, field);
    }
    const keys = Object.keys(labels);
    for (let i = 0; i < keys.length && node; i += 1) {
      const key = keys[i] as string;
      node = node.children?.get(key)?.children?.get((labels as Record<string, unknown>)[key]);
    }
    if (node?.series) return node.series;
    // A miss: read every value once more into a snapshot, and validate and
    // cache exactly that (a getter cannot make the path differ from what was validated).
    const values = new Array<unknown>(keys.length);
    for (let i = 0; i < keys.length; i += 1) values[i] = (labels as Record<string, unknown>)[keys[i] as string];
    return this.addSeries(name, keys, values, field);
  }

  /** A series new to the cache: full validation of the values read, then a path to it. */
  private addSeries(name: unknown, keys: readonly string[], values: readonly unknown[], field: string): SeriesRef {
    const nameProblem = invalidMetricNameReason(name, this.limits);
    if (nameProblem) throw new ValidationError(`${field}.name`, name, nameProblem);
    // Validate exactly the values the walk read (a getter cannot change them in between).
    const snapshot: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < keys.length; i += 1) snapshot[keys[i] as string] = values[i];
    const labelsJson = keys.length === 0 ? '{}' : validateLabels(snapshot, [...keys], this.limits, `${field}.labels`);
    this.validations += 1;
    const metricName = name as string;
    const series: SeriesRef = { name: metricName, labelsJson, seriesKey: `${metricName}\u0000${labelsJson}`, id: 0 };
    if (this.size >= this.maxSeries) {
      this.root = newNode();
      this.size = 0;
    }
    let node = child(this.root, metricName);
    for (let i = 0; i < keys.length; i += 1) node = child(child(node, keys[i]), values[i]);
    node.series = series;
    this.size += 1;
    return series;
  }
}

const EMPTY: readonly never[] = [];

/** A point the fast checks did not pass: normalizePoint names what is wrong. */
function refuse(point: unknown, limits: MetricLimits, field: string, now: number): never {
  normalizePoint(point, limits, field, now);
  throw new ValidationError(field, point, 'is not a valid metric point');
}

function child(node: TrieNode, key: unknown): TrieNode {
  node.children ??= new Map();
  let next = node.children.get(key);
  if (!next) node.children.set(key, (next = newNode()));
  return next;
}
