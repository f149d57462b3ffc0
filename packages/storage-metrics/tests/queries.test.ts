// Reads on every engine: ranges, label filters, several metrics, order,
// limits and truncation, keyset streaming, latest values, series listings and
// the query cache; each checked against the points the test inserted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { StorageEngine, type MetricPoint, type MetricPointInput } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

interface Inserted {
  name: string;
  value: number;
  timestamp: number;
  labels: Record<string, string>;
}

const HOSTS = [
  { host: 'a', region: 'eu' },
  { host: 'b', region: 'eu' },
  { host: 'c', region: 'us' },
];

function generate(): Inserted[] {
  const points: Inserted[] = [];
  for (let i = 0; i < 720; i += 1) {
    HOSTS.forEach((labels, h) => points.push({ name: 'q.cpu', value: i * 10 + h, timestamp: T0 + i * 10_000, labels }));
    if (i % 2 === 0) points.push({ name: 'q.mem', value: -i, timestamp: T0 + i * 10_000 + 5, labels: { host: 'a', region: 'eu' } });
  }
  return points;
}

const key = (p: { name: string; labels: Record<string, string> }) => `${p.name} ${JSON.stringify(Object.entries(p.labels).sort())}`;
const asPoint = (p: Inserted): MetricPoint => ({ name: p.name, value: p.value, timestamp: new Date(p.timestamp), labels: p.labels });
const byTimeThenSeries = (a: MetricPoint, b: MetricPoint) => a.timestamp.getTime() - b.timestamp.getTime() || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describeEachEngine('queries', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let metrics: StorageEngine;
  const inserted = generate();
  const expected = (filter: (p: Inserted) => boolean) => inserted.filter(filter).map(asPoint);
  const sorted = (points: MetricPoint[]) => [...points].sort(byTimeThenSeries);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}), config: { query: { max_results: 1000, stream_page_size: 7 } } });
    metrics = new StorageEngine(storage);
    await metrics.insertMetricsBatch(inserted as MetricPointInput[]);
  });
  afterAll(async () => {
    await metrics?.close();
    await storage?.close();
  });

  describe('queryMetrics', () => {
    it('returns the points of [start, end): start included, end excluded', async () => {
      const start = T0 + 600_000;
      const end = T0 + 900_000;
      const points = await metrics.queryMetrics({ name: 'q.cpu', start: new Date(start), end: new Date(end), labels: { host: 'b' } });
      expect([...points]).toEqual(expected((p) => p.name === 'q.cpu' && p.labels.host === 'b' && p.timestamp >= start && p.timestamp < end));
      expect(points[0]?.timestamp.getTime()).toBe(start);
      expect(points.truncated).toBe(false);
    });

    it('filters on every given label', async () => {
      const points = await metrics.queryMetrics({ name: 'q.cpu', start: T0, end: T0 + 100_000, labels: { region: 'eu' } });
      expect(sorted(points)).toEqual(sorted(expected((p) => p.name === 'q.cpu' && p.labels.region === 'eu' && p.timestamp < T0 + 100_000)));
      expect(await metrics.queryMetrics({ name: 'q.cpu', start: T0, end: T0 + HOUR, labels: { region: 'eu', host: 'c' } })).toHaveLength(0);
    });

    it('reads several metrics at once, ordered by time', async () => {
      const end = T0 + 60_000;
      const points = await metrics.queryMetrics({ name: ['q.cpu', 'q.mem'], start: T0, end, labels: { host: 'a' } });
      expect(sorted(points)).toEqual(sorted(expected((p) => p.labels.host === 'a' && p.timestamp < end)));
      const times = points.map((p) => p.timestamp.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('returns newest first with order desc', async () => {
      const points = await metrics.queryMetrics({ name: 'q.mem', start: T0, end: T0 + HOUR, order: 'desc' });
      expect([...points]).toEqual(expected((p) => p.name === 'q.mem' && p.timestamp < T0 + HOUR).reverse());
    });

    it('stops at the limit and says the result was truncated', async () => {
      const all = expected((p) => p.name === 'q.mem');
      const points = await metrics.queryMetrics({ name: 'q.mem', start: T0, end: T0 + 2 * HOUR, limit: 10 });
      expect([[...points], points.truncated]).toEqual([all.slice(0, 10), true]);
      const exact = await metrics.queryMetrics({ name: 'q.mem', start: T0, end: T0 + 2 * HOUR, limit: all.length });
      expect([exact.length, exact.truncated]).toEqual([all.length, false]);
    });

    it('caps an unlimited query at query.max_results with the truncation flag', async () => {
      const points = await metrics.queryMetrics({ name: 'q.cpu', start: T0, end: T0 + 2 * HOUR });
      expect([points.length, points.truncated]).toEqual([1000, true]);
    });

    it('returns nothing for an unknown metric', async () => {
      expect(await metrics.queryMetrics({ name: 'no.such.metric', start: T0, end: T0 + HOUR })).toHaveLength(0);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a limit above max_results', { limit: 1001 }, 'query.limit'],
      ['a zero limit', { limit: 0 }, 'query.limit'],
      ['an end before the start', { start: T0 + 10, end: T0 }, 'query.end'],
      ['an invalid date', { start: new Date('garbage') }, 'query.start'],
      ['a string time', { start: '2026-11-01' }, 'query.start'],
      ['an invalid name', { name: "q'; DROP TABLE metric_points; --" }, 'query.name'],
      ['an empty name list', { name: [] }, 'query.name'],
      ['a non-string label filter', { labels: { host: 1 } }, 'query.labels.host'],
      ['an unknown order', { order: 'sideways' }, 'query.order'],
      ['an unknown field', { limti: 5 }, 'query.limti'],
    ])('refuses %s, naming it', async (_case, change, field) => {
      const error = await metrics.queryMetrics({ name: 'q.cpu', start: T0, end: T0 + HOUR, ...change } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    });
  });

  describe('streamMetrics', () => {
    const collect = async (iterable: AsyncIterable<MetricPoint>) => {
      const out: MetricPoint[] = [];
      for await (const point of iterable) out.push(point);
      return out;
    };

    it('streams a range larger than max_results, page by page, each point once', async () => {
      const streamed = await collect(metrics.streamMetrics({ name: ['q.cpu', 'q.mem'], start: T0, end: T0 + 2 * HOUR }));
      expect(streamed).toHaveLength(inserted.length);
      expect(sorted(streamed)).toEqual(sorted(inserted.map(asPoint)));
    });

    it('streams in descending order', async () => {
      const streamed = await collect(metrics.streamMetrics({ name: 'q.mem', start: T0, end: T0 + 2 * HOUR, order: 'desc' }));
      expect(streamed).toEqual(expected((p) => p.name === 'q.mem').reverse());
    });

    it('stops after an explicit limit', async () => {
      const streamed = await collect(metrics.streamMetrics({ name: 'q.mem', start: T0, end: T0 + 2 * HOUR, limit: 20 }));
      expect(streamed).toEqual(expected((p) => p.name === 'q.mem').slice(0, 20));
    });

    it('neither skips nor repeats points whose times differ below the millisecond', async () => {
      const [series] = await metrics.listSeries({ name: 'q.mem' });
      await storage.execute(
        `INSERT INTO metric_points (time, series_id, value)
         SELECT timestamptz '2026-11-03 00:00:00.000000+00' + g * interval '1 microsecond', $1, g FROM generate_series(1, 20) g`,
        [series?.id],
      );
      const start = Date.UTC(2026, 10, 3);
      const streamed = await collect(metrics.streamMetrics({ name: 'q.mem', start, end: start + 1 }));
      expect(streamed.map((p) => p.value)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('refuses a bad query when iteration starts', async () => {
      await expect(collect(metrics.streamMetrics({ name: 'q.mem', start: T0, end: T0 - 1 }))).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('queryLatest, listMetricNames, listSeries', () => {
    it('returns the newest point of each matching series', async () => {
      const latest = await metrics.queryLatest({ name: 'q.cpu', labels: { region: 'eu' } });
      const oracle = HOSTS.filter((h) => h.region === 'eu').map((labels) => {
        const mine = inserted.filter((p) => p.name === 'q.cpu' && p.labels.host === labels.host);
        return asPoint(mine.reduce((a, b) => (b.timestamp > a.timestamp ? b : a)));
      });
      expect(sorted(latest)).toEqual(sorted(oracle));
    });

    it('covers every series when no filter is given', async () => {
      const latest = await metrics.queryLatest();
      expect(latest.map(key).sort()).toEqual([...new Set(inserted.map(key))].sort());
    });

    it('lists metric names', async () => {
      expect(await metrics.listMetricNames()).toEqual(['q.cpu', 'q.mem']);
    });

    it('lists the series of a metric, filtered by labels', async () => {
      const series = await metrics.listSeries({ name: 'q.cpu', labels: { region: 'eu' } });
      expect(series.map((s) => s.labels).sort((a, b) => (a.host as string).localeCompare(b.host as string))).toEqual(
        HOSTS.filter((h) => h.region === 'eu'),
      );
      expect(series.every((s) => s.name === 'q.cpu' && Number.isInteger(s.id))).toBe(true);
    });
  });

  describe('query cache', () => {
    it('answers a repeated query from the cache and counts hits and misses', async () => {
      const cached = new StorageEngine(storage, { query: { enable_cache: true, cache_ttl_sec: 600 } });
      const query = { name: 'q.cpu', start: T0, end: T0 + 60_000 };
      const first = await cached.queryMetrics(query);
      const second = await cached.queryMetrics({ ...query, start: new Date(T0) });
      await cached.queryMetrics({ ...query, labels: { host: 'a' } });
      expect(second).toEqual(first);
      expect(cached.stats()).toMatchObject({ queryCacheHits: 1, queryCacheMisses: 2 });
      await cached.close();
    });

    it('is off by default', async () => {
      await metrics.queryLatest({ name: 'q.mem' });
      await metrics.queryLatest({ name: 'q.mem' });
      expect(metrics.stats()).toMatchObject({ queryCacheHits: 0, queryCacheMisses: 0 });
    });
  });

  // Last: these write points and series the tests above do not expect.
  describe('queryMetrics with remembered series', () => {
    it('includes a series that starts matching a filter after the filter was read (the remembered series are checked on every read)', async () => {
      const reader = new StorageEngine(storage);
      const filter = { name: 'q.late', labels: { region: 'ap' }, start: T0, end: T0 + HOUR };
      await reader.insertMetricsBatch([{ name: 'q.late', value: 1, timestamp: T0 + 1000, labels: { host: 'x', region: 'ap' } }]);
      expect((await reader.queryMetrics(filter)).map((p) => p.labels.host)).toEqual(['x']);
      await reader.insertMetricsBatch([{ name: 'q.late', value: 2, timestamp: T0 + 2000, labels: { host: 'y', region: 'ap' } }]);
      expect((await reader.queryMetrics(filter)).map((p) => [p.labels.host, p.value])).toEqual([['x', 1], ['y', 2]]);
      await reader.close();
    });

    it('returns an empty range of remembered series as empty, and their points once written', async () => {
      const reader = new StorageEngine(storage);
      const range = { name: 'q.cpu', labels: { host: 'a' }, start: T0 + 1000 * HOUR, end: T0 + 1001 * HOUR };
      await reader.queryMetrics({ ...range, start: T0, end: T0 + HOUR });
      expect(await reader.queryMetrics(range)).toHaveLength(0);
      await reader.insertMetricsBatch([{ name: 'q.cpu', value: 7, timestamp: range.start + 5, labels: { host: 'a', region: 'eu' } }]);
      expect((await reader.queryMetrics(range)).map((p) => p.value)).toEqual([7]);
      await reader.close();
    });
  });

  describe('queryLatest with remembered series', () => {
    it('includes a series that starts matching after the filter was read, and moves with each newer point', async () => {
      const reader = new StorageEngine(storage);
      await reader.insertMetricsBatch([{ name: 'q.latest', value: 1, timestamp: T0 + 1000, labels: { host: 'x' } }]);
      expect((await reader.queryLatest({ name: 'q.latest' })).map((p) => [p.labels.host, p.value])).toEqual([['x', 1]]);
      await reader.insertMetricsBatch([
        { name: 'q.latest', value: 2, timestamp: T0 + 2000, labels: { host: 'y' } },
        { name: 'q.latest', value: 3, timestamp: T0 + 3000, labels: { host: 'x' } },
      ]);
      const latest = await reader.queryLatest({ name: 'q.latest' });
      expect(latest.map((p) => [p.labels.host, p.value, p.timestamp.getTime()])).toEqual([['x', 3, T0 + 3000], ['y', 2, T0 + 2000]]);
      await reader.close();
    });

    it('orders by name then series, and a caller changing the labels it got does not change the next answer', async () => {
      const reader = new StorageEngine(storage);
      const first = await reader.queryLatest({ labels: { region: 'eu' } });
      const firstKeys = first.map(key);
      expect(first.map((p) => p.name)).toEqual([...first.map((p) => p.name)].sort());
      expect(new Set(first.map((p) => p.name)).size).toBeGreaterThan(1);
      (first[0] as { labels: Record<string, string> }).labels.region = 'changed';
      const second = await reader.queryLatest({ labels: { region: 'eu' } });
      expect(second.map(key)).toEqual(firstKeys);
      await reader.close();
    });

    it('leaves out a remembered series that another client relabelled so that it no longer matches, and includes the one it now matches', async () => {
      const reader = new StorageEngine(storage);
      await reader.insertMetricsBatch([
        { name: 'q.moved', value: 1, timestamp: T0 + 1000, labels: { desk: 'a' } },
        { name: 'q.moved', value: 2, timestamp: T0 + 1000, labels: { desk: 'b' } },
      ]);
      const filter = { name: 'q.moved', labels: { desk: 'a' } };
      const range = { ...filter, start: T0, end: T0 + HOUR };
      expect((await reader.queryLatest(filter)).map((p) => p.value)).toEqual([1]);
      expect((await reader.queryMetrics(range)).map((p) => p.value)).toEqual([1]);
      await storage.execute(`UPDATE metric_series SET labels = '{"desk": "c"}' WHERE metric_name = 'q.moved' AND labels = '{"desk": "a"}'`);
      await storage.execute(`UPDATE metric_series SET labels = '{"desk": "a"}' WHERE metric_name = 'q.moved' AND labels = '{"desk": "b"}'`);
      expect((await reader.queryLatest(filter)).map((p) => [p.value, p.labels.desk])).toEqual([[2, 'a']]);
      expect((await reader.queryMetrics(range)).map((p) => [p.value, p.labels.desk])).toEqual([[2, 'a']]);
      await reader.close();
    });

    it('truncates at max_results after ordering, the same on a remembered read', async () => {
      const reader = new StorageEngine(storage, { query: { max_results: 2 } });
      const all = await metrics.queryLatest();
      const once = await reader.queryLatest();
      const again = await reader.queryLatest();
      expect(once.map(key)).toEqual(all.slice(0, 2).map(key));
      expect(again.map(key)).toEqual(once.map(key));
      expect(once.truncated && again.truncated).toBe(true);
      await reader.close();
    });
  });
});
