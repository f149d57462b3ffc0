// /api/orders, /api/fills, /api/positions, /api/positions/latest: the
// execution history (see queries/execution-queries.ts).

import type { FastifyInstance } from 'fastify';
import { listFills, listLatestPositions, listOrders, listPositions } from '../queries/execution-queries.js';
import type { StorageServices } from '../storage-services.js';

export function registerExecutionRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/orders', (request) => listOrders(services, request.query));
  app.get('/api/fills', (request) => listFills(services, request.query));
  app.get('/api/positions', (request) => listPositions(services, request.query));
  app.get('/api/positions/latest', (request) => listLatestPositions(services, request.query));
}
