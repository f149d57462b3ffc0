// /api/candles: OHLCV bars (see queries/market-data-queries.ts).

import type { FastifyInstance } from 'fastify';
import { readCandles } from '../queries/market-data-queries.js';
import type { StorageServices } from '../storage-services.js';

export function registerMarketDataRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/candles', (request) => readCandles(services, request.query));
}
