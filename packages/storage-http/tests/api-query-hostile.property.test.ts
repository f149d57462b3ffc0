// Query parameters of every route under generated hostile text (issue #7),
// on every engine: any string in any parameter (known or unknown, repeated,
// SQL, NUL, lone surrogates, RTL, emoji, huge numbers, JSON fragments) is
// answered with a 2xx or a 4xx JSON error -- never a 5xx -- and leaves the
// data unchanged. The POST routes get the same parameters as a JSON body.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '@ag/storage-testing';
import { HOSTILE_DECIMAL_TEXTS, HOSTILE_STRINGS, hostilePropertyParameters, HostileTally } from '@ag/storage-testing/generators';
import type { ApiServer } from '../src/index.js';
import { T0, iso, openApiFixture, type ApiFixture } from './support/api-fixture.js';

const RUNS = 150;

/** Each route and the parameters it knows. */
const ROUTES: Record<string, string[]> = {
  '/api/metrics/query': ['name', 'start', 'end', 'labels', 'account', 'strategy', 'limit', 'order'],
  '/api/metrics/aggregate': ['name', 'start', 'end', 'bucket', 'aggregations', 'labels', 'account', 'strategy', 'groupBy', 'fill'],
  '/api/metrics/latest': ['name', 'labels', 'account', 'strategy'],
  '/api/metrics/names': [],
  '/api/metrics/series': ['name', 'labels', 'account', 'strategy'],
  '/api/orders': ['start', 'end', 'account', 'strategy', 'venue', 'market', 'side', 'status', 'limit', 'cursor', 'order'],
  '/api/fills': ['start', 'end', 'account', 'strategy', 'venue', 'market', 'side', 'limit', 'cursor', 'order', 'orderId'],
  '/api/positions': ['market', 'account', 'strategy', 'venue', 'start', 'end', 'limit'],
  '/api/positions/latest': ['account', 'strategy', 'venue', 'market'],
  '/api/funding-payments': ['start', 'end', 'account', 'strategy', 'venue', 'market', 'limit'],
  '/api/statistics/trades': ['start', 'end', 'account', 'strategy', 'venue', 'market', 'includeFees'],
  '/api/accounts': [],
  '/api/strategies': [],
  '/api/candles': ['venue', 'symbol', 'timeframe', 'start', 'end', 'limit', 'count', 'source'],
  '/api/trades': ['venue', 'symbol', 'start', 'end', 'limit', 'order'],
  '/api/quotes': ['venue', 'symbol', 'start', 'end', 'limit', 'order'],
  '/api/book-snapshots': ['venue', 'symbol', 'start', 'end', 'limit', 'order'],
  '/api/tick-gaps': ['venue', 'symbol', 'kind', 'start', 'end', 'maxGapSeconds'],
  '/api/quotes/stale': ['venue', 'symbols', 'maxAgeSeconds', 'asOf'],
  '/api/events': ['start', 'end', 'kind', 'minSeverity', 'source', 'limit', 'order'],
  '/api/stats': [],
};
const POST_ROUTES = ['/api/metrics/query', '/api/metrics/aggregate'];

const value = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_DECIMAL_TEXTS) },
  { weight: 2, arbitrary: fc.constantFrom('bot.pnl', 'binance', 'BTC-USD', '1m', '5m', 'avg,p99', 'buy', 'filled,open', 'desc', '10', '0', '-1', '1e400', iso(T0), iso(T0 + 3_600_000), String(T0), '+010000-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '{"venue":"binance"}', '{"__proto__":"x"}', '{"venue":{"$gt":""}}', '[]', 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
);

const requestArb = fc.constantFrom(...Object.keys(ROUTES)).chain((route) =>
  fc.record({
    route: fc.constant(route),
    method: POST_ROUTES.includes(route) ? fc.constantFrom('GET', 'POST') : fc.constant('GET'),
    params: fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...(ROUTES[route] ?? []), 'name') }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'x', '') }), value), { maxLength: 5 }),
  }),
);

