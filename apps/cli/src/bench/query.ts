// The `bench query` suite. Not built yet: it arrives with its package.

import { StorageError } from '@ag/storage-core';
import type { BenchSuite } from './bench-harness.js';

export const suite: BenchSuite = {
  name: 'query',
  description: 'not built yet',
  async run() {
    throw new StorageError('the query benchmark is not built yet');
  },
};
