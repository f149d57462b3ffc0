// The `bench execution` suite. Not built yet: it arrives with its package.

import { StorageError } from '@ag/storage-core';
import type { BenchSuite } from './bench-harness.js';

export const suite: BenchSuite = {
  name: 'execution',
  description: 'not built yet',
  async run() {
    throw new StorageError('the execution benchmark is not built yet');
  },
};
