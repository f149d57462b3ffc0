// Every API route against data inserted in the test: status, body shape and
// contents, with expected answers computed from the inserted history.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '@ag/storage-testing';
import type { ApiServer } from '../src/index.js';
import { T0, iso, openApiFixture, type ApiFixture } from './support/api-fixture.js';

const MINUTE = 60_000;

describeEachEngine('API routes', ({ engine, adminUrl }) => {
  let fixture: ApiFixture;
  let api: ApiServer;
  const get = async (url: string) => {
    const response = await api.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json(), headers: response.headers };
  };

  beforeAll(async () => {
    fixture = await openApiFixture(engine, adminUrl);
    api = await fixture.server();
  });
  afterAll(async () => fixture?.close());

  it('GET /health reports the engine and an ok status', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.engine).toBe(fixture.storage.url.startsWith('pglite://') ? 'pglite' : 'postgres');
    expect(body.migrations.pending).toEqual([]);
  });

  it('GET /api/metrics/query returns the points of the range, filtered by labels', async () => {
    const start = T0 + 10 * MINUTE;
    const end = T0 + 20 * MINUTE;
    const labels = encodeURIComponent(JSON.stringify({ market: 'ETH-USD' }));
    const { status, body } = await get(`/api/metrics/query?name=bot.pnl&start=${iso(start)}&end=${end}&labels=${labels}`);
    expect(status).toBe(200);
    const expected = fixture.history.points.filter((p) => p.name === 'bot.pnl' && p.labels.market === 'ETH-USD' && p.timestamp >= start && p.timestamp < end);
    expect(body.truncated).toBe(false);
    expect(body.data.map((p: { timestamp: string; value: number }) => [Date.parse(p.timestamp), p.value])).toEqual(expected.map((p) => [p.timestamp, p.value]));
    expect(body.data[0].labels).toEqual({ venue: 'binance', market: 'ETH-USD' });
  });

  it('POST /api/metrics/query takes the same fields as a JSON body, and limit/order', async () => {
    const response = await api.inject({
      method: 'POST',
      url: '/api/metrics/query',
      payload: { name: ['feed.lag_ms'], start: iso(T0), end: iso(T0 + 120 * MINUTE), limit: 5, order: 'desc' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const all = fixture.history.points.filter((p) => p.name === 'feed.lag_ms').sort((a, b) => b.timestamp - a.timestamp);
    expect(body.truncated).toBe(true);
    expect(body.data).toHaveLength(5);
    expect(body.data.map((p: { timestamp: string }) => Date.parse(p.timestamp))).toEqual(all.slice(0, 5).map((p) => p.timestamp));
  });

  it('GET /api/metrics/aggregate returns per-bucket aggregates per group', async () => {
    const { status, body } = await get(`/api/metrics/aggregate?name=bot.pnl&start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}&bucket=15m&aggregations=avg,max,count&groupBy=market`);
    expect(status).toBe(200);
    expect(['raw', 'metrics_hourly', 'metrics_daily']).toContain(body.source);
    for (const market of ['BTC-USD', 'ETH-USD']) {
      for (let b = 0; b < 4; b += 1) {
        const from = T0 + b * 15 * MINUTE;
        const values = fixture.history.points
          .filter((p) => p.name === 'bot.pnl' && p.labels.market === market && p.timestamp >= from && p.timestamp < from + 15 * MINUTE)
          .map((p) => p.value);
        const row = body.data.find((r: { labels: { market: string }; bucket: string }) => r.labels.market === market && Date.parse(r.bucket) === from);
        expect(row.count).toBe(values.length);
        expect(row.max).toBe(Math.max(...values));
        expect(row.avg).toBeCloseTo(values.reduce((a, v) => a + v, 0) / values.length, 9);
      }
    }
    expect(body.data).toHaveLength(8);
  });

  it('GET /api/metrics/latest returns the newest point of each series', async () => {
    const { status, body } = await get('/api/metrics/latest?name=feed.lag_ms');
    expect(status).toBe(200);
    const newest = new Map<string, { timestamp: number; value: number }>();
    for (const p of fixture.history.points.filter((q) => q.name === 'feed.lag_ms')) {
      const current = newest.get(p.labels.market as string);
      if (!current || p.timestamp > current.timestamp) newest.set(p.labels.market as string, p);
    }
    expect(body.data).toHaveLength(newest.size);
    for (const point of body.data) {
      expect(Date.parse(point.timestamp)).toBe(newest.get(point.labels.market)?.timestamp);
      expect(point.value).toBe(newest.get(point.labels.market)?.value);
    }
  });

  it('GET /api/metrics/names and /api/metrics/series list what is stored', async () => {
    expect((await get('/api/metrics/names')).body.data.sort()).toEqual([...new Set(fixture.history.points.map((p) => p.name))].sort());
    const series = (await get('/api/metrics/series?name=bot.pnl')).body.data;
    expect(series.map((s: { labels: { market: string } }) => s.labels.market).sort()).toEqual(['BTC-USD', 'ETH-USD']);
  });

  it('GET /api/orders pages through the orders of a range, newest first', async () => {
    const start = T0 + 5 * MINUTE;
    const end = T0 + 25 * MINUTE;
    const expected = fixture.history.orders
      .filter((o) => (o.time as Date).getTime() >= start && (o.time as Date).getTime() < end)
      .sort((a, b) => (b.time as Date).getTime() - (a.time as Date).getTime())
      .map((o) => o.clientOrderId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await get(`/api/orders?start=${iso(start)}&end=${iso(end)}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.data.map((o: { clientOrderId: string }) => o.clientOrderId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('GET /api/orders filters by market, side and status', async () => {
    const { body } = await get(`/api/orders?start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}&market=BTC-USD&side=buy&status=filled,partially_filled`);
    const filledIds = new Set(fixture.history.fills.map((f) => f.clientOrderId));
    const expected = fixture.history.orders.filter((o) => o.market === 'BTC-USD' && o.side === 'buy' && filledIds.has(o.clientOrderId));
    expect(body.data.map((o: { clientOrderId: string }) => o.clientOrderId).sort()).toEqual(expected.map((o) => o.clientOrderId).sort());
    for (const order of body.data) expect(order.status).toBe('partially_filled');
  });

  it('GET /api/fills returns the fills of a range and the fills of one order', async () => {
    const { status, body } = await get(`/api/fills?start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}&limit=1000&order=asc`);
    expect(status).toBe(200);
    expect(body.data.map((f: { venueFillId: string }) => f.venueFillId)).toEqual(fixture.history.fills.map((f) => f.venueFillId));
    expect(Number(body.data[0].size)).toBe(1.25);
    const orderId = body.data[0].orderId;
    const byOrder = await get(`/api/fills?orderId=${orderId}`);
    expect(byOrder.body.data.map((f: { venueFillId: string }) => f.venueFillId)).toEqual([fixture.history.fills[0]?.venueFillId]);
  });

  it('GET /api/positions returns the snapshots of a market over a range', async () => {
    const { status, body } = await get(`/api/positions?market=ETH-USD&start=${iso(T0)}&end=${iso(T0 + 50 * MINUTE)}`);
    expect(status).toBe(200);
    const expected = fixture.history.positions.filter((p) => p.market === 'ETH-USD' && (p.time as Date).getTime() < T0 + 50 * MINUTE);
    expect(body.data.map((p: { time: string; size: string }) => [Date.parse(p.time), Number(p.size)])).toEqual(
      expected.map((p) => [(p.time as Date).getTime(), Number(p.size)]),
    );
  });

  it('GET /api/positions/latest returns the newest snapshot of every market', async () => {
    const { status, body } = await get('/api/positions/latest');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(2);
    for (const row of body.data) {
      const newest = fixture.history.positions
        .filter((p) => p.market === row.market)
        .reduce((a, b) => ((a.time as Date).getTime() > (b.time as Date).getTime() ? a : b));
      expect(Date.parse(row.time)).toBe((newest.time as Date).getTime());
      expect(Number(row.size)).toBe(Number(newest.size));
      expect(Number(row.realizedPnl)).toBe(Number(newest.realizedPnl));
    }
    expect((await get('/api/positions/latest?market=BTC-USD')).body.data.map((p: { market: string }) => p.market)).toEqual(['BTC-USD']);
  });

  it('GET /api/candles returns bars of a range and the newest bars', async () => {
    const range = await get(`/api/candles?venue=binance&symbol=BTC-USD&timeframe=1m&start=${iso(T0 + 10 * MINUTE)}&end=${iso(T0 + 13 * MINUTE)}`);
    expect(range.status).toBe(200);
    const expected = fixture.history.candles.slice(10, 13);
    expect(range.body.data.map((c: { time: string; open: string; close: string; volume: string }) => [Date.parse(c.time), Number(c.open), Number(c.close), Number(c.volume)])).toEqual(
      expected.map((c) => [(c.time as Date).getTime(), Number(c.open), Number(c.close), Number(c.volume)]),
    );
    const latest = await get('/api/candles?venue=binance&symbol=BTC-USD&count=2');
    expect(latest.body.data.map((c: { time: string }) => Date.parse(c.time))).toEqual(fixture.history.candles.slice(-2).map((c) => (c.time as Date).getTime()));
  });

  it('GET /api/events filters by minimum severity and kind', async () => {
    const { status, body } = await get(`/api/events?start=${iso(T0)}&end=${iso(T0 + 60 * MINUTE)}&minSeverity=error&kind=risk.decision&order=asc`);
    expect(status).toBe(200);
    const expected = fixture.history.events.filter((e) => e.kind === 'risk.decision' && (e.severity === 'error' || e.severity === 'critical'));
    expect(body.data.map((e: { message: string }) => e.message)).toEqual(expected.map((e) => e.message));
    expect(body.data[0].payload).toEqual(expected[0]?.payload);
  });

  it('GET /api/stats reports exact row counts, tables, compression, ingest and pool', async () => {
    const { status, body } = await get('/api/stats');
    expect(status).toBe(200);
    const h = fixture.history;
    expect(body.rows).toMatchObject({
      metric_points: h.points.length,
      orders: h.orders.length,
      fills: h.fills.length,
      positions: h.positions.length,
      candles: h.candles.length,
      events: h.events.length,
    });
    expect(body.tables.map((t: { table: string }) => t.table)).toEqual(expect.arrayContaining(['metric_points', 'orders', 'metrics_hourly']));
    expect(body.engine).toBe(fixture.storage.url.startsWith('pglite://') ? 'pglite' : 'postgres');
    expect(body.ingest.written).toBe(fixture.services.metrics.stats().written);
    expect(body.pool.max).toBeGreaterThanOrEqual(1);
    expect(body.databaseBytes).toBeGreaterThan(0);
    expect(body.compression).toHaveProperty('ratio');
  });

  it('GET /metrics exposes the storage figures in the Prometheus format', async () => {
    await get(`/api/metrics/query?name=bot.pnl&start=${iso(T0)}&end=${iso(T0 + MINUTE)}`);
    const response = await api.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    const value = (line: RegExp) => Number(line.exec(text)?.[1]);
    expect(value(/^ag_storage_ingest_points_written_total (\d+)/m)).toBe(fixture.services.metrics.stats().written);
    expect(value(/^ag_storage_ingest_buffer_depth (\d+)/m)).toBe(0);
    expect(value(/^ag_storage_ingest_spooled_points_total (\d+)/m)).toBe(fixture.services.metrics.stats().spooledPoints);
    expect(value(/^ag_storage_ingest_spool_segments (\d+)/m)).toBe(0);
    expect(value(/^ag_storage_pool_connections\{state="max"\} (\d+)/m)).toBe(fixture.storage.engine.poolStats().max);
    expect(text).toMatch(/^ag_storage_query_duration_seconds_count\{route="\/api\/metrics\/query"\} [1-9]/m);
    expect(text).toMatch(/^# TYPE ag_storage_ingest_flush_duration_seconds histogram/m);
    // Every batch written is observed, not a sample of them.
    const flushCount = (body: string) => Number(/^ag_storage_ingest_flush_duration_seconds_count (\d+)/m.exec(body)?.[1]);
    const before = { observed: flushCount(text), flushes: fixture.services.metrics.stats().flushes };
    for (let batch = 0; batch < 3; batch += 1) {
      await fixture.services.metrics.bufferMetric({ name: 'prom.flush', value: batch, timestamp: T0 + batch });
      await fixture.services.metrics.flushBuffer();
    }
    const after = (await api.inject({ method: 'GET', url: '/metrics' })).body;
    expect(fixture.services.metrics.stats().flushes - before.flushes).toBe(3);
    expect(flushCount(after) - before.observed).toBe(3);
    expect(value(/^ag_storage_table_bytes\{table="metric_points"\} (\d+)/m)).toBeGreaterThan(0);
    expect(text).toMatch(/^ag_storage_lifecycle_task_failures 0/m);
    for (const name of text.match(/^[a-z_]+(?=[{ ])/gm) ?? []) expect(name.startsWith('ag_storage_')).toBe(true);
  });

  it('GET / serves the dashboard page, its scripts and uPlot from the installed package', async () => {
    const page = await api.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('/vendor/uplot/uPlot.iife.min.js');
    for (const asset of ['/dashboard.js', '/charts.js', '/api-client.js', '/dashboard.css', '/vendor/uplot/uPlot.iife.min.js', '/vendor/uplot/uPlot.min.css']) {
      expect((await api.inject({ method: 'GET', url: asset })).statusCode, asset).toBe(200);
    }
  });

  it('answers 404 with a JSON body for unknown routes', async () => {
    const { status, body } = await get('/api/nothing-here');
    expect(status).toBe(404);
    expect(body.error).toBe('not_found');
  });
});
