// Bad and hostile input: every malformed parameter is a 400 naming it and
// changes nothing; injection strings are data; oversized bodies are 413;
// malformed JSON 400; the bearer token is required, checked and never logged.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '@ag/storage-testing';
import { DEFAULT_BODY_LIMIT, type ApiServer } from '../src/index.js';
import { T0, iso, openApiFixture, type ApiFixture } from './support/api-fixture.js';

const RANGE = `start=${iso(T0)}&end=${iso(T0 + 3_600_000)}`;

/** [url, the parameter the 400 must name] */
const BAD_PARAMETERS: Array<[string, string]> = [
  ['/api/metrics/query', 'name'],
  [`/api/metrics/query?name=bot.pnl&start=yesterday`, 'start'],
  [`/api/metrics/query?name=bot.pnl&start=2026-11-20T10:00:00`, 'start'],
  [`/api/metrics/query?name=bot.pnl&end=NaN`, 'end'],
  [`/api/metrics/query?name=bot.pnl&end=Infinity`, 'end'],
  [`/api/metrics/query?name=bot.pnl&start=99999999999999999`, 'start'],
  [`/api/metrics/query?name=bot.pnl&start=${iso(T0 + 10)}&end=${iso(T0)}`, 'end'],
  [`/api/metrics/query?name=bot.pnl&limit=0`, 'limit'],
  [`/api/metrics/query?name=bot.pnl&limit=-5`, 'limit'],
  [`/api/metrics/query?name=bot.pnl&limit=1.5`, 'limit'],
  [`/api/metrics/query?name=bot.pnl&limit=ten`, 'limit'],
  [`/api/metrics/query?name=bot.pnl&order=sideways`, 'order'],
  [`/api/metrics/query?name=bot.pnl&labels=venue:binance`, 'labels'],
  [`/api/metrics/query?name=bot.pnl&labels=${encodeURIComponent('{"venue":1}')}`, 'labels'],
  [`/api/metrics/query?name=bot.pnl&labels=${encodeURIComponent('["venue"]')}`, 'labels'],
  [`/api/metrics/query?name=bot.pnl&colour=red`, 'colour'],
  [`/api/metrics/query?name=${encodeURIComponent("bot.pnl' OR 1=1 --")}`, 'name[0]'],
  [`/api/metrics/aggregate?name=bot.pnl&aggregations=median`, 'aggregations[0]'],
  [`/api/metrics/aggregate?name=bot.pnl&bucket=3mo&${RANGE}`, 'bucket'],
  [`/api/metrics/aggregate?name=bot.pnl&fill=zero`, 'fill'],
  [`/api/metrics/aggregate?name=bot.pnl&groupBy=${encodeURIComponent('a b')}&${RANGE}`, 'groupBy[0]'],
  ['/api/metrics/latest?name=', 'name[0]'],
  ['/api/stats?verbose=1', 'verbose'],
  [`/api/metrics/names?name=${encodeURIComponent("'; DROP TABLE metric_series; --")}`, 'name'],
  ['/api/orders?side=short', 'side'],
  ['/api/orders?status=done', 'status[0]'],
  ['/api/orders?limit=100000', 'limit'],
  ['/api/orders?cursor=not-a-cursor', 'cursor'],
  ['/api/fills?orderId=42', 'orderId'],
  ['/api/fills?order=up', 'order'],
  ['/api/positions', 'market'],
  ['/api/positions?market=', 'market'],
  ['/api/positions/latest?venue=', 'venue'],
  ['/api/candles?symbol=BTC-USD', 'venue'],
  ['/api/candles?venue=binance&symbol=BTC-USD&timeframe=2m', 'timeframe'],
  ['/api/candles?venue=binance&symbol=BTC-USD&count=0', 'count'],
  [`/api/candles?venue=binance&symbol=BTC-USD&count=5&${RANGE}`, 'count'],
  ['/api/events?minSeverity=fatal', 'minSeverity'],
  ['/api/events?start=1e3', 'start'],
];

