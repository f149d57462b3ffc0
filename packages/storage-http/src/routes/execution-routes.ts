// /api/orders, /api/fills, /api/positions, /api/positions/latest,
// /api/funding-payments, /api/accounts, /api/strategies,
// /api/statistics/trades: the execution history of the fleet (see
// queries/execution-queries.ts).

import type { FastifyInstance } from 'fastify';
import {
  listAccounts,
  listFills,
  listFundingPayments,
  listLatestPositions,
  listOrders,
  listPositions,
  listStrategies,
  readTradeStatistics,
} from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerExecutionRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/orders', (request) => listOrders(services, request.query));
  app.get('/api/fills', (request) => listFills(services, request.query));
  app.get('/api/positions', (request) => listPositions(services, request.query));
  app.get('/api/positions/latest', (request) => listLatestPositions(services, request.query));
  app.get('/api/funding-payments', (request) => listFundingPayments(services, request.query));
  app.get('/api/accounts', (request) => listAccounts(services, request.query));
  app.get('/api/strategies', (request) => listStrategies(services, request.query));
  app.get('/api/statistics/trades', (request) => readTradeStatistics(services, request.query));
}
