// @ag/storage-testing/generators: reproducible, realistic data for seeding,
// benchmarks and the simulated bot. No test framework is loaded from here,
// so applications can use it at run time.

// The simulation and series generators live in @ag/trading-simulation (run
// time code); they are re-exported here so tests keep one import.
export * from '@ag/trading-simulation';
export {
  HOSTILE_STRINGS,
  STORABLE_HOSTILE_STRINGS,
  HOSTILE_KEYS,
  HOSTILE_NUMBERS,
  HOSTILE_DECIMAL_TEXTS,
  HOSTILE_EPOCH_MS,
  HOSTILE_TIMESTAMPS,
  WRONG_TYPES,
} from './hostile-values.js';
export { hostilePropertyParameters, HostileTally, validationErrorOf } from './hostile-properties.js';
