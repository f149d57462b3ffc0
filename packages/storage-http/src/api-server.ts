// createApiServer(): the HTTP API and dashboard over a set of storage
// services (fastify 5). Every /api route validates its parameters with zod
// (400 naming the parameter), needs the bearer token when one is configured
// (401), and is timed into the Prometheus histogram. Bodies are limited
// (413); malformed JSON is a 400. /health and /metrics need no token.
// Money is written as plain decimal text (money-json.ts).

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { bearerTokenCheck } from './bearer-token.js';
import { errorReply } from './http-errors.js';
import { toJson } from '@ag/storage-services';
import { createStoragePrometheus } from './observability/storage-prometheus.js';
import { registerDashboardRoutes } from './routes/dashboard-routes.js';
import { registerEventsRoutes } from './routes/events-routes.js';
import { registerExecutionRoutes } from './routes/execution-routes.js';
import { registerMarketDataRoutes } from './routes/market-data-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerStatsRoutes } from './routes/stats-routes.js';
import { StorageOverviewCache } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export interface ApiServerOptions {
  /** Bearer token every /api route requires; default none (open). */
  token?: string;
  /** Largest request body in bytes (default 64 KiB). */
  bodyLimit?: number;
  /** fastify's logger option (default false). */
  logger?: FastifyServerOptions['logger'];
  /** How long /api/stats results are reused (default 5 s). */
  statsTtlMs?: number;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The server: a fastify instance, ready to listen, that knows whether requests are in flight. */
export type ApiServer = FastifyInstance & {
  /** Requests being answered now. */
  inFlight(): number;
  /** Resolves when no request is in flight, or after `maxWaitMs`. */
  whenIdle(maxWaitMs: number): Promise<void>;
};

export async function createApiServer(services: StorageServices, options: ApiServerOptions = {}): Promise<ApiServer> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
  });
  const overview = new StorageOverviewCache(services, options.statsTtlMs);
  const prometheus = createStoragePrometheus(services, overview);
  const checkToken = options.token ? bearerTokenCheck(options.token) : null;

  app.setReplySerializer((payload) => toJson(payload));
  app.setErrorHandler((error, request, reply) => errorReply(error, request, reply));
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  app.addHook('onRequest', async (request, reply) => {
    if (!checkToken || !request.url.startsWith('/api')) return;
    if (!checkToken(request.headers.authorization)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  });
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  app.addHook('onRequest', async () => {
    inFlight += 1;
  });
  app.addHook('onResponse', async (request, reply) => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of idleWaiters.splice(0)) wake();
    const route = request.routeOptions.url;
    if (route?.startsWith('/api/') && reply.statusCode < 400) prometheus.observeQuery(route, reply.elapsedTime / 1000);
  });
  app.addHook('onClose', async () => prometheus.stop());

  app.get('/metrics', async (_request, reply) => {
    const body = await prometheus.registry.metrics();
    return reply.header('content-type', prometheus.registry.contentType).send(body);
  });
  registerStatsRoutes(app, services, overview);
  registerMetricsRoutes(app, services);
  registerExecutionRoutes(app, services);
  registerMarketDataRoutes(app, services);
  registerEventsRoutes(app, services);
  await registerDashboardRoutes(app);
  await app.ready();
  const server = app as unknown as ApiServer;
  server.inFlight = () => inFlight;
  server.whenIdle = (maxWaitMs) => {
    if (inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        idleWaiters = idleWaiters.filter((w) => w !== wake);
        resolve();
      }, maxWaitMs);
      idleWaiters.push(wake);
    });
  };
  return server;
}
