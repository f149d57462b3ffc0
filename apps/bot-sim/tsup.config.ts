import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts', 'src/index.ts'],
  dts: true,
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
});
