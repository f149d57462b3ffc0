// queryAggregated on every engine: every aggregation equals an oracle the
// test computes from the points it inserted; group-by, several metrics, odd
// bucket widths and gap filling; and results read from metrics_hourly /
// metrics_daily equal the raw computation, including after late data, for
// ranges on and off bucket boundaries (whole buckets from the rollups, the
// partial edges from raw points). Where rollups can never be proven complete
// (rollupRoutingAvailable(capabilities) false: apache-only TimescaleDB) every
// answer is read from the raw points.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAllRollups, ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import fc from 'fast-check';
import { expectSameResults } from './support/expect-same-results.js';
import { AGGREGATIONS, StorageEngine, rollupRoutingAvailable, type AggregatedMetric, type AggregatedResult, type Aggregation, type AggregateQuery } from '../src/index.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 2);
const ORIGIN = Date.UTC(2000, 0, 3);
/** An hour with no points at all, for gap filling. */
const GAP = { start: T0 + 5 * HOUR, end: T0 + 6 * HOUR };

interface Row {
  name: string;
  venue: string;
  seriesId?: number;
  time: number;
  value: number;
}

/** Two days of points every 37 s for two venues (and a second metric); values are multiples of 0.25, so sums are exact. */
function generate(): Row[] {
  const rows: Row[] = [];
  for (let t = T0; t < T0 + 2 * DAY; t += 37_000) {
    if (t >= GAP.start && t < GAP.end) continue;
    const k = (t - T0) / 37_000;
    rows.push({ name: 'agg.price', venue: 'x', time: t, value: ((k * 7919) % 4001) / 4 - 300 });
    if (k % 3 !== 0) rows.push({ name: 'agg.price', venue: 'y', time: t, value: ((k * 104729) % 3001) / 4 });
    if (k % 5 === 0) rows.push({ name: 'agg.volume', venue: 'x', time: t, value: k % 17 });
  }
  return rows;
}

function percentileCont(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return lo === hi ? a : a + (pos - lo) * (b - a);
}

function oracleValue(rows: Row[], aggregation: Aggregation): number | null {
  const values = rows.map((r) => r.value);
  const sorted = [...values].sort((a, b) => a - b);
  const sum = values.reduce((a, b) => a + b, 0);
  const byTime = [...rows].sort((a, b) => a.time - b.time || (a.seriesId ?? 0) - (b.seriesId ?? 0));
  switch (aggregation) {
    case 'count': return rows.length;
    case 'sum': return sum;
    case 'avg': return sum / rows.length;
    case 'min': return sorted[0] as number;
    case 'max': return sorted[sorted.length - 1] as number;
    case 'stddev': {
      if (rows.length < 2) return null;
      const mean = sum / rows.length;
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (rows.length - 1));
    }
    case 'first': return (byTime[0] as Row).value;
    case 'last': return (byTime[byTime.length - 1] as Row).value;
    case 'p50': return percentileCont(sorted, 0.5);
    case 'p90': return percentileCont(sorted, 0.9);
    case 'p95': return percentileCont(sorted, 0.95);
    case 'p99': return percentileCont(sorted, 0.99);
  }
}

/** The expected result rows: per metric name, per group-by venue (when grouping), per bucket. */
function oracle(rows: Row[], q: { names: string[]; start: number; end: number; bucketMs: number; groupByVenue: boolean; aggregations: readonly Aggregation[] }) {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (!q.names.includes(r.name) || r.time < q.start || r.time >= q.end) continue;
    const bucket = ORIGIN + Math.floor((r.time - ORIGIN) / q.bucketMs) * q.bucketMs;
    const k = JSON.stringify([r.name, q.groupByVenue ? r.venue : null, bucket]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.entries()]
    .map(([k, members]) => {
      const [name, venue, bucket] = JSON.parse(k) as [string, string | null, number];
      const out: AggregatedMetric = { name, bucket: new Date(bucket), labels: venue === null ? {} : { venue } };
      for (const a of q.aggregations) out[a] = oracleValue(members, a);
      return out;
    })
    .sort((a, b) => a.name.localeCompare(b.name) || (a.labels.venue ?? '').localeCompare(b.labels.venue ?? '') || a.bucket.getTime() - b.bucket.getTime());
}


