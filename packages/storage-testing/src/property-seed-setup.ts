// vitest setup file (vitest.shared.ts): every property test of the run uses
// the run's seed (see property-seed.ts). Replay a failure with
// AG_TEST_SEED=<seed> and the path fast-check printed.

import { applyPropertySeed } from './property-seed.js';

applyPropertySeed();
