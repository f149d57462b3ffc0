// The tick routes (/api/trades, /api/quotes, /api/book-snapshots,
// /api/tick-gaps, /api/quotes/stale, /api/candles?source=trades) against
// ticks inserted in the test: answers equal what was inserted, bad
// parameters are a 400 naming the field and change nothing, and symbols with
// quotes and SQL in them are stored and returned as data.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '@ag/storage-testing';
import type { BookSnapshotInput, QuoteInput, TradeInput } from '@ag/storage-execution';
import type { ApiServer } from '../src/index.js';
import { T0, iso, openApiFixture, type ApiFixture } from './support/api-fixture.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const VENUE = 'binance';
const HOSTILE = `BTC'); DROP TABLE trades; --"`;
const SYMBOLS = ['BTC-USD', HOSTILE];

/** Trades every 10 s for 20 minutes, none from minute 8 to minute 11 (a gap); quotes every 15 s until minute 15. */
function knownTicks() {
  const trades: TradeInput[] = [];
  const quotes: QuoteInput[] = [];
  const books: BookSnapshotInput[] = [];
  for (const symbol of SYMBOLS) {
    for (let i = 0; i < 120; i += 1) {
      const at = T0 + i * 10 * SECOND;
      if (at >= T0 + 8 * MINUTE && at < T0 + 11 * MINUTE) continue;
      trades.push({ time: new Date(at), venue: VENUE, symbol, price: `${100 + (i % 13)}.25`, size: `0.${(i % 9) + 1}`, side: i % 2 ? 'buy' : 'sell', tradeId: `${symbol}-t${i}` });
    }
    for (let i = 0; i < 60; i += 1) {
      const bid = 100 + (i % 7);
      quotes.push({ time: new Date(T0 + i * 15 * SECOND), venue: VENUE, symbol, bid: `${bid}.5`, bidSize: '2', ask: `${bid}.75`, askSize: `1.${(i % 9) + 1}` });
    }
    for (let i = 0; i < 5; i += 1) {
      books.push({ time: new Date(T0 + i * MINUTE), venue: VENUE, symbol, bids: [[`${100 + i}.5`, '1'], [`${100 + i}.25`, '3']], asks: [[`${100 + i}.75`, '2']], sequence: 1000 + i });
    }
  }
  return { trades, quotes, books };
}

const ms = (t: Date | string | number) => new Date(t).getTime();

