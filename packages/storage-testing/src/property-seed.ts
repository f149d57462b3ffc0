// One seed for every property test (fast-check) of a run: fixed by default so
// that a run is repeatable, AG_TEST_SEED=<integer> to explore others. The
// vitest setup file below applies it to every fc.assert; fast-check prints
// the seed (and the path to the counterexample) when a property fails, and
// the setup file prints it once per worker so a failure can be replayed.

import fc from 'fast-check';

export const DEFAULT_PROPERTY_SEED = 20_261_201;

/** The seed of this run: AG_TEST_SEED when it is an integer, else the fixed default. */
export function propertySeed(env: NodeJS.ProcessEnv = process.env): number {
  const seed = Number(env.AG_TEST_SEED);
  return env.AG_TEST_SEED !== undefined && Number.isInteger(seed) ? seed : DEFAULT_PROPERTY_SEED;
}

/** Applies the seed to every property of this worker. */
export function applyPropertySeed(seed = propertySeed()): number {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
  return seed;
}
