import { cpSync } from 'node:fs';
import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  // Published builds carry the migrations next to dist/.
  onSuccess: async () => {
    cpSync('../../prisma/migrations', 'migrations', { recursive: true });
  },
});