describeEachEngine('API tick routes', ({ engine, adminUrl }) => {
  let fixture: ApiFixture;
  let api: ApiServer;
  const ticks = knownTicks();
  const get = async (url: string) => {
    const response = await api.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };
  const range = (from: number, to: number) => `start=${iso(from)}&end=${iso(to)}`;
  const tickCounts = () =>
    fixture.storage.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM trades)::int8 AS trades, (SELECT count(*) FROM quotes)::int8 AS quotes, (SELECT count(*) FROM book_snapshots)::int8 AS books`,
    );

  beforeAll(async () => {
    fixture = await openApiFixture(engine, adminUrl);
    await fixture.services.marketData.storeTrades(ticks.trades);
    await fixture.services.marketData.storeQuotes(ticks.quotes);
    await fixture.services.marketData.storeBookSnapshots(ticks.books);
    api = await fixture.server();
  });
  afterAll(async () => fixture?.close());

  it.each(SYMBOLS)('GET /api/trades returns the trades of the range, oldest first, as inserted (%s)', async (symbol) => {
    const from = T0 + 5 * MINUTE;
    const to = T0 + 15 * MINUTE;
    const { status, body } = await get(`/api/trades?venue=${VENUE}&symbol=${encodeURIComponent(symbol)}&${range(from, to)}`);
    expect(status).toBe(200);
    const expected = ticks.trades.filter((t) => t.symbol === symbol && ms(t.time) >= from && ms(t.time) < to);
    expect(body.truncated).toBe(false);
    expect(body.data).toEqual(
      expected.map((t) => ({ time: iso(ms(t.time)), venue: VENUE, symbol, price: t.price, size: t.size, side: t.side, tradeId: t.tradeId })),
    );
  });

  it('GET /api/trades takes limit and order=desc, and says when the answer stopped at its limit', async () => {
    const { body } = await get(`/api/trades?venue=${VENUE}&symbol=BTC-USD&${range(T0, T0 + 20 * MINUTE)}&limit=4&order=desc`);
    const newest = ticks.trades.filter((t) => t.symbol === 'BTC-USD').sort((a, b) => ms(b.time) - ms(a.time)).slice(0, 4);
    expect(body.data.map((t: { tradeId: string }) => t.tradeId)).toEqual(newest.map((t) => t.tradeId));
    expect(body.truncated).toBe(true);
  });

  it.each(SYMBOLS)('GET /api/quotes returns the quotes of the range as inserted (%s)', async (symbol) => {
    const from = T0 + MINUTE;
    const to = T0 + 4 * MINUTE;
    const { status, body } = await get(`/api/quotes?venue=${VENUE}&symbol=${encodeURIComponent(symbol)}&${range(from, to)}`);
    expect(status).toBe(200);
    const expected = ticks.quotes.filter((q) => q.symbol === symbol && ms(q.time) >= from && ms(q.time) < to);
    expect(body.data).toEqual(
      expected.map((q) => ({ time: iso(ms(q.time)), venue: VENUE, symbol, bid: q.bid, bidSize: q.bidSize, ask: q.ask, askSize: q.askSize })),
    );
  });

  it('GET /api/book-snapshots returns the snapshots with their levels and sequence', async () => {
    const { status, body } = await get(`/api/book-snapshots?venue=${VENUE}&symbol=${encodeURIComponent(HOSTILE)}&${range(T0, T0 + 10 * MINUTE)}`);
    expect(status).toBe(200);
    const expected = ticks.books.filter((b) => b.symbol === HOSTILE);
    expect(body.data).toEqual(
      expected.map((b) => ({ time: iso(ms(b.time)), venue: VENUE, symbol: HOSTILE, depth: 2, bids: b.bids, asks: b.asks, sequence: String(b.sequence) })),
    );
  });

  it('GET /api/tick-gaps finds the trade gap and none in the quotes', async () => {
    const trades = await get(`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&kind=trades&maxGapSeconds=60&${range(T0, T0 + 20 * MINUTE)}`);
    expect(trades.status).toBe(200);
    // The last trade before the gap is at 7:50, the first after it at 11:00.
    expect(trades.body.data).toEqual([{ start: iso(T0 + 7 * MINUTE + 50 * SECOND), end: iso(T0 + 11 * MINUTE), seconds: 190 }]);
    const quotes = await get(`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&kind=quotes&maxGapSeconds=60&${range(T0, T0 + 15 * MINUTE)}`);
    expect(quotes.body.data).toEqual([]);
  });

  it('GET /api/quotes/stale names the symbols whose latest quote is too old, or that have none', async () => {
    const asOf = T0 + 15 * MINUTE;
    const fresh = await get(`/api/quotes/stale?venue=${VENUE}&symbols=BTC-USD&symbols=${encodeURIComponent(HOSTILE)}&maxAgeSeconds=60&asOf=${iso(asOf)}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.data).toEqual([]);
    const later = await get(`/api/quotes/stale?venue=${VENUE}&symbols=BTC-USD,ETH-USD&maxAgeSeconds=60&asOf=${iso(asOf + 5 * MINUTE)}`);
    expect(later.body.data).toEqual([
      { symbol: 'BTC-USD', lastQuoteAt: iso(T0 + 59 * 15 * SECOND) },
      { symbol: 'ETH-USD', lastQuoteAt: null },
    ]);
  });

  it('GET /api/candles?source=trades returns 1m bars built from the inserted trades', async () => {
    const { status, body } = await get(`/api/candles?venue=${VENUE}&symbol=${encodeURIComponent(HOSTILE)}&timeframe=1m&source=trades&${range(T0, T0 + 20 * MINUTE)}`);
    expect(status).toBe(200);
    expect(body.source).toBe('trades');
    const bars = new Map<number, TradeInput[]>();
    for (const t of ticks.trades.filter((x) => x.symbol === HOSTILE)) {
      const bucket = Math.floor(ms(t.time) / MINUTE) * MINUTE;
      bars.set(bucket, [...(bars.get(bucket) ?? []), t]);
    }
    const expected = [...bars.entries()].map(([bucket, trades]) => {
      const prices = trades.map((t) => Number(t.price));
      return [bucket, Number(trades[0]?.price), Math.max(...prices), Math.min(...prices), Number(trades.at(-1)?.price), trades.reduce((v, t) => v + Number(t.size), 0)];
    });
    expect(body.data.map((c: Record<string, string>) => [ms(c.time as string), Number(c.open), Number(c.high), Number(c.low), Number(c.close), Number(c.volume)])).toEqual(
      expected.map(([b, o, h, l, c, v]) => [b, o, h, l, c, expect.closeTo(v as number, 9)]),
    );
    expect(body.data.every((c: { symbol: string }) => c.symbol === HOSTILE)).toBe(true);
    // The venue's candles of the same market are another source.
    const venue = await get(`/api/candles?venue=${VENUE}&symbol=${encodeURIComponent(HOSTILE)}&timeframe=1m&${range(T0, T0 + 20 * MINUTE)}`);
    expect(venue.body.data).toEqual([]);
  });

  const RANGE = range(T0, T0 + MINUTE);
  const BAD: Array<[string, string]> = [
    [`/api/trades?symbol=BTC-USD`, 'venue'],
    [`/api/trades?venue=${VENUE}`, 'symbol'],
    [`/api/trades?venue=${VENUE}&symbol=`, 'symbol'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&start=yesterday`, 'start'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&start=${iso(T0 + MINUTE)}&end=${iso(T0)}`, 'end'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&limit=0`, 'limit'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&limit=1.5`, 'limit'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&order=sideways`, 'order'],
    [`/api/trades?venue=${VENUE}&symbol=BTC-USD&side=buy`, 'side'],
    [`/api/quotes?venue=${VENUE}&symbol=BTC-USD&end=NaN`, 'end'],
    [`/api/book-snapshots?venue=${VENUE}&symbol=BTC-USD&limit=-1`, 'limit'],
    [`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&${RANGE}`, 'maxGapSeconds'],
    [`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&maxGapSeconds=0&${RANGE}`, 'maxGapSeconds'],
    [`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&maxGapSeconds=-5&${RANGE}`, 'maxGapSeconds'],
    [`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&maxGapSeconds=ten&${RANGE}`, 'maxGapSeconds'],
    [`/api/tick-gaps?venue=${VENUE}&symbol=BTC-USD&maxGapSeconds=60&kind=book&${RANGE}`, 'kind'],
    [`/api/quotes/stale?venue=${VENUE}&maxAgeSeconds=60`, 'symbols'],
    [`/api/quotes/stale?venue=${VENUE}&symbols=BTC-USD,&maxAgeSeconds=60`, 'symbols[1]'],
    [`/api/quotes/stale?venue=${VENUE}&symbols=BTC-USD`, 'maxAgeSeconds'],
    [`/api/quotes/stale?venue=${VENUE}&symbols=BTC-USD&maxAgeSeconds=60&asOf=soon`, 'asOf'],
    [`/api/candles?venue=${VENUE}&symbol=BTC-USD&source=fills`, 'source'],
    [`/api/candles?venue=${VENUE}&symbol=BTC-USD&timeframe=5m&source=trades&${RANGE}`, 'timeframe'],
  ];

  it.each(BAD)('GET %s is a 400 naming %s and changes nothing', async (url, field) => {
    const before = await tickCounts();
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error).toBe('bad_request');
    expect(body.field).toBe(field);
    expect(await tickCounts()).toEqual(before);
  });

  it('a limit over query.max_results is capped, not refused', async () => {
    const max = fixture.storage.config.query.max_results;
    const { status, body } = await get(`/api/trades?venue=${VENUE}&symbol=BTC-USD&limit=${Math.min(100_000, max + 1)}&${range(T0, T0 + 20 * MINUTE)}`);
    expect(status).toBe(200);
    expect(body.data.length).toBe(ticks.trades.filter((t) => t.symbol === 'BTC-USD').length);
  });

  it('treats SQL and quotes in every tick parameter as data and changes nothing', async () => {
    const before = await tickCounts();
    for (const text of ["x' OR '1'='1", "'; DROP TABLE quotes; --", '$1', 'BTC-USD" OR 1=1']) {
      const q = encodeURIComponent(text);
      for (const url of [
        `/api/trades?venue=${q}&symbol=${q}&${RANGE}`,
        `/api/quotes?venue=${VENUE}&symbol=${q}&${RANGE}`,
        `/api/book-snapshots?venue=${q}&symbol=BTC-USD&${RANGE}`,
        `/api/tick-gaps?venue=${q}&symbol=${q}&maxGapSeconds=1&${RANGE}`,
        `/api/candles?venue=${q}&symbol=${q}&source=trades&${RANGE}`,
      ]) {
        const { status, body } = await get(url);
        expect(status, url).toBe(200);
        expect(body.data.filter((r: { symbol?: string }) => r.symbol !== undefined), url).toEqual([]);
      }
      const stale = await get(`/api/quotes/stale?venue=${VENUE}&symbols=${q}&maxAgeSeconds=1&asOf=${iso(T0)}`);
      expect(stale.body.data).toEqual([{ symbol: text, lastQuoteAt: null }]);
    }
    expect(await tickCounts()).toEqual(before);
  });
});
