// @ag/api: the ag-storage HTTP API, Prometheus endpoint and dashboard.

export { createApiServer, DEFAULT_BODY_LIMIT, type ApiServerOptions, type ApiServer } from './api-server.js';
export { openStorageServices, type StorageServices, type OpenStorageServicesOptions } from './storage-services.js';
export { StorageOverviewCache, type StorageOverview } from './storage-overview.js';
export { bearerTokenCheck, type TokenCheck } from './bearer-token.js';
export { BadParameterError, type ErrorBody } from './http-errors.js';
