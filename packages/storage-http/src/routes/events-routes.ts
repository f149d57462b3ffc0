// /api/events: system events (see queries/event-queries.ts).

import type { FastifyInstance } from 'fastify';
import { listEvents } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerEventsRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/events', (request) => listEvents(services, request.query));
}
