// The series generation (migration 20261203200000_series_generation): one
// number that a statement trigger on metric_series advances whenever the set
// of series changes, and only then. Reads that remember which series a filter
// matched compare it instead of filtering metric_series again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';

describeEachEngine('series generation', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  const generation = async () => Number((await storage.query<{ generation: number }>('SELECT generation FROM ag_storage.series_generation'))[0]?.generation);
  const insertSeries = (name: string, labels: Record<string, string> = {}) =>
    storage.execute(`INSERT INTO metric_series (metric_name, labels) VALUES ($1, $2::jsonb) ON CONFLICT (metric_name, labels) DO NOTHING`, [name, JSON.stringify(labels)]);

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  describe('advances', () => {
    it('once per statement that adds series, however many it adds', async () => {
      const before = await generation();
      await storage.execute(`INSERT INTO metric_series (metric_name) SELECT 'gen.many.' || i FROM generate_series(1, 50) AS i`);
      expect(await generation()).toBe(before + 1);
      await insertSeries('gen.one');
      expect(await generation()).toBe(before + 2);
    });

    it('when a series is relabelled or deleted', async () => {
      await insertSeries('gen.change', { venue: 'a' });
      const before = await generation();
      await storage.execute(`UPDATE metric_series SET labels = '{"venue": "b"}' WHERE metric_name = 'gen.change'`);
      expect(await generation()).toBe(before + 1);
      await storage.execute(`DELETE FROM metric_series WHERE metric_name = 'gen.change'`);
      expect(await generation()).toBe(before + 2);
    });
  });

  describe('stays', () => {
    it('when an insert adds nothing (every series already there)', async () => {
      await insertSeries('gen.same', { venue: 'x' });
      const before = await generation();
      await insertSeries('gen.same', { venue: 'x' });
      expect(await generation()).toBe(before);
    });

    it('when a statement that would add a series fails (the trigger rolls back with it)', async () => {
      const before = await generation();
      await expect(storage.execute(`INSERT INTO metric_series (metric_name) VALUES ('gen.fail'), (NULL)`)).rejects.toThrow();
      expect(await generation()).toBe(before);
      expect(await storage.query(`SELECT 1 FROM metric_series WHERE metric_name = 'gen.fail'`)).toEqual([]);
    });

    it('is one row that cannot be duplicated', async () => {
      await expect(storage.execute(`INSERT INTO ag_storage.series_generation (generation) VALUES (99)`)).rejects.toThrow();
      expect(await storage.query(`SELECT count(*)::int AS n FROM ag_storage.series_generation`)).toEqual([{ n: 1 }]);
    });
  });
});
