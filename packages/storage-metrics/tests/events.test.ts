// EventStore on every engine: events round-trip exactly, filters select
// exactly the matching events, and bad events are refused whole.

import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { EVENT_SEVERITIES, EventStore, type EventInput, type StoredEvent } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 1);

describeEachEngine('events', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let events: EventStore;
  const count = async () => Number((await storage.query<{ n: number }>('SELECT count(*) AS n FROM events'))[0]?.n);
  const strip = (e: StoredEvent) => ({ time: e.time.getTime(), kind: e.kind, severity: e.severity, source: e.source, message: e.message, payload: e.payload });

  const sample: EventInput[] = Array.from({ length: 40 }, (_, i) => ({
    kind: ['risk.decision', 'order.rejected', 'system.start'][i % 3] as string,
    source: i % 2 ? 'bot-1' : "bot-'2'",
    severity: EVENT_SEVERITIES[i % 5],
    message: `event ${i}: ünïcödé "quoted" ; DROP TABLE events; --`,
    payload: { i, nested: { list: [1, 'two', null, true], text: 'a\tb' }, price: 1.25 },
    time: T0 + i * 60_000,
  }));

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}), config: { query: { max_results: 25 } } });
    events = new EventStore(storage);
  });
  afterAll(async () => storage?.close());
  beforeEach(async () => {
    await storage.execute('TRUNCATE events');
  });

  it('stores one event and returns it with its id', async () => {
    const stored = await events.logEvent({ kind: 'system.start', source: 'bot', message: 'hello', payload: { version: '1.2.3' }, time: T0 });
    expect(Number.isInteger(stored.id)).toBe(true);
    expect(strip(stored)).toEqual({ time: T0, kind: 'system.start', severity: 'info', source: 'bot', message: 'hello', payload: { version: '1.2.3' } });
  });

  it('stores a batch and reads every event back exactly', async () => {
    const stored = await events.logEvents(sample);
    expect(stored).toHaveLength(40);
    const read = await events.queryEvents({ start: T0, end: T0 + 40 * 60_000, limit: 25 });
    expect(read.map(strip)).toEqual(sample.slice(0, 25).map((e) => ({ ...e, time: e.time })));
    expect(read.truncated).toBe(true);
  });

  it('filters by kind, minimum severity, source and time range', async () => {
    await events.logEvents(sample);
    const start = T0 + 5 * 60_000;
    const end = T0 + 35 * 60_000;
    const read = await events.queryEvents({ start, end, kind: ['risk.decision', 'order.rejected'], minSeverity: 'warning', source: 'bot-1' });
    const rank = (s: string | undefined) => EVENT_SEVERITIES.indexOf(s as never);
    const expected = sample.filter(
      (e) => (e.time as number) >= start && (e.time as number) < end && e.kind !== 'system.start' && rank(e.severity) >= rank('warning') && e.source === 'bot-1',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(read.map(strip)).toEqual(expected);
  });

  it('returns newest first with order desc', async () => {
    await events.logEvents(sample.slice(0, 5));
    const read = await events.queryEvents({ start: T0, end: T0 + 3_600_000, order: 'desc' });
    expect(read.map((e) => e.time.getTime())).toEqual(sample.slice(0, 5).map((e) => e.time as number).reverse());
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown severity', { severity: 'fatal' }, 'events[1].severity'],
    ['an empty kind', { kind: '' }, 'events[1].kind'],
    ['SQL as a kind', { kind: "x'; DROP TABLE events; --" }, 'events[1].kind'],
    ['an empty source', { source: '' }, 'events[1].source'],
    ['a NUL in the message', { message: 'a\u0000b' }, 'events[1].message'],
    ['a numeric message', { message: 5 }, 'events[1].message'],
    ['NaN in the payload', { payload: { x: Number.NaN } }, 'events[1].payload.x'],
    ['Infinity deep in the payload', { payload: { a: [1, { b: Number.POSITIVE_INFINITY }] } }, 'events[1].payload.a[1].b'],
    ['a bigint in the payload', { payload: { n: 10n } }, 'events[1].payload.n'],
    ['a function in the payload', { payload: { f: () => 1 } }, 'events[1].payload.f'],
    ['a payload that is an array', { payload: [1, 2] }, 'events[1].payload'],
    ['an invalid time', { time: new Date('nope') }, 'events[1].time'],
    ['a time before 1970', { time: -1 }, 'events[1].time'],
    ['an unknown field', { colour: 'red' }, 'events[1].colour'],
  ])('refuses a batch with %s, naming it, and stores nothing', async (_case, change, field) => {
    const bad = { ...sample[1], ...change } as EventInput;
    const error = await events.logEvents([sample[0] as EventInput, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(await count()).toBe(0);
  });

  it('refuses a circular payload', async () => {
    const payload: Record<string, unknown> = {};
    payload.self = payload;
    const error = await events.logEvent({ kind: 'k', source: 's', message: 'm', payload }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toMatch(/^event\.payload\.self/);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown minimum severity', { minSeverity: 'loud' }, 'query.minSeverity'],
    ['a limit above max_results', { limit: 26 }, 'query.limit'],
    ['an end before the start', { end: T0 - 1 }, 'query.end'],
  ])('refuses a query with %s', async (_case, change, field) => {
    const error = await events.queryEvents({ start: T0, end: T0 + 1000, ...change } as never).catch((e: unknown) => e);
    expect((error as ValidationError).field).toBe(field);
  });

  it('does nothing for an empty batch', async () => {
    expect(await events.logEvents([])).toEqual([]);
    expect(await count()).toBe(0);
  });
});
