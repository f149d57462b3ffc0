// @ag/storage-http: the ag-storage HTTP API (fastify), Prometheus endpoint
// and dashboard as a library, over @ag/storage-services. The API process
// (apps/api), the CLI's `serve` and the simulated bot all start it from here.

export { createApiServer, DEFAULT_BODY_LIMIT, type ApiServerOptions, type ApiServer } from './api-server.js';
export { bearerTokenCheck, type TokenCheck } from './bearer-token.js';
export { type ErrorBody } from './http-errors.js';
