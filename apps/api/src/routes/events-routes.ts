// /api/events: system events (see queries/event-queries.ts).

import type { FastifyInstance } from 'fastify';
import { listEvents } from '../queries/event-queries.js';
import type { StorageServices } from '../storage-services.js';

export function registerEventsRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/events', (request) => listEvents(services, request.query));
}