describeEachEngine('API hostile input', ({ engine, adminUrl }) => {
  let fixture: ApiFixture;
  let api: ApiServer;

  beforeAll(async () => {
    fixture = await openApiFixture(engine, adminUrl);
    api = await fixture.server();
  });
  afterAll(async () => fixture?.close());

  const tableCounts = () =>
    fixture.storage.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM metric_points)::int8 AS points, (SELECT count(*) FROM metric_series)::int8 AS series,
              (SELECT count(*) FROM orders)::int8 AS orders, (SELECT count(*) FROM fills)::int8 AS fills, (SELECT count(*) FROM events)::int8 AS events`,
    );

  it.each(BAD_PARAMETERS)('GET %s is a 400 naming %s', async (url, field) => {
    const response = await api.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error).toBe('bad_request');
    expect(body.field).toBe(field);
    expect(typeof body.message).toBe('string');
  });

  it('treats SQL injection strings in every parameter as data and changes nothing', async () => {
    const before = await tableCounts();
    const hostile = ["x' OR '1'='1", "'; DROP TABLE orders; --", 'binance"; DELETE FROM fills; --', '$1', "\\'", 'ünïcødé ✓'];
    for (const text of hostile) {
      const q = encodeURIComponent(text);
      const labels = encodeURIComponent(JSON.stringify({ venue: text, [text.replace(/[^a-z_]/gi, '') || 'k']: text }));
      for (const url of [
        `/api/metrics/query?name=bot.pnl&labels=${labels}`,
        `/api/metrics/latest?labels=${labels}`,
        `/api/orders?venue=${q}&market=${q}`,
        `/api/fills?venue=${q}`,
        `/api/positions?market=${q}&venue=${q}`,
        `/api/positions/latest?venue=${q}`,
        `/api/candles?venue=${q}&symbol=${q}`,
        `/api/events?source=${q}`,
      ]) {
        const response = await api.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(200);
        expect(response.json().data, url).toEqual([]);
      }
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses an oversized body with 413 and writes nothing', async () => {
    const before = await tableCounts();
    const response = await api.inject({
      method: 'POST',
      url: '/api/metrics/query',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'bot.pnl', padding: 'x'.repeat(DEFAULT_BODY_LIMIT + 1) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toBe('payload_too_large');
    expect(await tableCounts()).toEqual(before);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await api.inject({ method: 'POST', url: '/api/metrics/aggregate', headers: { 'content-type': 'application/json' }, payload: '{"name": "bot.pnl",' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('bad_request');
  });

  it('answers a JSON body with wrong types with 400 naming the field', async () => {
    const response = await api.inject({ method: 'POST', url: '/api/metrics/aggregate', payload: { name: 'bot.pnl', aggregations: ['avg'], start: { $gt: 0 } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('start');
  });

  it('refuses a body of another content type with 415', async () => {
    const response = await api.inject({ method: 'POST', url: '/api/metrics/query', headers: { 'content-type': 'text/xml' }, payload: '<name>bot.pnl</name>' });
    expect(response.statusCode).toBe(415);
  });

  it('with a token: /api needs it (401 without or wrong), accepts it, /health and /metrics stay open, and never logs it', async () => {
    const token = 's3cr3t-Token-For-Tests';
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const guarded = await fixture.server({ token, logger: { level: 'trace', stream } });
    const missing = await guarded.inject({ method: 'GET', url: '/api/metrics/names' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json().error).toBe('unauthorized');
    for (const header of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, `Basic ${token}`, 'Bearer ', `Bearer ${token.toUpperCase()}`]) {
      expect((await guarded.inject({ method: 'GET', url: '/api/stats', headers: { authorization: header } })).statusCode, header).toBe(401);
    }
    const accepted = await guarded.inject({ method: 'GET', url: '/api/metrics/names', headers: { authorization: `Bearer ${token}` } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().data.length).toBeGreaterThan(0);
    expect((await guarded.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await guarded.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).not.toContain(token.slice(0, 10));
  });
});
