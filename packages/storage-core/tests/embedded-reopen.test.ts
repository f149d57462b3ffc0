// The embedded engine on disk: compressed chunks must read back whole after
// the database is closed and reopened (TimescaleDB is re-LOADed on open).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage } from '../src/index.js';

describe('embedded engine on disk', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-reopen-'));
  const url = `pglite://${dir}`;
  const quiet = { env: {}, config: { logging: { level: 'silent' as const } } };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns every row of compressed chunks after close and reopen', async () => {
    const first = await createStorage({ url, ...quiet, migrate: true });
    const rows = 20_000;
    await first.execute(`INSERT INTO metric_series (id, metric_name) VALUES (1, 'reopen.test')`);
    await first.execute(
      `INSERT INTO metric_points (time, series_id, value)
       SELECT now() - interval '30 days' + (g * interval '2 minutes'), 1, g FROM generate_series(1, $1::int) g`,
      [rows],
    );
    const compressed = await first.query<{ c: string }>(
      `SELECT compress_chunk(c, if_not_compressed => true) AS c FROM show_chunks('metric_points', older_than => interval '3 days') c`,
    );
    expect(compressed.length).toBeGreaterThan(10);
    const [stats] = await first.query<{ number_compressed_chunks: number }>(
      `SELECT number_compressed_chunks FROM hypertable_compression_stats('metric_points')`,
    );
    expect(stats?.number_compressed_chunks).toBe(compressed.length);
    const sumBefore = await first.query<{ n: number; s: number }>(`SELECT count(*)::int AS n, sum(value) AS s FROM metric_points`);
    await first.close();

    const second = await createStorage({ url, ...quiet });
    try {
      const sumAfter = await second.query<{ n: number; s: number }>(`SELECT count(*)::int AS n, sum(value) AS s FROM metric_points`);
      expect(sumAfter).toEqual(sumBefore);
      expect(sumAfter[0]?.n).toBe(rows);
      expect((await second.migrationStatus()).every((m) => m.state === 'applied')).toBe(true);
      expect(second.capabilities.timescale?.license).toBe('timescale');
    } finally {
      await second.close();
    }
  });
});
