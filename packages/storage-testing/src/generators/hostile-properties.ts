// Settings and bookkeeping shared by the hostile-input property suites:
// deterministic fast-check parameters (the run's fixed seed, AG_TEST_SEED to
// change it; HOSTILE_RUNS scales the number of runs up for a long soak) and a
// tally of how many generated inputs each API stored and how many it refused,
// printed once per suite so the figures can be quoted.

import { ValidationError } from '@ag/storage-core';
import { propertySeed } from '../property-seed.js';

/** fast-check parameters: `numRuns` by default (or HOSTILE_RUNS), the run's seed. */
export function hostilePropertyParameters(numRuns: number): { numRuns: number; seed: number; endOnFailure: boolean } {
  const runs = Number(process.env.HOSTILE_RUNS);
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : numRuns,
    seed: propertySeed(),
    endOnFailure: true,
  };
}

/** Counts, per API, the generated inputs stored and rejected. */
export class HostileTally {
  private readonly counts = new Map<string, { stored: number; rejected: number }>();

  constructor(private readonly suite: string) {}

  stored(api: string, items = 1): void {
    this.entry(api).stored += items;
  }

  rejected(api: string, items = 1): void {
    this.entry(api).rejected += items;
  }

  /** One line per API: `[hostile] <suite> <api>: N inputs, S stored, R rejected`. */
  report(): string {
    return [...this.counts]
      .map(([api, c]) => `[hostile] ${this.suite} ${api}: ${c.stored + c.rejected} inputs, ${c.stored} stored, ${c.rejected} rejected`)
      .join('\n');
  }

  private entry(api: string): { stored: number; rejected: number } {
    let entry = this.counts.get(api);
    if (!entry) this.counts.set(api, (entry = { stored: 0, rejected: 0 }));
    return entry;
  }
}

/**
 * Resolves with the ValidationError a call was refused with (it must name
 * its field), or null when the call succeeded; any other error is rethrown,
 * failing the property.
 */
export async function validationErrorOf(call: () => Promise<unknown>): Promise<ValidationError | null> {
  try {
    await call();
    return null;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    if (typeof error.field !== 'string') throw new Error(`a ValidationError without a field: ${error.message}`);
    return error;
  }
}
