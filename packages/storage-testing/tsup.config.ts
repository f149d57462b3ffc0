import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  entry: ['src/index.ts', 'src/global-setup.ts', 'src/generators/index.ts'],
  external: ['@ag/storage-core', 'vitest'],
});
