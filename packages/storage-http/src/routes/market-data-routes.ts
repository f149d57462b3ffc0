// /api/candles: OHLCV bars (see queries/market-data-queries.ts).

import type { FastifyInstance } from 'fastify';
import { readCandles } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerMarketDataRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/candles', (request) => readCandles(services, request.query));
}
