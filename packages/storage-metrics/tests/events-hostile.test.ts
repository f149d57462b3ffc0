// Hostile input on the EventStore (issue #7), on every engine: logEvent and
// logEvents get generated events whose kind, source, message, severity,
// time and payload are valid or nasty (SQL, NUL, lone surrogates, RTL, emoji,
// unknown severities, `__proto__` payload keys, NaN and undefined inside
// payloads, deep nesting, years 0 and 10000). Each event is either stored
// and read back equal through queryEvents (the payload as JSON would give it
// back), or refused with a ValidationError with the events table unchanged;
// a batch with one bad event writes nothing.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValidationError } from '@ag/storage-core';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import {
  HOSTILE_KEYS,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  HOSTILE_TIMESTAMPS,
  hostilePropertyParameters,
  STORABLE_HOSTILE_STRINGS,
  HostileTally,
  validationErrorOf,
  WRONG_TYPES,
} from '@ag/storage-testing/generators';
import { EventStore, MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, type EventInput, type StoredEvent } from '../src/index.js';

const RUNS = 150;

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const wrongType = fc.constantFrom(...WRONG_TYPES);
const text = fc.oneof({ weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }) }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType });

/** A nested array `depth` levels deep. */
const nested = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 1);

const payloadValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: wrongType },
  { weight: 1, arbitrary: fc.constantFrom(nested(100), nested(300), nested(20_000)) },
);
const payloadKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE_KEYS), hostileString);
const payload = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(payloadKey, payloadValue), { maxLength: 6 }).map((entries) => Object.fromEntries(entries)) },
  { weight: 1, arbitrary: wrongType },
);

const eventArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record(
      {
        kind: fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_.:-]{0,20}$/) }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType }),
        source: text,
        message: text,
        severity: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('debug', 'info', 'warning', 'error', 'critical') },
          { weight: 1, arbitrary: fc.constantFrom('fatal', 'INFO', 'warn', '') },
          { weight: 1, arbitrary: wrongType },
        ),
        payload,
        time: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_TIMESTAMPS) }),
      },
      { requiredKeys: ['kind', 'source', 'message', 'time'] },
    ),
  },
  { weight: 1, arbitrary: wrongType },
);

/** Storable text: any non-empty grapheme string, or a hostile string that is still valid data. */
const storableText = fc.oneof(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), fc.constantFrom(...STORABLE_HOSTILE_STRINGS.filter((t) => t.trim() !== '')));
/** JSON payload values without NUL or lone surrogates anywhere (PostgreSQL's jsonb refuses those). */
const storableJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 }).filter((v) => {
  const json = JSON.stringify(v);
  return !json.includes('\\u0000') && (json as string & { isWellFormed(): boolean }).isWellFormed();
});

/**
 * Events valid by every documented rule: each must be stored and read back
 * equal (the other half of the hostile properties).
 */
const validEventArb = fc.record(
  {
    kind: fc.stringMatching(/^[a-z_][a-z0-9_.:-]{0,20}$/),
    source: storableText,
    message: storableText,
    severity: fc.constantFrom('debug', 'info', 'warning', 'error', 'critical'),
    payload: fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom(...HOSTILE_KEYS)), storableJson), { maxLength: 6 })
      .map((entries) => Object.fromEntries(entries)),
    time: fc.oneof(fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }), fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }).map((ms) => new Date(ms))),
  },
  { requiredKeys: ['kind', 'source', 'message', 'time'] },
) as fc.Arbitrary<EventInput>;

describeEachEngine('events under hostile input', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  let events: EventStore;
  const tally = new HostileTally(`events [${engine}]`);
  const eventCount = async () => (await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]?.n;

  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
    events = new EventStore(storage);
  });
  afterAll(async () => {
    console.log(tally.report());
    await storage?.close();
  });


  /** What a stored event must read back as. */
  const expected = (input: EventInput) => ({
    kind: input.kind,
    source: input.source,
    message: input.message,
    severity: input.severity ?? 'info',
    payload: JSON.parse(JSON.stringify(input.payload ?? {})) as unknown,
    // + 0: a time of -0 is stored as the instant 0, which reads back as +0.
    time: ((input.time instanceof Date ? input.time.getTime() : input.time) as number) + 0,
  });
  const actual = (row: StoredEvent) => ({
    kind: row.kind, source: row.source, message: row.message, severity: row.severity, payload: row.payload, time: row.time.getTime(),
  });

  /** Every stored event, oldest first (the table is emptied before each run). */
  const readAll = () => events.queryEvents({ start: MIN_TIMESTAMP_MS, end: MAX_TIMESTAMP_MS + 1, order: 'asc' });

  it('logEvent: an event is stored and read back equal, or refused with a ValidationError writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(eventArb, async (event) => {
        await storage.execute('DELETE FROM events');
        const error = await validationErrorOf(() => events.logEvent(event as EventInput));
        if (error) {
          tally.rejected('logEvent');
          expect(await eventCount()).toBe(0);
          return;
        }
        tally.stored('logEvent');
        expect((await readAll()).map(actual)).toEqual([expected(event as EventInput)]);
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('logEvents: the whole batch is stored and read back, or nothing of it is written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 5 }), async (batch) => {
        await storage.execute('DELETE FROM events');
        const error = await validationErrorOf(() => events.logEvents(batch as EventInput[]));
        if (error) {
          tally.rejected('logEvents', batch.length);
          expect(error.field).toMatch(/^events\[\d+\]/);
          expect(await eventCount()).toBe(0);
          return;
        }
        tally.stored('logEvents', batch.length);
        const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;
        const stored = (await readAll()).map(actual).sort(byTime);
        const want = (batch as EventInput[]).map(expected).sort(byTime);
        expect(stored.map((e) => e.time)).toEqual(want.map((e) => e.time));
        expect(stored).toEqual(expect.arrayContaining(want));
      }),
      hostilePropertyParameters(RUNS),
    );
  });

  it('logEvent and logEvents: every valid event is stored and read back equal (never refused)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validEventArb, { minLength: 1, maxLength: 5 }), fc.boolean(), async (batch, oneByOne) => {
        await storage.execute('DELETE FROM events');
        const error = await validationErrorOf(async () => {
          if (oneByOne) for (const event of batch) await events.logEvent(event);
          else await events.logEvents(batch);
        });
        expect(error?.message ?? null).toBeNull();
        tally.stored(oneByOne ? 'logEvent (valid)' : 'logEvents (valid)', batch.length);
        const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;
        const stored = (await readAll()).map(actual).sort(byTime);
        const want = batch.map(expected).sort(byTime);
        expect(stored.map((e) => e.time)).toEqual(want.map((e) => e.time));
        expect(stored).toEqual(expect.arrayContaining(want));
      }),
      hostilePropertyParameters(RUNS / 3),
    );
  });

  it('keeps a payload key named __proto__ as data (zod records dropped it)', async () => {
    await storage.execute('DELETE FROM events');
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1, "b": [2]}') as Record<string, unknown>;
    await events.logEvent({ kind: 'audit', source: 's', message: 'm', payload, time: 1_000 });
    const [stored] = await readAll();
    expect(Object.keys(stored?.payload ?? {}).sort()).toEqual(['__proto__', 'b', 'constructor']);
    expect(stored?.payload).toEqual(payload);
  });

  it('refuses a payload nested deeper than the limit with a ValidationError, not a stack overflow', async () => {
    const error = await validationErrorOf(() => events.logEvent({ kind: 'k', source: 's', message: 'm', payload: { deep: nested(20_000) }, time: 1_000 }));
    expect(error?.field).toMatch(/^event\.payload\.deep/);
  });
});
