// @ag/storage-services: the storage stores opened together, and the query
// services over them (validated parameters, capped results, exact money as
// JSON), shared by the HTTP API, the CLI and the simulated bot so that no
// application has to import another.

export { openStorageServices, type StorageServices, type OpenStorageServicesOptions } from './storage-services.js';
export { StorageOverviewCache, countedTables, type StorageOverview } from './storage-overview.js';
export { BadParameterError } from './bad-parameter-error.js';
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
export { listTrades, listQuotes, listBookSnapshots, listTickGaps, listStaleQuotes } from './queries/tick-queries.js';
export { listEvents } from './queries/event-queries.js';
export {
  parseParameters,
  timeParameter,
  labelsParameter,
  listParameter,
  limitParameter,
  nameParameter,
  secondsParameter,
  noParameters,
  timeRange,
} from './query-parameters.js';
