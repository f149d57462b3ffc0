import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  entry: ['src/index.ts', 'src/global-setup.ts'],
  external: ['@ag/storage-core', 'vitest'],
});
