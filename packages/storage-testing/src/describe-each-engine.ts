// describeEachEngine(): runs one integration suite on every engine available
// here (see test-engines.ts); the others are reported as skipped with the
// reason. describeEachServer() does the same for the server engines only
// (suites about connections, roles and sessions that need a real server), and
// describeUnless() skips one suite with the reason in its title, so that the
// test summary can tell an expected skip from an unexpected one.

import { describe, inject } from 'vitest';
import { injectEngines } from './provided-context.js';
import { SERVER_ENGINES, type TestEngine, type TestEngineAvailability } from './test-engines.js';

export interface EngineSuiteContext {
  engine: TestEngine;
  /** Admin URL for server engines. */
  adminUrl: string | undefined;
}

export interface ServerSuiteContext {
  engine: TestEngine;
  adminUrl: string;
}

const EMBEDDED_ONLY: TestEngineAvailability[] = [
  { engine: 'embedded', available: true, reason: 'in-process PGlite with TimescaleDB' },
];

export function testEngines(): TestEngineAvailability[] {
  return injectEngines(inject) ?? EMBEDDED_ONLY;
}

/** The server engines (postgres, timescaledb), available or not. */
export function serverEngines(): TestEngineAvailability[] {
  const probed = testEngines();
  return SERVER_ENGINES.map(
    (engine) => probed.find((e) => e.engine === engine) ?? { engine, available: false, reason: 'not probed (no global setup)' },
  );
}

/** The title a skipped suite carries: the summary reads the reason from it. */
export function skippedTitle(title: string, reason: string | undefined): string {
  return reason ? `${title} (skipped: ${reason})` : title;
}

/** A suite that runs unless there is a reason not to, which its title then says. */
export function describeUnless(reason: string | undefined, title: string, suite: () => void): void {
  if (reason) describe.skip(skippedTitle(title, reason), suite);
  else describe(title, suite);
}

export function describeEachEngine(title: string, suite: (context: EngineSuiteContext) => void): void {
  for (const availability of testEngines()) {
    const name = `${title} [${availability.engine}]`;
    if (!availability.available) {
      // Declared but skipped, so that the summary counts what did not run here.
      describe.skip(skippedTitle(name, availability.reason), () => suite({ engine: availability.engine, adminUrl: undefined }));
      continue;
    }
    describe(name, () => suite({ engine: availability.engine, adminUrl: availability.url }));
  }
}

export function describeEachServer(title: string, suite: (context: ServerSuiteContext) => void): void {
  for (const availability of serverEngines()) {
    const name = `${title} [${availability.engine}]`;
    if (!availability.available || !availability.url) {
      describe.skip(skippedTitle(name, availability.reason), () => suite({ engine: availability.engine, adminUrl: '' }));
      continue;
    }
    const adminUrl = availability.url;
    describe(name, () => suite({ engine: availability.engine, adminUrl }));
  }
}
