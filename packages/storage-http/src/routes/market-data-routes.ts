// /api/candles: OHLCV bars, the venue's or built from trades (see
// queries/market-data-queries.ts); /api/trades, /api/quotes,
// /api/book-snapshots, /api/tick-gaps and /api/quotes/stale: the ticks of a
// market and their data quality (see queries/tick-queries.ts).

import type { FastifyInstance } from 'fastify';
import { listBookSnapshots, listQuotes, listStaleQuotes, listTickGaps, listTrades, readCandles } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerMarketDataRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/candles', (request) => readCandles(services, request.query));
  app.get('/api/trades', (request) => listTrades(services, request.query));
  app.get('/api/quotes', (request) => listQuotes(services, request.query));
  app.get('/api/quotes/stale', (request) => listStaleQuotes(services, request.query));
  app.get('/api/book-snapshots', (request) => listBookSnapshots(services, request.query));
  app.get('/api/tick-gaps', (request) => listTickGaps(services, request.query));
}
