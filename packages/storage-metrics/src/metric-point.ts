// The shapes of metric points: what callers send (MetricPointInput), what
// queries return (MetricPoint), and the validated, normalized form the ingest
// path works on (NormalizedPoint).

/** One labelled observation, as queries return it. */
export interface MetricPoint {
  name: string;
  value: number;
  timestamp: Date;
  labels: Record<string, string>;
}

/** What insertMetric / bufferMetric accept: timestamp may be epoch milliseconds, and defaults to now. */
export interface MetricPointInput {
  name: string;
  value: number;
  timestamp?: Date | number;
  labels?: Record<string, string>;
}

/** A validated point: labels sorted and serialized, time in epoch milliseconds. */
export interface NormalizedPoint {
  name: string;
  /** Canonical labels JSON: keys sorted, string values. */
  labelsJson: string;
  /** name + NUL + labelsJson: identifies the series (NUL cannot occur in either). */
  seriesKey: string;
  timeMs: number;
  value: number;
  /**
   * The series this point belongs to, shared by every point of the series
   * that went through one PointNormalizer: its id is looked up once and then
   * read from here. Absent on points from elsewhere (the spool, normalizePoint).
   */
  series?: SeriesRef;
}

/** One series as the ingest path knows it: canonical identity, and its metric_series id once resolved (0 until then). */
export interface SeriesRef {
  readonly name: string;
  readonly labelsJson: string;
  readonly seriesKey: string;
  id: number;
}

/** What a write reports: points stored, and points that were already stored (or repeated in the batch). */
export interface WriteResult {
  inserted: number;
  duplicates: number;
}
