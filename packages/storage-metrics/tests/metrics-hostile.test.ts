// Hostile input on every metric write API (issue #7), on every engine:
// insertMetric, insertMetricsBatch and bufferMetric get generated points
// whose fields are valid or nasty (wrong types, NaN/Infinity/-0, huge and
// tiny numbers, NUL bytes, lone surrogates, SQL, RTL, emoji, `__proto__`
// label keys, years 0 and 10000, invalid Dates). Each input is either stored
// and read back equal through queryMetrics (value, ms, labels), or refused
// with a ValidationError with the tables unchanged -- a batch with one bad
// point writes nothing.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { hostilePropertyParameters, HostileTally, validationErrorOf } from '@ag/storage-testing/generators';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, StorageEngine, type MetricPoint, type MetricPointInput } from '../src/index.js';
import { expectedReadBack, mostlyValidPointArb, pointArb, pointKey, validPointArb, type ReadBackPoint } from './support/hostile-points.js';

const RUNS = 150;

describeEachEngine('metrics under hostile input', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let metrics: StorageEngine;
  const tally = new HostileTally(`metrics [${engine}]`);

  const counts = async () =>
    (await storage.query<{ points: number; series: number }>(
      'SELECT (SELECT count(*) FROM metric_points)::int AS points, (SELECT count(*) FROM metric_series)::int AS series',
    ))[0];

  /** Every point of the named metrics, as plain read-back records. */
  const readBack = async (names: string[]): Promise<ReadBackPoint[]> => {
    if (names.length === 0) return [];
    const rows: MetricPoint[] = await metrics.queryMetrics({ name: [...new Set(names)], start: MIN_TIMESTAMP_MS, end: MAX_TIMESTAMP_MS + 1 });
    return rows.map((p) => ({ name: p.name, value: p.value, timeMs: p.timestamp.getTime(), labels: p.labels }));
  };


  const expectSame = (actual: ReadBackPoint[], expected: ReadBackPoint[]) => {
    const sort = (points: ReadBackPoint[]) => [...points].sort((a, b) => (pointKey(a) < pointKey(b) ? -1 : 1));
    const [a, e] = [sort(actual), sort(expected)];
    expect(a.map(pointKey)).toEqual(e.map(pointKey));
    a.forEach((point, i) => {
      expect(Object.is(point.value, e[i]?.value), `${point.value} vs ${e[i]?.value}`).toBe(true);
      expect(point.labels).toEqual(e[i]?.labels);
    });
  };

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    metrics = new StorageEngine(storage, { ingestion: { flush_interval_ms: 10 } });
  });
  afterAll(async () => {
    console.log(tally.report());
    await metrics?.close();
    await storage?.close();
  });

  /** Points are cleared before each run (series rows stay, so the series cache stays true). */
  const clearPoints = () => storage.execute('DELETE FROM metric_points');

  it('insertMetric: a point is stored and read back equal, or refused with a ValidationError writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(pointArb({ defaultTimestamp: true }), async (point) => {
        await clearPoints();
        const before = await counts();
        const t0 = Date.now();
        const error = await validationErrorOf(() => metrics.insertMetric(point as MetricPointInput));
        const t1 = Date.now();
        if (error) {
          tally.rejected('insertMetric');
          expect(await counts()).toEqual(before);
          return;
        }
        tally.stored('insertMetric');
        const input = point as MetricPointInput;
        const [stored, ...others] = await readBack([input.name]);
        expect(others).toEqual([]);
        const expected = expectedReadBack(input, stored?.timeMs ?? Number.NaN);
        if (input.timestamp === undefined) expect(stored?.timeMs).toSatisfy((ms: number) => ms >= t0 && ms <= t1);
        expectSame(stored ? [stored] : [], [expected]);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('insertMetricsBatch: all points stored (the first of repeats wins) and read back, or nothing written', async () => {
    const batchArb = fc.oneof(
      fc.array(pointArb({ defaultTimestamp: false }), { maxLength: 12 }),
      fc.array(mostlyValidPointArb, { maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(batchArb, async (batch) => {
        await clearPoints();
        const before = await counts();
        const error = await validationErrorOf(() => metrics.insertMetricsBatch(batch as MetricPointInput[]));
        if (error) {
          tally.rejected('insertMetricsBatch', batch.length);
          expect(error.field).toMatch(/^points\[\d+\]/);
          expect(await counts()).toEqual(before);
          return;
        }
        tally.stored('insertMetricsBatch', batch.length);
        const inputs = batch as MetricPointInput[];
        const expected = new Map<string, ReadBackPoint>();
        for (const input of inputs) {
          const point = expectedReadBack(input, Number.NaN);
          if (!expected.has(pointKey(point))) expected.set(pointKey(point), point);
        }
        expectSame(await readBack(inputs.map((p) => p.name)), [...expected.values()]);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('insertMetricsBatch: one bad point anywhere in a large batch writes nothing of it', async () => {
    const bad = fc.constantFrom<unknown>(
      { name: 'ok', value: Number.NaN },
      { name: 'ok', value: 1, labels: { venue: 'a\u0000b' } },
      { name: "x'; DROP TABLE metric_points; --", value: 1 },
      { name: 'ok', value: 1, timestamp: new Date('+010000-01-01T00:00:00Z') },
      { name: 'ok', value: 1, labels: { ['__proto__']: 5 } },
      null,
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 3000 }), fc.nat(), bad, async (size, at, badPoint) => {
        const points: unknown[] = Array.from({ length: size }, (_, i) => ({ name: 'hostile.large', value: i, timestamp: 1_000_000 + i, labels: { i: String(i % 7) } }));
        points.splice(at % (size + 1), 0, badPoint);
        const before = await counts();
        const error = await validationErrorOf(() => metrics.insertMetricsBatch(points as MetricPointInput[]));
        expect(error?.field).toMatch(new RegExp(`^points\\[${at % (size + 1)}\\]`));
        expect(await counts()).toEqual(before);
        tally.rejected('insertMetricsBatch (large, one bad)', points.length);
      }),
      hostilePropertyParameters(10),
    );
  });

  it('bufferMetric: an accepted point is flushed and read back equal; a refused one never enters the buffer', async () => {
    await fc.assert(
      fc.asyncProperty(pointArb({ defaultTimestamp: false }), async (point) => {
        await clearPoints();
        const before = await counts();
        const acceptedBefore = metrics.stats().accepted;
        const error = await validationErrorOf(() => metrics.bufferMetric(point as MetricPointInput));
        await metrics.flushBuffer();
        if (error) {
          tally.rejected('bufferMetric');
          expect(metrics.stats().accepted).toBe(acceptedBefore);
          expect(await counts()).toEqual(before);
          return;
        }
        tally.stored('bufferMetric');
        const input = point as MetricPointInput;
        expectSame(await readBack([input.name]), [expectedReadBack(input, Number.NaN)]);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('insertMetric: every valid point is stored and read back equal (never refused)', async () => {
    await fc.assert(
      fc.asyncProperty(validPointArb, async (point) => {
        await clearPoints();
        const error = await validationErrorOf(() => metrics.insertMetric(point));
        expect(error?.message ?? null).toBeNull();
        tally.stored('insertMetric (valid)');
        expectSame(await readBack([point.name]), [expectedReadBack(point, Number.NaN)]);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('insertMetricsBatch and bufferMetric: every batch of valid points is stored and read back equal', async () => {
    const batchArb = fc.uniqueArray(validPointArb, { maxLength: 40, selector: (p) => pointKey(expectedReadBack(p, Number.NaN)) });
    await fc.assert(
      fc.asyncProperty(batchArb, fc.boolean(), async (batch, buffered) => {
        await clearPoints();
        const write = buffered
          ? async () => {
              for (const point of batch) await metrics.bufferMetric(point);
              await metrics.flushBuffer();
            }
          : () => metrics.insertMetricsBatch(batch);
        const error = await validationErrorOf(write);
        expect(error?.message ?? null).toBeNull();
        tally.stored(buffered ? 'bufferMetric (valid)' : 'insertMetricsBatch (valid)', batch.length);
        expectSame(await readBack(batch.map((p) => p.name)), batch.map((p) => expectedReadBack(p, Number.NaN)));
      }),
      hostilePropertyParameters(RUNS / 3),
    );
  });
});
