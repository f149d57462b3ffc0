// The one parser of caller inputs: the first problem becomes a
// ValidationError naming the field as a path, with the offending value; an
// unrecognized key is an "unknown field", wherever the input comes from.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkedResultLimit, parseInput, resultLimitSchema, ValidationError } from '../src/index.js';

const schema = z.object({ limit: z.number().int().positive(), labels: z.object({ venue: z.string() }).strict().optional() }).strict();

describe('parseInput', () => {
  const failure = (input: unknown) => {
    try {
      parseInput(schema, input, 'query');
    } catch (error) {
      return error as ValidationError;
    }
    throw new Error('expected a ValidationError');
  };

  it('returns the parsed value', () => {
    expect(parseInput(schema, { limit: 3 }, 'query')).toEqual({ limit: 3 });
  });

  it('names an unknown key as an unknown field, with its value', () => {
    const error = failure({ limit: 3, limti: 5 });
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.field, error.value, error.message]).toEqual(['query.limti', 5, expect.stringContaining('unknown field')]);
  });

  it('names a nested field by its path', () => {
    const error = failure({ limit: 3, labels: { venue: 7 } });
    expect([error.field, error.value]).toEqual(['query.labels.venue', 7]);
  });
});

describe('checkedResultLimit and resultLimitSchema', () => {
  it('defaults to max_results and refuses more, naming the field, in both forms', () => {
    expect(checkedResultLimit(undefined, 100)).toBe(100);
    expect(checkedResultLimit(40, 100)).toBe(40);
    expect(() => checkedResultLimit(101, 100)).toThrow(/query\.limit.*at most query\.max_results \(100\)/);
    expect(() => checkedResultLimit(0, 100, 'page.limit')).toThrow(ValidationError);
    const error = (() => {
      try {
        parseInput(z.object({ limit: resultLimitSchema(100) }), { limit: 101 }, 'query');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect([error?.field, error?.message]).toEqual(['query.limit', expect.stringContaining('at most query.max_results (100)')]);
  });
});
