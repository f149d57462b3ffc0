// Generates the Prisma client only when it is missing or older than the
// schema, silently otherwise: the fast path in front of `pnpm start` and the
// CLI scripts. (turbo's cached db:generate task serves build and test.)
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const schema = 'prisma/schema.prisma';
const client = 'packages/storage-core/src/generated/prisma/client.ts';
const fresh = existsSync(client) && statSync(client).mtimeMs >= statSync(schema).mtimeMs;
if (!fresh) {
  const result = spawnSync(process.execPath, ['packages/storage-core/scripts/generate-prisma-client.mjs'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
