// Prisma CLI configuration. The CLI is only used here to generate the client;
// migrations are applied by @ag/storage-core's migrator (see README), which
// keeps Prisma's `_prisma_migrations` bookkeeping so `prisma migrate deploy`
// works against the same database elsewhere.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});
