// The query-parameter parsers, property-based: times, limits, lists and
// label filters accept what they document and name the parameter otherwise.

import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../src/index.js';
import { labelsParameter, limitParameter, listParameter, parseParameters, timeParameter } from '../src/query-parameters.js';

const MAX_MS = 253_402_300_799_999;
const schema = z.object({ at: timeParameter.optional(), limit: limitParameter(1000).optional(), names: listParameter(z.string().min(1)).optional(), labels: labelsParameter.optional() }).strict();

function fieldOf(input: unknown): string | null {
  try {
    parseParameters(schema, input);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(BadParameterError);
    return (error as BadParameterError).field;
  }
}

describe('query parameters', () => {
  it('reads any epoch millisecond time in range, as text or number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MS }), (ms) => {
        expect(parseParameters(schema, { at: String(ms) }).at?.getTime()).toBe(ms);
        expect(parseParameters(schema, { at: ms }).at?.getTime()).toBe(ms);
      }),
    );
  });

  it('reads any ISO 8601 time with a zone back to the same instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(MAX_MS), noInvalidDate: true }), (date) => {
        expect(parseParameters(schema, { at: date.toISOString() }).at?.getTime()).toBe(date.getTime());
      }),
    );
  });

  it('refuses any other text as a time, naming the parameter', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^\s*-?\d{1,16}\s*$/.test(s) && Number.isNaN(Date.parse(s))), (text) => {
        expect(fieldOf({ at: text })).toBe('at');
      }),
    );
  });

  it('refuses times outside 1970..9999', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -1e15, max: -1 }), fc.integer({ min: MAX_MS + 1, max: 9e15 })), (ms) => {
      expect(fieldOf({ at: String(ms) })).toBe('at');
    }));;
  });

  it('accepts limits 1..max and refuses everything else', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), (n) => {
      expect(parseParameters(schema, { limit: String(n) }).limit).toBe(n);
    }));
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -1e9, max: 0 }), fc.integer({ min: 1001, max: 1e9 })), (n) => {
      expect(fieldOf({ limit: String(n) })).toBe('limit');
    }));
    for (const bad of ['1.5', '1e3', 'NaN', 'Infinity', '', ' ', '0x10']) expect(fieldOf({ limit: bad })).toBe('limit');
  });

  it('splits lists on commas and repeated parameters alike', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/), { minLength: 1, maxLength: 10 }), (names) => {
        expect(parseParameters(schema, { names: names.join(',') }).names).toEqual(names);
        expect(parseParameters(schema, { names }).names).toEqual(names);
      }),
    );
  });

  it('round-trips any label object of strings through JSON, and refuses non-objects', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.string()), (labels) => {
      expect(parseParameters(schema, { labels: JSON.stringify(labels) }).labels).toEqual(labels);
    }));
    for (const bad of ['[]', '"x"', '1', 'null', '{"a":1}', '{"a":null}', '{bad json']) expect(fieldOf({ labels: bad })).toBe('labels');
    expect(parseParameters(schema, { labels: '{"__proto__":"x","constructor":"y"}' }).labels).toEqual(JSON.parse('{"__proto__":"x","constructor":"y"}'));
  });

  it('names an unknown parameter', () => {
    expect(fieldOf({ colour: 'red' })).toBe('colour');
  });
});
