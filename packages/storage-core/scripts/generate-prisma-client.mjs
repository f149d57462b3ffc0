// Generates the Prisma client from the repo's one schema into src/generated.
// `prisma generate` needs no native engine, but the CLI insists that
// PRISMA_SCHEMA_ENGINE_BINARY points at an existing file when the engines'
// download is unavailable (it is never executed by `generate`), so the Node
// binary stands in unless the caller set a real one.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

const result = spawnSync(process.execPath, [prismaCli, 'generate', '--config', path.join(repoRoot, 'prisma.config.ts')], {
  cwd: repoRoot,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
