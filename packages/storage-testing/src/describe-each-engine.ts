// describeEachEngine(): runs one integration suite on every engine available
// here (see test-engines.ts); the others are reported as skipped with the reason.

import { describe, inject } from 'vitest';
import { injectEngines } from './provided-context.js';
import type { TestEngine, TestEngineAvailability } from './test-engines.js';

export interface EngineSuiteContext {
  engine: TestEngine;
  /** Admin URL for server engines. */
  adminUrl: string | undefined;
}

const EMBEDDED_ONLY: TestEngineAvailability[] = [
  { engine: 'embedded', available: true, reason: 'in-process PGlite with TimescaleDB' },
];

export function testEngines(): TestEngineAvailability[] {
  return injectEngines(inject) ?? EMBEDDED_ONLY;
}

export function describeEachEngine(title: string, suite: (context: EngineSuiteContext) => void): void {
  for (const availability of testEngines()) {
    const name = `${title} [${availability.engine}]`;
    if (!availability.available) {
      describe.skip(`${name} (skipped: ${availability.reason})`, () => undefined);
      continue;
    }
    describe(name, () => suite({ engine: availability.engine, adminUrl: availability.url }));
  }
}
