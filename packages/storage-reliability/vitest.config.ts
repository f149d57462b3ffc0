// The shared test settings, with one change: these files run one at a time,
// so that a fault injected by one suite never lands on another's database
// and the load figures are not measured next to a fault test.
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, fileParallelism: false },
});
