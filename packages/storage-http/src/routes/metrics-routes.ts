// /api/metrics/*: raw points of a range, bucketed aggregates, latest values,
// and the metric names and series there are. GET takes query parameters;
// /query and /aggregate also take the same fields as a JSON body (POST).

import type { FastifyInstance } from 'fastify';
import { aggregateMetrics, listMetricSeries, readLatestMetrics, readMetricPoints } from '@ag/storage-services';
import { noParameters, parseParameters } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export function registerMetricsRoutes(app: FastifyInstance, services: StorageServices): void {
  app.get('/api/metrics/query', (request) => readMetricPoints(services, request.query));
  app.post('/api/metrics/query', (request) => readMetricPoints(services, request.body));
  app.get('/api/metrics/aggregate', (request) => aggregateMetrics(services, request.query));
  app.post('/api/metrics/aggregate', (request) => aggregateMetrics(services, request.body));
  app.get('/api/metrics/latest', (request) => readLatestMetrics(services, request.query));
  app.get('/api/metrics/names', async (request) => {
    parseParameters(noParameters, request.query);
    return { data: await services.metrics.listMetricNames() };
  });
  app.get('/api/metrics/series', (request) => listMetricSeries(services, request.query));
}
