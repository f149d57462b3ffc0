// The main job (`pnpm start`). Opens storage (the embedded TimescaleDB under
// .data/ unless DATABASE_URL says otherwise), applies migrations and prints
// the health report. The simulated bot grows here.

import { createStorage } from '@ag/storage-core';

const storage = await createStorage({ config: { logging: { level: 'warn' } } });
try {
  const report = await storage.migrate();
  const health = await storage.health();
  const timescale = health.timescale
    ? `TimescaleDB ${health.timescale.version} (${health.timescale.license} license)`
    : 'no TimescaleDB (plain PostgreSQL)';
  console.log(`ag-storage on ${health.engine} ${health.url}`);
  console.log(`  server      PostgreSQL ${health.serverVersion}`);
  console.log(`  timescale   ${timescale}`);
  console.log(`  features    compression=${health.capabilities?.compression} continuous aggregates=${health.capabilities?.continuousAggregates}`);
  console.log(`  migrations  ${health.migrations.applied} applied (${report.applied.length} just now), ${health.migrations.pending.length} pending`);
  console.log(`  status      ${health.status}`);
} finally {
  await storage.close();
}
