// Direct writes on every engine: exact round trips, duplicates, series
// resolution, and every kind of bad input rejected whole with the data left
// untouched.

import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { StorageEngine, type MetricPointInput } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

const TRICKY_LABELS: Record<string, string> = {
  quote: `it's a "quoted" \\ value`,
  sql: "x'); DROP TABLE metric_points; --",
  unicode: 'ü日本語🚀 ñ',
  tabs: 'a\tb\nc\rd',
  long: 'L'.repeat(1024),
  empty: '',
};

describeEachEngine('ingest', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let metrics: StorageEngine;
  const pointCount = async () => Number((await storage.query<{ n: number }>('SELECT count(*) AS n FROM metric_points'))[0]?.n);
  const seriesCount = async () => Number((await storage.query<{ n: number }>('SELECT count(*) AS n FROM metric_series'))[0]?.n);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    metrics = new StorageEngine(storage);
  });
  afterAll(async () => {
    await metrics?.close();
    await storage?.close();
  });
  beforeEach(async () => {
    await storage.execute('TRUNCATE metric_points');
    await storage.execute('TRUNCATE metric_series RESTART IDENTITY');
    // The series cache must not outlive the rows it points to.
    await metrics.close();
    metrics = new StorageEngine(storage);
  });

  it('reads back every point exactly: value, time to the millisecond, and tricky labels', async () => {
    const values = [0, -0, 1.5, -2.25, Math.PI, 1e-300, -1.7976931348623157e308, 5e-324, 123456789.123456789, 2 ** 53 + 2];
    const points: MetricPointInput[] = values.map((value, i) => ({
      name: 'round.trip',
      value,
      timestamp: new Date(T0 + i * 1001 + 7),
      labels: { ...TRICKY_LABELS, i: String(i) },
    }));
    expect(await metrics.insertMetricsBatch(points)).toEqual({ inserted: values.length, duplicates: 0 });
    const read = await metrics.queryMetrics({ name: 'round.trip', start: T0, end: T0 + HOUR });
    expect(read).toHaveLength(values.length);
    read.forEach((point, i) => {
      expect(Object.is(point.value, values[i])).toBe(true);
      expect(point.timestamp.getTime()).toBe(T0 + i * 1001 + 7);
      expect(point.labels).toEqual({ ...TRICKY_LABELS, i: String(i) });
      expect(point.name).toBe('round.trip');
    });
  });

  it('keeps labels named like object internals (__proto__, constructor) as plain data', async () => {
    const labels = JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t"}') as Record<string, string>;
    await metrics.insertMetricsBatch([{ name: 'proto.labels', value: 1, timestamp: T0, labels }]);
    const [point] = await metrics.queryMetrics({ name: 'proto.labels', start: T0, end: T0 + HOUR });
    expect(Object.keys(point?.labels ?? {}).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.entries(point?.labels ?? {}).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['toString', 't']]);
    const [grouped] = await metrics.queryAggregated({
      name: 'proto.labels', start: T0, end: T0 + HOUR, bucket: '1h', aggregations: ['count'], groupBy: ['__proto__'],
    });
    expect(Object.keys(grouped?.labels ?? {})).toEqual(['__proto__']);
  });

  it('filters by a label named __proto__ instead of ignoring the filter', async () => {
    await metrics.insertMetricsBatch([
      { name: 'proto.filter', value: 1, timestamp: T0, labels: JSON.parse('{"__proto__": "a"}') as Record<string, string> },
      { name: 'proto.filter', value: 2, timestamp: T0, labels: JSON.parse('{"__proto__": "b"}') as Record<string, string> },
      { name: 'proto.filter', value: 3, timestamp: T0, labels: { other: 'c' } },
    ]);
    const filter = JSON.parse('{"__proto__": "b"}') as Record<string, string>;
    const range = await metrics.queryMetrics({ name: 'proto.filter', start: T0, end: T0 + HOUR, labels: filter });
    expect(range.map((p) => p.value)).toEqual([2]);
    const latest = await metrics.queryLatest({ name: 'proto.filter', labels: filter });
    expect(latest.map((p) => p.value)).toEqual([2]);
  });

  it('reads back exact values and times from a batch large enough to go through COPY', async () => {
    const special = [0, -0, 5e-324, -1.7976931348623157e308, Math.PI, 0.1 + 0.2, 2 ** 53 + 2, -123.456e-7];
    const points = Array.from({ length: 400 }, (_, i) => ({
      name: 'copy.exact',
      value: special[i % special.length] as number,
      timestamp: T0 + i * 999 + 1,
      labels: i % 2 ? TRICKY_LABELS : { plain: 'yes' },
    }));
    expect(await metrics.insertMetricsBatch(points)).toEqual({ inserted: 400, duplicates: 0 });
    const read = await metrics.queryMetrics({ name: 'copy.exact', start: T0, end: T0 + HOUR });
    expect(read).toHaveLength(400);
    read.forEach((point, i) => {
      expect(Object.is(point.value, points[i]?.value)).toBe(true);
      expect(point.timestamp.getTime()).toBe(points[i]?.timestamp);
      expect(point.labels).toEqual(points[i]?.labels);
    });
  });

  it('stores one point with insertMetric', async () => {
    expect(await metrics.insertMetric({ name: 'single', value: 42, timestamp: T0, labels: { a: 'b' } })).toEqual({ inserted: 1, duplicates: 0 });
    const [point] = await metrics.queryMetrics({ name: 'single', start: T0, end: T0 + 1 });
    expect(point).toEqual({ name: 'single', value: 42, timestamp: new Date(T0), labels: { a: 'b' } });
  });

  it('adds nothing when a batch is sent again, and reports the repeats as duplicates', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => ({ name: 'resend', value: i, timestamp: T0 + i * 1000, labels: { s: String(i % 7) } }));
    expect(await metrics.insertMetricsBatch(batch)).toEqual({ inserted: 500, duplicates: 0 });
    expect(await metrics.insertMetricsBatch(batch)).toEqual({ inserted: 0, duplicates: 500 });
    expect(await pointCount()).toBe(500);
  });

  it('stores only the new points of a partly re-sent batch, keeping the stored values', async () => {
    const first = Array.from({ length: 100 }, (_, i) => ({ name: 'partial', value: i, timestamp: T0 + i * 1000 }));
    await metrics.insertMetricsBatch(first);
    const overlapping = Array.from({ length: 100 }, (_, i) => ({ name: 'partial', value: -1, timestamp: T0 + (i + 60) * 1000 }));
    expect(await metrics.insertMetricsBatch(overlapping)).toEqual({ inserted: 60, duplicates: 40 });
    const read = await metrics.queryMetrics({ name: 'partial', start: T0, end: T0 + HOUR });
    expect(read.map((p) => p.value)).toEqual([...first.map((p) => p.value), ...Array(60).fill(-1)]);
  });

  it('keeps the first of two points with the same series and timestamp in one batch', async () => {
    const result = await metrics.insertMetricsBatch([
      { name: 'twice', value: 1, timestamp: T0, labels: { b: '2', a: '1' } },
      { name: 'twice', value: 2, timestamp: T0, labels: { a: '1', b: '2' } },
      { name: 'twice', value: 3, timestamp: T0 + 1 },
    ]);
    expect(result).toEqual({ inserted: 2, duplicates: 1 });
    const read = await metrics.queryMetrics({ name: 'twice', start: T0, end: T0 + 10, labels: { a: '1' } });
    expect(read.map((p) => p.value)).toEqual([1]);
  });

  it('handles repeats and re-sends the same way for batches large enough to go through COPY', async () => {
    const first = Array.from({ length: 1000 }, (_, i) => ({ name: 'copy.path', value: i, timestamp: T0 + i * 1000 }));
    const withRepeats = [...first, ...first.slice(0, 300).map((p) => ({ ...p, value: -1 }))];
    expect(await metrics.insertMetricsBatch(withRepeats)).toEqual({ inserted: 1000, duplicates: 300 });
    const overlapping = Array.from({ length: 1000 }, (_, i) => ({ name: 'copy.path', value: -2, timestamp: T0 + (i + 600) * 1000 }));
    expect(await metrics.insertMetricsBatch(overlapping)).toEqual({ inserted: 600, duplicates: 400 });
    const read = await metrics.queryMetrics({ name: 'copy.path', start: T0, end: T0 + 2 * HOUR });
    expect(read.map((p) => p.value)).toEqual([...first.map((p) => p.value), ...Array(600).fill(-2)]);
  });

  it('stores a COPY-size batch whose times go backwards within a series, with no duplicates', async () => {
    const descending = Array.from({ length: 600 }, (_, i) => ({ name: 'copy.backwards', value: i, timestamp: T0 + (600 - i) * 1000, labels: { s: String(i % 2) } }));
    expect(await metrics.insertMetricsBatch(descending)).toEqual({ inserted: 600, duplicates: 0 });
    const read = await metrics.queryMetrics({ name: 'copy.backwards', start: T0, end: T0 + HOUR });
    expect(read.map((p) => p.value).sort((a, b) => a - b)).toEqual(descending.map((p) => p.value));
  });

  it('treats label sets with the same pairs in another key order as one series', async () => {
    await metrics.insertMetricsBatch([
      { name: 'order', value: 1, timestamp: T0, labels: { x: '1', y: '2' } },
      { name: 'order', value: 2, timestamp: T0 + 1, labels: { y: '2', x: '1' } },
    ]);
    expect(await seriesCount()).toBe(1);
  });

  it('does nothing for an empty batch', async () => {
    expect(await metrics.insertMetricsBatch([])).toEqual({ inserted: 0, duplicates: 0 });
    expect(await pointCount()).toBe(0);
  });

  it('writes a large batch across many series in one call', async () => {
    const n = 60_000;
    const points = Array.from({ length: n }, (_, i) => ({ name: 'large', value: i, timestamp: T0 + Math.floor(i / 300) * 1000, labels: { s: String(i % 300) } }));
    expect(await metrics.insertMetricsBatch(points)).toEqual({ inserted: n, duplicates: 0 });
    const sums = await storage.query<{ n: number; total: number }>('SELECT count(*) AS n, sum(value) AS total FROM metric_points');
    expect(sums[0]).toEqual({ n, total: (n * (n - 1)) / 2 });
    expect(await seriesCount()).toBe(300);
  });

  it('refuses a batch larger than ingestion.max_batch_points and writes nothing', async () => {
    const small = new StorageEngine(storage, { ingestion: { max_batch_points: 100 } });
    const points = Array.from({ length: 101 }, (_, i) => ({ name: 'too.many', value: i, timestamp: T0 + i }));
    await expect(small.insertMetricsBatch(points)).rejects.toMatchObject({ name: 'ValidationError', field: 'points' });
    expect(await pointCount()).toBe(0);
    await small.close();
  });

  it('resolves the same new series from concurrent batches without failing', async () => {
    const batch = (offset: number) =>
      Array.from({ length: 200 }, (_, i) => ({ name: 'race', value: i, timestamp: T0 + offset + i, labels: { s: String(i % 50) } }));
    const others = [new StorageEngine(storage), new StorageEngine(storage), new StorageEngine(storage)];
    const results = await Promise.all(others.map((m, k) => m.insertMetricsBatch(batch(k * 1000))));
    expect(results.every((r) => r.inserted === 200)).toBe(true);
    expect(await seriesCount()).toBe(50);
    await Promise.all(others.map((m) => m.close()));
  });

  it('stays correct when the series cache is smaller than the number of series', async () => {
    const tiny = new StorageEngine(storage, { ingestion: { series_cache_size: 3 } });
    const points = Array.from({ length: 400 }, (_, i) => ({ name: 'evict', value: i, timestamp: T0 + i, labels: { s: String(i % 40) } }));
    await tiny.insertMetricsBatch(points);
    await tiny.insertMetricsBatch(points.map((p) => ({ ...p, timestamp: p.timestamp + 10_000 })));
    const perSeries = await storage.query<{ labels: { s: string }; n: number; total: number }>(
      `SELECT s.labels, count(*) AS n, sum(p.value) AS total FROM metric_points p JOIN metric_series s ON s.id = p.series_id GROUP BY s.labels`,
    );
    expect(perSeries).toHaveLength(40);
    for (const row of perSeries) {
      const k = Number(row.labels.s);
      const expected = points.filter((p) => p.value % 40 === k).reduce((sum, p) => sum + p.value, 0) * 2;
      expect([row.n, row.total]).toEqual([20, expected]);
    }
    expect(tiny.stats().seriesCacheSize).toBeLessThanOrEqual(3);
    await tiny.close();
  });

  it('counts written points and duplicates in stats()', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({ name: 'counted', value: i, timestamp: T0 + i }));
    await metrics.insertMetricsBatch(batch);
    await metrics.insertMetricsBatch(batch.slice(0, 4));
    expect(metrics.stats()).toMatchObject({ written: 10, duplicates: 4 });
  });

  const good = (i: number): MetricPointInput => ({ name: 'valid', value: i, timestamp: T0 + i, labels: { ok: 'yes' } });
  it.each<[string, unknown, string]>([
    ['NaN', { name: 'bad', value: Number.NaN }, 'points[2].value'],
    ['Infinity', { name: 'bad', value: Number.POSITIVE_INFINITY }, 'points[2].value'],
    ['-Infinity', { name: 'bad', value: Number.NEGATIVE_INFINITY }, 'points[2].value'],
    ['a string for a number', { name: 'bad', value: '12' }, 'points[2].value'],
    ['an empty name', { name: '', value: 1 }, 'points[2].name'],
    ['an invalid name', { name: 'bad name!', value: 1 }, 'points[2].name'],
    ['SQL as a name', { name: "a'; DELETE FROM metric_points; --", value: 1 }, 'points[2].name'],
    ['an invalid date', { name: 'bad', value: 1, timestamp: new Date(Number.NaN) }, 'points[2].timestamp'],
    ['an out-of-range timestamp', { name: 'bad', value: 1, timestamp: new Date('0099-01-01T00:00:00Z') }, 'points[2].timestamp'],
    ['a non-string label', { name: 'bad', value: 1, labels: { venue: 3 } }, 'points[2].labels.venue'],
    ['too many labels', { name: 'bad', value: 1, labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, 'v'])) }, 'points[2].labels'],
    ['a NUL in a label', { name: 'bad', value: 1, labels: { venue: '\u0000' } }, 'points[2].labels.venue'],
    ['a point that is not an object', 'cpu=1', 'points[2]'],
  ])('rejects a batch containing %s, naming the point, and writes nothing', async (_case, bad, field) => {
    await metrics.insertMetricsBatch([good(100), good(101)]);
    const before = { points: await pointCount(), series: await seriesCount() };
    const error = await metrics.insertMetricsBatch([good(0), good(1), bad as MetricPointInput, good(3)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect({ points: await pointCount(), series: await seriesCount() }).toEqual(before);
  });

  it('rejects a bad single point from insertMetric, naming the field', async () => {
    await expect(metrics.insertMetric({ name: 'x', value: Number.NaN })).rejects.toMatchObject({ field: 'point.value' });
    expect(await pointCount()).toBe(0);
  });

  it('rejects points that are not an array', async () => {
    await expect(metrics.insertMetricsBatch({ name: 'x', value: 1 } as never)).rejects.toMatchObject({ field: 'points' });
  });
});