describeEachEngine('aggregates', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let metrics: StorageEngine;
  let raw: StorageEngine;
  const rows = generate();

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    metrics = new StorageEngine(storage);
    raw = new StorageEngine(storage, { query: { route_to_rollups: false } });
    await metrics.insertMetricsBatch(rows.map((r) => ({ name: r.name, value: r.value, timestamp: r.time, labels: { venue: r.venue } })));
    const series = await metrics.listSeries();
    for (const r of rows) r.seriesId = series.find((s) => s.name === r.name && s.labels.venue === r.venue)?.id as number;
  });
  afterAll(async () => {
    await metrics?.close();
    await raw?.close();
    await storage?.close();
  });

  describe('from the raw points', () => {
    it('computes every aggregation per group in 5-minute buckets', async () => {
      const q = { name: 'agg.price', start: T0, end: T0 + 6 * HOUR + 7 * 60_000, bucket: '5m', aggregations: [...AGGREGATIONS], groupBy: 'venue' };
      const result = await metrics.queryAggregated(q);
      expect(result.source).toBe('raw');
      expectSameResults(result, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: 300_000, groupByVenue: true, aggregations: AGGREGATIONS }));
    });

    it('aggregates all matching series together without groupBy (first/last break time ties by series)', async () => {
      const q = { name: 'agg.price', start: T0 + 3 * HOUR, end: T0 + 9 * HOUR, bucket: '1h', aggregations: [...AGGREGATIONS] };
      const result = await raw.queryAggregated(q);
      expectSameResults(result, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: HOUR, groupByVenue: false, aggregations: AGGREGATIONS }));
    });

    it('aligns odd bucket widths to 2000-01-03 00:00 UTC and handles several metrics', async () => {
      const aggregations: Aggregation[] = ['count', 'sum', 'max', 'last'];
      const q = { name: ['agg.price', 'agg.volume'], start: T0 + 1234, end: T0 + 4 * HOUR, bucket: '7m', aggregations, labels: { venue: 'x' } };
      const result = await metrics.queryAggregated(q);
      const expected = oracle(rows.filter((r) => r.venue === 'x'), { names: ['agg.price', 'agg.volume'], start: q.start, end: q.end, bucketMs: 7 * 60_000, groupByVenue: false, aggregations });
      expectSameResults(result, expected);
      expect(new Set(result.map((r) => r.name))).toEqual(new Set(['agg.price', 'agg.volume']));
    });

    it("fills empty buckets with count 0 and nulls ('null')", async () => {
      const result = await metrics.queryAggregated({ name: 'agg.price', start: T0 + 4 * HOUR, end: T0 + 7 * HOUR, bucket: '1h', aggregations: ['count', 'avg'], labels: { venue: 'x' }, fill: 'null' });
      expect(result.map((r) => [r.bucket.getTime() - T0, r.count === 0, r.avg === null])).toEqual([
        [4 * HOUR, false, false],
        [5 * HOUR, true, true],
        [6 * HOUR, false, false],
      ]);
    });

    it("carries the previous bucket's values into empty buckets ('previous')", async () => {
      const result = await metrics.queryAggregated({ name: 'agg.price', start: T0 + 4 * HOUR, end: T0 + 7 * HOUR, bucket: '30m', aggregations: ['count', 'max'], labels: { venue: 'x' }, fill: 'previous' });
      const before = oracle(rows.filter((r) => r.venue === 'x'), { names: ['agg.price'], start: T0 + 4.5 * HOUR, end: T0 + 5 * HOUR, bucketMs: 30 * 60_000, groupByVenue: false, aggregations: ['max'] })[0];
      expect(result).toHaveLength(6);
      expect(result.slice(2, 4).map((r) => [r.count, r.max])).toEqual([[0, before?.max], [0, before?.max]]);
    });

    it('returns nothing (and no error) for a metric without series', async () => {
      const result = await metrics.queryAggregated({ name: 'agg.none', start: T0, end: T0 + HOUR, bucket: '1m', aggregations: ['count'] });
      expect([result.length, result.source]).toEqual([0, 'raw']);
    });

    it('truncates at query.max_results', async () => {
      const small = new StorageEngine(storage, { query: { max_results: 10 } });
      const result = await small.queryAggregated({ name: 'agg.price', start: T0, end: T0 + DAY, bucket: '1m', aggregations: ['count'] });
      expect([result.length, result.truncated]).toEqual([10, true]);
      await small.close();
    });

    it.each<[string, Partial<AggregateQuery>, string]>([
      ['an unknown aggregation', { aggregations: ['median' as Aggregation] }, 'query.aggregations[0]'],
      ['no aggregation', { aggregations: [] }, 'query.aggregations'],
      ['a month bucket', { bucket: '1 month' }, 'query.bucket'],
      ['a zero bucket', { bucket: 0 }, 'query.bucket'],
      ['an unknown fill', { fill: 'linear' as never }, 'query.fill'],
      ['a group-by key with SQL', { groupBy: "venue'); DROP TABLE metric_points; --" }, 'query.groupBy'],
    ])('refuses %s, naming it', async (_case, change, field) => {
      const error = await metrics
        .queryAggregated({ name: 'agg.price', start: T0, end: T0 + HOUR, bucket: '1m', aggregations: ['count'], ...change })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    });
  });

  describe('from the rollups', () => {
    /** The source the routed query reports: `source` where rollups can be proven complete, raw elsewhere. */
    const compare = async (q: AggregateQuery, source: string, segments?: string[]) => {
      const routes = rollupRoutingAvailable(storage.capabilities);
      const routed = await metrics.queryAggregated(q);
      const direct = await raw.queryAggregated(q);
      expect(direct.source).toBe('raw');
      expect(routed.source).toBe(routes ? source : 'raw');
      if (segments) expect(sourcesOf(routed)).toEqual(routes ? segments : ['raw']);
      expectSameResults(routed, direct);
      return routed;
    };
    const sourcesOf = (result: AggregatedResult) => result.segments.map((s) => s.source);

    beforeAll(async () => {
      // An explicit end, so that the test does not depend on the machine's clock.
      await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', end: new Date(T0 + 3 * DAY) });
    });

    it('reads hourly rows as stored, every aggregation equal to the raw computation and the oracle', async () => {
      const q = { name: 'agg.price', start: T0, end: T0 + 2 * DAY, bucket: '1h', aggregations: [...AGGREGATIONS], groupBy: 'venue' };
      const routed = await compare(q, 'metrics_hourly');
      expectSameResults(routed, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: HOUR, groupByVenue: true, aggregations: AGGREGATIONS }));
    });

    it('reads daily rows for daily buckets; percentiles and stddev of a day from the raw points (the daily level does not hold them)', async () => {
      const mergeable: Aggregation[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'];
      await compare({ name: ['agg.price', 'agg.volume'], start: T0, end: T0 + 2 * DAY, bucket: '1d', aggregations: mergeable, groupBy: 'venue' }, 'metrics_daily', ['metrics_daily']);
      await compare({ name: ['agg.price', 'agg.volume'], start: T0, end: T0 + 2 * DAY, bucket: '1d', aggregations: [...AGGREGATIONS], groupBy: 'venue' }, 'raw', ['raw']);
    });

    it('combines hourly rows into wider buckets and across series for count, sum, avg, min and max', async () => {
      await compare({ name: 'agg.price', start: T0, end: T0 + 2 * DAY, bucket: '6h', aggregations: ['count', 'sum', 'avg', 'min', 'max'] }, 'metrics_hourly');
    });

    it('combines first and last only within one series', async () => {
      await compare({ name: 'agg.price', start: T0 + 2 * HOUR, end: T0 + 20 * HOUR, bucket: '3h', aggregations: ['first', 'last', 'count'], groupBy: 'venue' }, 'metrics_hourly');
      await compare({ name: 'agg.price', start: T0 + 2 * HOUR, end: T0 + 20 * HOUR, bucket: '3h', aggregations: ['first', 'count'] }, 'raw');
    });

    it('computes percentiles and stddev of wider buckets from the raw points', async () => {
      await compare({ name: 'agg.price', start: T0, end: T0 + DAY, bucket: '2h', aggregations: ['p99', 'stddev'], groupBy: 'venue' }, 'raw');
    });

    it('reads whole hours from the rollup and the partial edges from raw points when the range is not on bucket boundaries', async () => {
      const result = await compare(
        { name: 'agg.price', start: T0 + 60_000, end: T0 + DAY - 17_000, bucket: '1h', aggregations: ['count', 'avg', 'min', 'max', 'sum'], groupBy: 'venue' },
        'metrics_hourly',
        ['raw', 'metrics_hourly', 'raw'],
      );
      if (rollupRoutingAvailable(storage.capabilities)) {
        expect(result.segments.map((s) => [s.start.getTime() - T0, s.end.getTime() - T0])).toEqual([
          [60_000, HOUR],
          [HOUR, DAY - HOUR],
          [DAY - HOUR, DAY - 17_000],
        ]);
      }
    });

    it('reads percentiles and stddev of hourly buckets of one series from hourly rows, the partial edge buckets from raw points', async () => {
      await compare(
        { name: 'agg.price', start: T0 + 25 * 60_000, end: T0 + 20 * HOUR + 5 * 60_000, bucket: '1h', aggregations: [...AGGREGATIONS], groupBy: 'venue' },
        'metrics_hourly',
        ['raw', 'metrics_hourly', 'raw'],
      );
    });

    it('reads whole days from metrics_daily, the partial days from metrics_hourly and the partial hours from raw points', async () => {
      await compare(
        { name: 'agg.price', start: T0 + 3 * HOUR + 1234, end: T0 + DAY + DAY / 2 + 999, bucket: '1d', aggregations: ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'], groupBy: 'venue' },
        'metrics_hourly',
        ['raw', 'metrics_hourly', 'raw'],
      );
      const q: AggregateQuery = { name: ['agg.price', 'agg.volume'], start: T0 + 1234, end: T0 + 3 * DAY - 90 * 60_000, bucket: '1d', aggregations: ['count', 'sum', 'max', 'min', 'avg'] };
      await compare(q, 'metrics_daily', ['raw', 'metrics_hourly', 'metrics_daily', 'metrics_hourly', 'raw']);
    });

    it('merges across the series of a group only what combines exactly (first/last, percentiles: raw)', async () => {
      await compare({ name: 'agg.price', start: T0 + 1000, end: T0 + 5 * HOUR, bucket: '1h', aggregations: ['count', 'max'] }, 'metrics_hourly', ['raw', 'metrics_hourly']);
      await compare({ name: 'agg.price', start: T0 + 1000, end: T0 + 5 * HOUR, bucket: '1h', aggregations: ['count', 'last'] }, 'raw', ['raw']);
      await compare({ name: 'agg.price', start: T0 + 1000, end: T0 + 5 * HOUR, bucket: '1h', aggregations: ['p95'], groupBy: 'venue' }, 'metrics_hourly', ['raw', 'metrics_hourly']);
      await compare({ name: 'agg.price', start: T0 + 1000, end: T0 + 5 * HOUR - 1, bucket: '1h', aggregations: ['p95'], groupBy: 'venue' }, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
      await compare({ name: 'agg.price', start: T0 + 1000, end: T0 + 5 * HOUR, bucket: '2h', aggregations: ['p95'], groupBy: 'venue' }, 'raw', ['raw']);
    });

    const storedOf = (result: AggregatedResult) => result.segments.map((s) => `${s.source}${s.asStored ? ' as stored' : ''}`);

    it('reads hourly rows as stored for mergeable aggregations when each group is one series, the partial edges from raw points, across a gap', async () => {
      const aggregations: Aggregation[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'];
      const q = { name: 'agg.price', start: T0 + 17 * 60_000 + 3_000, end: T0 + 20 * HOUR + 41_000, bucket: '1h', aggregations, groupBy: 'venue' } satisfies AggregateQuery;
      const routed = await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
      if (rollupRoutingAvailable(storage.capabilities)) expect(storedOf(routed)).toEqual(['raw', 'metrics_hourly as stored', 'raw']);
      expectSameResults(routed, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: HOUR, groupByVenue: true, aggregations }));
      expect(routed.some((r) => r.bucket.getTime() === GAP.start)).toBe(false);
    });

    it('fills the gap of a stored-rows answer like the raw one', async () => {
      const q: AggregateQuery = { name: 'agg.price', start: T0 + 90_000, end: T0 + 9 * HOUR, bucket: '1h', aggregations: ['count', 'max', 'avg'], groupBy: 'venue', fill: 'null' };
      const routed = await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly']);
      expect(routed.filter((r) => r.bucket.getTime() === GAP.start).map((r) => [r.labels.venue, r.count, r.max])).toEqual([['x', 0, null], ['y', 0, null]]);
    });

    it('merges hourly rows (not as stored) when a group holds several series', async () => {
      const q = { name: 'agg.price', start: T0 + 17 * 60_000, end: T0 + 20 * HOUR + 41_000, bucket: '1h', aggregations: ['count', 'sum', 'avg', 'min', 'max'] } satisfies AggregateQuery;
      const routed = await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
      expect(routed.segments.some((s) => s.asStored)).toBe(false);
      expectSameResults(routed, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: HOUR, groupByVenue: false, aggregations: ['count', 'sum', 'avg', 'min', 'max'] }));
    });

    it('reads daily rows as stored for daily buckets of one series per group, the partial days merged from hourly rows and raw points', async () => {
      const aggregations: Aggregation[] = ['count', 'sum', 'avg', 'min', 'max', 'first', 'last'];
      const q = { name: 'agg.price', start: T0 + 1234, end: T0 + 3 * DAY - 90 * 60_000, bucket: '1d', aggregations, groupBy: 'venue' } satisfies AggregateQuery;
      const routed = await compare(q, 'metrics_daily', ['raw', 'metrics_hourly', 'metrics_daily', 'metrics_hourly', 'raw']);
      if (rollupRoutingAvailable(storage.capabilities)) expect(storedOf(routed)).toEqual(['raw', 'metrics_hourly', 'metrics_daily as stored', 'metrics_hourly', 'raw']);
      expectSameResults(routed, oracle(rows, { names: ['agg.price'], start: q.start, end: q.end, bucketMs: DAY, groupByVenue: true, aggregations }));
    });

    it('cuts a stored-rows answer at query.max_results in (group, bucket) order', async () => {
      const small = new StorageEngine(storage, { query: { max_results: 30 } });
      const q: AggregateQuery = { name: 'agg.price', start: T0 + 60_000, end: T0 + DAY, bucket: '1h', aggregations: ['count', 'max'], groupBy: 'venue' };
      const cut = await small.queryAggregated(q);
      expect([cut.length, cut.truncated]).toEqual([30, true]);
      expectSameResults(cut, (await raw.queryAggregated(q)).slice(0, 30));
      await small.close();
    });

    it('answers any range as the raw points do (property: random edges, widths and aggregations)', async () => {
      const widths = ['1h', '2h', '6h', '1d'];
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 2 * DAY - 1 }),
          fc.integer({ min: 1, max: 2 * DAY }),
          fc.constantFrom(...widths),
          fc.subarray([...AGGREGATIONS], { minLength: 1 }),
          fc.boolean(),
          async (startOffset, length, bucket, aggregations, grouped) => {
            const q: AggregateQuery = { name: 'agg.price', start: T0 + startOffset, end: Math.min(T0 + 2 * DAY, T0 + startOffset + length), bucket, aggregations, ...(grouped ? { groupBy: 'venue' } : {}) };
            const routed = await metrics.queryAggregated(q);
            expectSameResults(routed, await raw.queryAggregated(q));
            const covered = routed.segments.map((s) => [s.start.getTime(), s.end.getTime()]);
            expect(covered[0]?.[0]).toBe(T0 + startOffset);
            expect(covered[covered.length - 1]?.[1]).toBe(new Date(q.end).getTime());
            covered.slice(1).forEach(([from], i) => expect(from).toBe(covered[i]?.[1]));
          },
        ),
        { numRuns: 25 },
      );
    });

    it('reads data beyond the last refresh from the continuous aggregate in real time, or raw from a rollup table', async () => {
      const future = T0 + 10 * DAY;
      await metrics.insertMetricsBatch(
        Array.from({ length: 400 }, (_, i) => ({ name: 'agg.future', value: i % 13, timestamp: future + i * 60_000, labels: { venue: 'z' } })),
      );
      const q: AggregateQuery = { name: 'agg.future', start: future, end: future + DAY, bucket: '1h', aggregations: ['count', 'sum', 'max', 'p90'] };
      const routed = await compare(q, storage.capabilities.continuousAggregates ? 'metrics_hourly' : 'raw');
      // Past the refresh: an unaligned range keeps reading raw points from a rollup table too.
      await compare({ ...q, start: future + 1, end: future + DAY - 1 }, storage.capabilities.continuousAggregates ? 'metrics_hourly' : 'raw');
      expect(routed.reduce((n, r) => n + (r.count ?? 0), 0)).toBe(400);
    });

    it('falls back to the raw points after stored points change, and reads the rollup again once refreshed', async () => {
      await storage.execute(`UPDATE metric_points SET value = value + 1000 WHERE time >= $1 AND time < $2`, [new Date(T0 + 30 * HOUR), new Date(T0 + 31 * HOUR)]);
      const q: AggregateQuery = { name: 'agg.price', start: T0 + DAY, end: T0 + 2 * DAY, bucket: '1h', aggregations: ['count', 'sum', 'max'], groupBy: 'venue' };
      await compare(q, 'raw');
      await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', start: new Date(T0 + DAY), end: new Date(T0 + 2 * DAY) });
      await compare(q, 'metrics_hourly');
    });

    it('falls back to the raw points after late data, and reads the rollup again once refreshed', async () => {
      // 300 points: large enough to be written with COPY.
      const late = Array.from({ length: 300 }, (_, i) => ({ name: 'agg.price', value: 1_000_000 - i, timestamp: T0 + 3 * HOUR + 1 + i * 10, labels: { venue: 'x' } }));
      expect(await metrics.insertMetricsBatch(late)).toEqual({ inserted: 300, duplicates: 0 });
      const q: AggregateQuery = { name: 'agg.price', start: T0, end: T0 + DAY, bucket: '1h', aggregations: ['count', 'max', 'p50'], groupBy: 'venue' };
      const stale = await compare(q, 'raw');
      expect(stale.find((r) => r.labels.venue === 'x' && r.bucket.getTime() === T0 + 3 * HOUR)?.max).toBe(1_000_000);
      await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', start: new Date(T0), end: new Date(T0 + DAY) });
      await compare(q, 'metrics_hourly');
    });

    it('reads a late point at a partial edge from the raw points, and a late point in a whole bucket only after a refresh', async () => {
      const q: AggregateQuery = { name: 'agg.price', start: T0 + 7 * HOUR + 30 * 60_000, end: T0 + 12 * HOUR + 10 * 60_000, bucket: '1h', aggregations: ['count', 'max', 'sum'], groupBy: 'venue' };
      await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
      // In the left edge [07:30, 08:00): raw points, so the rollup stays usable.
      await metrics.insertMetric({ name: 'agg.price', value: 2_000_000, timestamp: T0 + 7 * HOUR + 45 * 60_000 + 3, labels: { venue: 'y' } });
      const edge = await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
      expect(edge.find((r) => r.labels.venue === 'y' && r.bucket.getTime() === T0 + 7 * HOUR)?.max).toBe(2_000_000);
      // In a whole bucket [09:00, 10:00): the hourly rollup is stale there until refreshed.
      await metrics.insertMetric({ name: 'agg.price', value: 3_000_000, timestamp: T0 + 9 * HOUR + 11, labels: { venue: 'y' } });
      const stale = await compare(q, 'raw', ['raw']);
      expect(stale.find((r) => r.labels.venue === 'y' && r.bucket.getTime() === T0 + 9 * HOUR)?.max).toBe(3_000_000);
      await refreshAllRollups(storage.engine, { sourceTable: 'metric_points', start: new Date(T0), end: new Date(T0 + DAY) });
      await compare(q, 'metrics_hourly', ['raw', 'metrics_hourly', 'raw']);
    });

    it('includes a series that starts matching a filter after the filter was read', async () => {
      const q: AggregateQuery = { name: 'agg.remembered', start: T0, end: T0 + HOUR, bucket: '1h', aggregations: ['count'], groupBy: 'venue' };
      await metrics.insertMetricsBatch([{ name: 'agg.remembered', value: 1, timestamp: T0 + 1, labels: { venue: 'a' } }]);
      expect((await metrics.queryAggregated(q)).map((r) => [r.labels.venue, r.count])).toEqual([['a', 1]]);
      await metrics.insertMetricsBatch([{ name: 'agg.remembered', value: 2, timestamp: T0 + 2, labels: { venue: 'b' } }]);
      expect((await metrics.queryAggregated(q)).map((r) => [r.labels.venue, r.count])).toEqual([['a', 1], ['b', 1]]);
    });
  });
});
