// The SQL views over the raw tables agree with an oracle computed from the
// rows, including across compressed chunks.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';

describeEachEngine('views', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    // 30 days of one snapshot a minute for four markets, sizes counting up, so
    // the newest snapshot of each market has the largest size.
    await storage.execute(
      `INSERT INTO positions (time, venue, market, size, realized_pnl)
       SELECT timestamptz '2026-10-01 00:00:00+00' + g * interval '1 minute', 'v', m, g, -g
         FROM generate_series(0, 43199) g, unnest(ARRAY['a', 'b', 'c', 'd']) m`,
    );
    if (storage.capabilities.compression) {
      await storage.query(`SELECT compress_chunk(c, true) FROM show_chunks('positions', older_than => timestamptz '2026-10-29') c`);
    }
  });
  afterAll(async () => storage?.close());

  it('latest_positions gives the newest snapshot of every market, compressed chunks included', async () => {
    const oracle = await storage.query<{ market: string; time: Date }>(
      `SELECT market, max(time) AS time FROM positions GROUP BY market ORDER BY market`,
    );
    expect(oracle).toHaveLength(4);
    const view = await storage.query<{ venue: string; market: string; time: Date; size: string; realized_pnl: string }>(
      `SELECT venue, market, time, size, realized_pnl FROM latest_positions ORDER BY market`,
    );
    expect(view.map((r) => [r.market, r.time.toISOString()])).toEqual(oracle.map((r) => [r.market, r.time.toISOString()]));
    expect(view.every((r) => Number(r.size) === 43199 && Number(r.realized_pnl) === -43199 && r.venue === 'v')).toBe(true);
  });

  it('latest_positions filters by venue and market', async () => {
    const rows = await storage.query<{ market: string }>(`SELECT market FROM latest_positions WHERE venue = $1 AND market = $2`, ['v', 'c']);
    expect(rows).toEqual([{ market: 'c' }]);
    expect(await storage.query(`SELECT * FROM latest_positions WHERE venue = 'nope'`)).toEqual([]);
  });
});
