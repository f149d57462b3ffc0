// /api/stats: the storage overview (sizes, compression, jobs, scheduler,
// ingest, pool); GET /health: the storage health report, 200 when the
// database answers and 503 when it is down (no token needed: for probes);
// with database.read_url it includes the replica, its state and its lag.

import type { FastifyInstance } from 'fastify';
import { noParameters, parseParameters } from '@ag/storage-services';
import type { StorageOverviewCache } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerStatsRoutes(app: FastifyInstance, services: StorageServices, overview: StorageOverviewCache): void {
  app.get('/api/stats', async (request) => {
    parseParameters(noParameters, request.query);
    return overview.get();
  });

  app.get('/health', async (_request, reply) => {
    const health = await services.storage.health();
    return reply.code(health.status === 'down' ? 503 : 200).send({
      status: health.status,
      engine: health.engine,
      url: health.url,
      serverVersion: health.serverVersion,
      timescale: health.timescale,
      pool: health.pool,
      migrations: health.migrations,
      latencyMs: health.latencyMs,
      checkedAt: health.checkedAt,
      ...(health.replica ? { replica: health.replica } : {}),
      ...(health.error ? { error: health.error } : {}),
    });
  });
}
