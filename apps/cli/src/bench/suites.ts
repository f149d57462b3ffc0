// The benchmark suites `ag-storage bench <suite>` knows, loaded on demand.

import type { BenchSuite } from './bench-harness.js';

export const SUITES: Record<string, () => Promise<BenchSuite>> = {
  ingest: async () => (await import('./ingest.js')).suite,
  query: async () => (await import('./query.js')).suite,
  execution: async () => (await import('./execution.js')).suite,
  retention: async () => (await import('./retention.js')).suite,
  marketdata: async () => (await import('./marketdata.js')).suite,
};
