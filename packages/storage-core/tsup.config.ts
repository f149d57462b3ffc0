import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Published builds carry the migrations next to dist/.
  onSuccess: async () => {
    cpSync('../../prisma/migrations', 'migrations', { recursive: true });
  },
});