describeEachEngine('API query parameters under hostile input', ({ engine, adminUrl }) => {
  let fixture: ApiFixture;
  let api: ApiServer;
  const tally = new HostileTally(`api [${engine}]`);

  beforeAll(async () => {
    fixture = await openApiFixture(engine, adminUrl);
    api = await fixture.server();
  });
  afterAll(async () => {
    console.log(tally.report());
    await fixture?.close();
  });

  const tableCounts = () =>
    fixture.storage.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM metric_points)::int AS points, (SELECT count(*) FROM metric_series)::int AS series,
              (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM fills)::int AS fills, (SELECT count(*) FROM positions)::int AS positions,
              (SELECT count(*) FROM candles)::int AS candles, (SELECT count(*) FROM events)::int AS events`,
    );

  it('any parameter text on any route is a 2xx or a 4xx JSON error, never a 5xx, and changes nothing', async () => {
    const before = await tableCounts();
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, method, params }) => {
        const response =
          method === 'GET'
            ? await api.inject({ method: 'GET', url: `${route}?${params.map(([k, v]) => `${encodeParameter(k)}=${encodeParameter(v)}`).join('&')}` })
            : await api.inject({ method: 'POST', url: route, payload: Object.fromEntries(params) });
        expect(response.statusCode, `${method} ${route} ${JSON.stringify(params)}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        const body = response.json() as { error?: string; data?: unknown };
        if (response.statusCode >= 400) {
          expect(typeof body.error).toBe('string');
          tally.rejected(`${method} ${route}`);
        } else {
          expect(typeof body).toBe('object');
          tally.stored(`${method} ${route}`);
        }
      }),
      hostilePropertyParameters(RUNS),
    );
    expect(await tableCounts()).toEqual(before);
  });

  it('every valid metrics and events query is answered 200 with exactly the stored rows (GET and POST, never refused)', async () => {
    const MINUTE = 60_000;
    const timeArb = fc.integer({ min: -60, max: 180 }).map((m) => T0 + m * MINUTE + (m % 7) * 1000);
    const rangeArb = fc.tuple(timeArb, timeArb).filter(([a, b]) => a < b);
    const metricQueryArb = fc.record({
      name: fc.constantFrom('bot.pnl', 'feed.lag_ms'),
      range: rangeArb,
      market: fc.option(fc.constantFrom('BTC-USD', 'ETH-USD', "x'; DROP TABLE metric_points; --"), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 600 }),
      order: fc.constantFrom('asc', 'desc'),
      asIso: fc.boolean(),
      post: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(metricQueryArb, async (q) => {
        const [start, end] = q.range;
        const fields: Record<string, string | number> = {
          name: q.name,
          start: q.asIso ? iso(start) : start,
          end: q.asIso ? iso(end) : end,
          limit: q.limit,
          order: q.order,
          ...(q.market ? { labels: JSON.stringify({ market: q.market }) } : {}),
        };
        const response = q.post
          ? await api.inject({ method: 'POST', url: '/api/metrics/query', payload: { ...fields, ...(q.market ? { labels: { market: q.market } } : {}) } })
          : await api.inject({ method: 'GET', url: `/api/metrics/query?${Object.entries(fields).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}` });
        expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
        const matching = fixture.history.points
          .filter((p) => p.name === q.name && p.timestamp >= start && p.timestamp < end && (!q.market || p.labels.market === q.market))
          .sort((a, b) => (q.order === 'asc' ? a.timestamp - b.timestamp : b.timestamp - a.timestamp));
        const body = response.json() as { data: Array<{ timestamp: string; value: number; labels: Record<string, string> }>; truncated: boolean };
        const got = body.data.map((p) => [Date.parse(p.timestamp), p.value, p.labels.market]);
        // The times, in order; which of two series sharing the last time a limit cuts is open,
        // so each point must be a distinct stored point of the range.
        expect(got.map((p) => p[0])).toEqual(matching.slice(0, q.limit).map((p) => p.timestamp));
        const stored = new Set(matching.map((p) => JSON.stringify([p.timestamp, p.value, p.labels.market])));
        expect(got.filter((p) => !stored.has(JSON.stringify(p)))).toEqual([]);
        expect(new Set(got.map((p) => JSON.stringify(p))).size).toBe(got.length);
        expect(body.truncated).toBe(matching.length > q.limit);
        tally.stored(`${q.post ? 'POST' : 'GET'} /api/metrics/query (valid)`);
      }),
      hostilePropertyParameters(RUNS / 2),
    );
    const eventQueryArb = fc.record({
      range: rangeArb,
      minSeverity: fc.option(fc.constantFrom('debug', 'info', 'warning', 'error', 'critical'), { nil: undefined }),
      kind: fc.option(fc.constantFrom('risk.decision', 'feed.lag_spike', 'no.such.kind'), { nil: undefined }),
    });
    const rank = ['debug', 'info', 'warning', 'error', 'critical'];
    await fc.assert(
      fc.asyncProperty(eventQueryArb, async (q) => {
        const [start, end] = q.range;
        const params = [`start=${encodeURIComponent(iso(start))}`, `end=${end}`, 'order=asc', ...(q.minSeverity ? [`minSeverity=${q.minSeverity}`] : []), ...(q.kind ? [`kind=${encodeURIComponent(q.kind)}`] : [])];
        const response = await api.inject({ method: 'GET', url: `/api/events?${params.join('&')}` });
        expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
        const expected = fixture.history.events.filter(
          (e) => (e.time as number) >= start && (e.time as number) < end && (!q.kind || e.kind === q.kind) && (!q.minSeverity || rank.indexOf(e.severity ?? 'info') >= rank.indexOf(q.minSeverity)),
        );
        const body = response.json() as { data: Array<{ time: string; message: string }> };
        expect(body.data.map((e) => [Date.parse(e.time), e.message])).toEqual(expected.map((e) => [e.time, e.message]));
        tally.stored('GET /api/events (valid)');
      }),
      hostilePropertyParameters(RUNS / 2),
    );
  });
});

/** Percent-encodes text; a lone surrogate, which has no UTF-8, is sent as the invalid bytes a client could send (ED A0 80). */
function encodeParameter(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent((text as string & { toWellFormed(): string }).toWellFormed())}%ED%A0%80`;
  }
}
