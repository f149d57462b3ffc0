// Which rollup buckets a write to metric_points marks as changed, where the
// metrics rollups are tracked tables (the statement triggers of
// 20261123100000_metrics_rollup_tracking; none where metric_points is a
// hypertable, which the test reads from the catalog). A batch spanning fewer
// than 8 buckets of a rollup marks every bucket of its span; a wider one marks
// exactly the buckets its rows fall in; updates mark old and new times.

import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const UNTRACKED = 'metric_points is not tracked here (a hypertable: no transition-table triggers)';
function skipUntracked(skip: (note?: string) => void, meta: object): void {
  (meta as Record<string, unknown>).skipReason = UNTRACKED;
  skip(UNTRACKED);
}

describeEachEngine('rollup change tracking', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let tracked = false;
  const iso = (ms: number) => new Date(ms).toISOString();
  const insert = (times: number[]) =>
    storage.query(`INSERT INTO metric_points (time, series_id, value) SELECT t, 1, 1 FROM unnest($1::timestamptz[]) AS t`, [times.map(iso)]);
  const marked = async (view: string) =>
    (
      await storage.query<{ bucket: Date }>(`SELECT bucket FROM ag_storage.rollup_bucket_changes WHERE view_name = $1 ORDER BY bucket`, [view])
    ).map((r) => r.bucket.getTime());

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    await storage.execute(`INSERT INTO metric_series (id, metric_name) VALUES (1, 'tracking.test')`);
    const rows = await storage.query<{ n: string }>(
      `SELECT count(*) AS n FROM ag_storage.tracked_rollups t JOIN ag_storage.rollups r USING (view_name) WHERE r.source_table = 'metric_points'`,
    );
    tracked = Number(rows[0]?.n) > 0;
  });
  afterAll(async () => storage?.close());
  beforeEach(async () => {
    await storage.execute('DELETE FROM metric_points');
    await storage.execute('DELETE FROM ag_storage.rollup_bucket_changes');
  });

  it('marks every hourly bucket of a narrow batch\'s span, untouched ones between included', async ({ skip, task }) => {
    if (!tracked) skipUntracked(skip, task.meta);
    await insert([T0 + 10 * 60_000, T0 + 3 * HOUR + 5 * 60_000]);
    expect(await marked('metrics_hourly')).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(await marked('metrics_daily')).toEqual([T0]);
  });

  it('marks only the buckets a wide batch\'s rows fall in, however far apart (1970 and 9999)', async ({ skip, task }) => {
    if (!tracked) skipUntracked(skip, task.meta);
    const far = Date.parse('9999-12-31T23:00:00Z');
    const epoch = Date.parse('1970-01-01T00:30:00Z');
    await insert([epoch, T0 + 5 * 60_000, T0 + 9 * HOUR, far]);
    expect(await marked('metrics_hourly')).toEqual([epoch - 30 * 60_000, T0, T0 + 9 * HOUR, far]);
    expect(await marked('metrics_daily')).toEqual([Date.parse('1970-01-01T00:00:00Z'), T0, Date.parse('9999-12-31T00:00:00Z')]);
  });

  it('treats each rollup by its own width: 9 hours apart is wide hourly and narrow daily', async ({ skip, task }) => {
    if (!tracked) skipUntracked(skip, task.meta);
    await insert([T0 + 23 * HOUR, T0 + 32 * HOUR]);
    expect(await marked('metrics_hourly')).toEqual([T0 + 23 * HOUR, T0 + 32 * HOUR]);
    expect(await marked('metrics_daily')).toEqual([T0, T0 + DAY]);
  });

  it('marks the buckets of both the old and the new time of an updated row', async ({ skip, task }) => {
    if (!tracked) skipUntracked(skip, task.meta);
    await insert([T0 + 5 * 60_000]);
    await storage.execute('DELETE FROM ag_storage.rollup_bucket_changes');
    await storage.query(`UPDATE metric_points SET time = $1 WHERE series_id = 1`, [iso(T0 + 2 * DAY + 5 * 60_000)]);
    expect(await marked('metrics_daily')).toEqual([T0, T0 + DAY, T0 + 2 * DAY]);
    expect(await marked('metrics_hourly')).toEqual([T0, T0 + 48 * HOUR]);
  });
});
