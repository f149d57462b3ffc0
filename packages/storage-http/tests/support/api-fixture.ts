// A test database with a small, known trading history written through the
// stores, and an API server over it. Tests derive their expected answers
// from `history` (the data inserted), never from the API itself.

import { createTestStorage, type TestStorage } from '@ag/storage-testing';
import type { TestEngine } from '@ag/storage-testing';
import type { EventInput, MetricPointInput } from '@ag/storage-metrics';
import type { CandleInput, FillInput, OrderInput, PositionInput } from '@ag/storage-execution';
import { openStorageServices, type StorageServices } from '@ag/storage-services';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../../src/index.js';

export const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const MINUTE = 60_000;

export interface KnownHistory {
  points: Array<MetricPointInput & { timestamp: number; labels: Record<string, string> }>;
  orders: OrderInput[];
  fills: FillInput[];
  positions: PositionInput[];
  candles: CandleInput[];
  events: EventInput[];
}

export function knownHistory(): KnownHistory {
  const points: KnownHistory['points'] = [];
  for (const [m, market] of ['BTC-USD', 'ETH-USD'].entries()) {
    for (let i = 0; i < 120; i += 1) {
      points.push({ name: 'bot.pnl', value: 100 * (m + 1) + i * 0.5 - (i % 7), timestamp: T0 + i * MINUTE, labels: { venue: 'binance', market } });
      points.push({ name: 'feed.lag_ms', value: 10 + ((i * 37 + m * 11) % 23), timestamp: T0 + i * MINUTE, labels: { venue: 'binance', market } });
    }
  }
  const orders: OrderInput[] = [];
  const fills: FillInput[] = [];
  for (let i = 0; i < 30; i += 1) {
    const market = i % 2 === 0 ? 'BTC-USD' : 'ETH-USD';
    const clientOrderId = `api-test-${i}`;
    orders.push({
      clientOrderId, time: new Date(T0 + i * MINUTE), venue: 'binance', market, side: i % 3 === 0 ? 'sell' : 'buy',
      orderType: 'limit', price: `${1000 + i}.5`, size: '2', status: 'open', stateTime: new Date(T0 + i * MINUTE),
    });
    if (i % 2 === 0) fills.push({ clientOrderId, venueFillId: `api-fill-${i}`, time: new Date(T0 + i * MINUTE + 500), price: `${1000 + i}.5`, size: '1.25', fee: '0.01' });
  }
  const positions: PositionInput[] = [];
  for (const market of ['BTC-USD', 'ETH-USD']) {
    for (let i = 0; i < 20; i += 1) {
      positions.push({ time: new Date(T0 + i * 5 * MINUTE), venue: 'binance', market, size: `${(i % 5) - 2}`, avgEntryPrice: '1000.25', unrealizedPnl: `${i}.5`, realizedPnl: `${i * 2}` });
    }
  }
  const candles: CandleInput[] = [];
  for (let i = 0; i < 60; i += 1) {
    const open = 100 + (i % 9);
    const close = 100 + (i % 5);
    candles.push({
      time: new Date(T0 + i * MINUTE), venue: 'binance', symbol: 'BTC-USD', timeframe: '1m',
      open: `${open}`, high: `${Math.max(open, close) + 1}`, low: `${Math.min(open, close) - 1}`, close: `${close}`, volume: `${i}.25`,
    });
  }
  const events: EventInput[] = [];
  const severities = ['debug', 'info', 'warning', 'error', 'critical'] as const;
  for (let i = 0; i < 15; i += 1) {
    events.push({ time: T0 + i * MINUTE, kind: i % 2 ? 'risk.decision' : 'feed.lag_spike', source: 'api-test', severity: severities[i % 5], message: `event ${i}`, payload: { i } });
  }
  return { points, orders, fills, positions, candles, events };
}

export interface ApiFixture {
  storage: TestStorage;
  services: StorageServices;
  history: KnownHistory;
  server(options?: ApiServerOptions): Promise<ApiServer>;
  close(): Promise<void>;
}

export async function openApiFixture(engine: TestEngine, adminUrl: string | undefined): Promise<ApiFixture> {
  const storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  const services = openStorageServices(storage);
  const history = knownHistory();
  await services.metrics.insertMetricsBatch(history.points);
  await services.executions.storeOrders(history.orders);
  await services.executions.storeFills(history.fills);
  await services.executions.storePositions(history.positions);
  await services.marketData.upsertCandles(history.candles);
  await services.events.logEvents(history.events);
  const servers: ApiServer[] = [];
  return {
    storage,
    services,
    history,
    async server(options = {}) {
      const server = await createApiServer(services, options);
      servers.push(server);
      return server;
    },
    async close() {
      for (const server of servers) await server.close();
      await services.metrics.close();
      await storage.close();
    },
  };
}

/** Epoch ms as the ISO text the API takes. */
export const iso = (ms: number) => new Date(ms).toISOString();
