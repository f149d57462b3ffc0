// The key under which the global setup hands the probed engines to test
// workers (vitest provide/inject). vitest types provide/inject through an
// augmentable interface; declaration bundlers drop such augmentations, so
// the two call sites cast at this one place instead.

import type { TestEngineAvailability } from './test-engines.js';

const ENGINES_KEY = 'agTestEngines';

type Provide = (key: string, value: TestEngineAvailability[]) => void;
type Inject = (key: string) => TestEngineAvailability[] | undefined;

export function provideEngines(provide: unknown, engines: TestEngineAvailability[]): void {
  (provide as Provide)(ENGINES_KEY, engines);
}

export function injectEngines(inject: unknown): TestEngineAvailability[] | undefined {
  return (inject as Inject)(ENGINES_KEY);
}
