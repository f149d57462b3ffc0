// @ag/api: the ag-storage HTTP API, Prometheus endpoint and dashboard.

export { createApiServer, DEFAULT_BODY_LIMIT, type ApiServerOptions, type ApiServer } from './api-server.js';
export { openStorageServices, type StorageServices, type OpenStorageServicesOptions } from './storage-services.js';
export { StorageOverviewCache, type StorageOverview } from './storage-overview.js';
export { bearerTokenCheck, type TokenCheck } from './bearer-token.js';
export { BadParameterError, type ErrorBody } from './http-errors.js';
export { readMetricPoints, aggregateMetrics, readLatestMetrics, listMetricSeries } from './queries/metric-queries.js';
export {
  listOrders,
  listFills,
  listPositions,
  listLatestPositions,
  listFundingPayments,
  listAccounts,
  listStrategies,
  readTradeStatistics,
} from './queries/execution-queries.js';
export { moneyJsonReplacer, toJson } from './money-json.js';
export { readCandles } from './queries/market-data-queries.js';
export { listEvents } from './queries/event-queries.js';
export { parseParameters, timeParameter, labelsParameter } from './query-parameters.js';
