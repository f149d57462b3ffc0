// The value the global setup hands to test workers (vitest provide/inject).

import type { TestEngineAvailability } from './test-engines.js';

declare module 'vitest' {
  export interface ProvidedContext {
    agTestEngines: TestEngineAvailability[];
  }
}

export {};
