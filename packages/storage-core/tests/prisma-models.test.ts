// Every Prisma model round-trips a row through the shared client, with exact
// decimals, on every engine.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestStorage, describeEachEngine, type TestStorage } from '@ag/storage-testing';
import { Prisma } from '../src/index.js';

const T0 = new Date('2026-11-20T12:34:56.789Z');

describeEachEngine('prisma models', ({ engine, adminUrl }) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await createTestStorage({ engine, ...(adminUrl ? { adminUrl } : {}) });
  });
  afterAll(async () => storage?.close());

  it('round-trips MetricSeries and MetricPoint', async () => {
    const series = await storage.prisma.metricSeries.create({
      data: { metricName: 'feed.lag_ms', labels: { market: 'BTC-USD', venue: "o'kx \"quoted\"" } },
    });
    await storage.prisma.metricPoint.create({ data: { time: T0, seriesId: series.id, value: 0.1 + 0.2 } });
    const point = await storage.prisma.metricPoint.findFirstOrThrow({ include: { series: true } });
    expect(point.value).toBe(0.1 + 0.2);
    expect(point.time.toISOString()).toBe(T0.toISOString());
    expect(point.series.labels).toEqual({ market: 'BTC-USD', venue: "o'kx \"quoted\"" });
  });

  it('round-trips Event with its enum severity and JSON payload', async () => {
    const created = await storage.prisma.event.create({
      data: { time: T0, kind: 'risk.decision', severity: 'warning', source: 'risk', message: 'limit hit', payload: { limit: '1.5' } },
    });
    const found = await storage.prisma.event.findUniqueOrThrow({ where: { id_time: { id: created.id, time: T0 } } });
    expect(found).toMatchObject({ kind: 'risk.decision', severity: 'warning', payload: { limit: '1.5' } });
    expect(typeof found.id).toBe('bigint');
  });

  it('round-trips Order, Fill, Position and Candle with exact decimals', async () => {
    const order = await storage.prisma.order.create({
      data: {
        time: T0, venue: 'binance', market: 'ETH-USDT', side: 'buy', orderType: 'limit',
        price: '0.300000000000000001', size: '12345678901234567890.123456789012345678',
        clientOrderId: 'model-1', timeInForce: 'post_only',
      },
    });
    const storedOrder = await storage.prisma.order.findUniqueOrThrow({ where: { clientOrderId_accountId: { clientOrderId: 'model-1', accountId: 'default' } } });
    expect(storedOrder.price?.toFixed()).toBe('0.300000000000000001');
    expect(storedOrder.size.toFixed()).toBe('12345678901234567890.123456789012345678');
    expect(storedOrder.filledSize.toFixed()).toBe('0');
    expect(storedOrder.status).toBe('new');

    await storage.prisma.fill.create({
      data: {
        time: T0, orderId: order.id, venue: 'binance', market: 'ETH-USDT', side: 'buy',
        price: new Prisma.Decimal('0.1').plus('0.2'), size: '0.0000001', fee: '0.000000000000000001',
        feeCurrency: 'USDT', venueFillId: 'vf-1',
      },
    });
    const fill = await storage.prisma.fill.findFirstOrThrow({ where: { orderId: order.id } });
    expect(fill.price.toFixed()).toBe('0.3');
    expect(fill.size.toFixed()).toBe('0.0000001');
    expect(fill.fee.toFixed()).toBe('0.000000000000000001');

    await storage.prisma.position.create({
      data: { time: T0, venue: 'binance', market: 'ETH-USDT', size: '-1.5', avgEntryPrice: '3000.123456789', realizedPnl: '-0.000000000000000001' },
    });
    const position = await storage.prisma.position.findFirstOrThrow();
    expect(position.size.toFixed()).toBe('-1.5');
    expect(position.avgEntryPrice?.toFixed()).toBe('3000.123456789');
    expect(position.realizedPnl.toFixed()).toBe('-0.000000000000000001');

    await storage.prisma.candle.create({
      data: { time: T0, venue: 'binance', symbol: 'ETH-USDT', timeframe: '1m', open: '1.1', high: '1.3', low: '1.0', close: '1.2', volume: '1000.000000000000000001' },
    });
    const candle = await storage.prisma.candle.findFirstOrThrow();
    expect([candle.open, candle.high, candle.low, candle.close, candle.volume].map((d) => d.toFixed())).toEqual([
      '1.1', '1.3', '1', '1.2', '1000.000000000000000001',
    ]);
  });

  it('exposes the views over the same rows', async () => {
    const active = await storage.query<{ client_order_id: string }>(`SELECT client_order_id FROM active_orders`);
    expect(active.map((r) => r.client_order_id)).toContain('model-1');
    const latest = await storage.query<{ size: string }>(`SELECT size FROM latest_positions WHERE market = 'ETH-USDT'`);
    expect(latest).toEqual([{ size: '-1.500000000000000000' }]);
    const metrics = await storage.query<{ metric_name: string; value: number }>(`SELECT metric_name, value FROM metrics`);
    expect(metrics).toEqual([{ metric_name: 'feed.lag_ms', value: 0.1 + 0.2 }]);
  });

  it('refuses a candle whose high is below its open, at the database too', async () => {
    await expect(
      storage.prisma.candle.create({
        data: { time: T0, venue: 'x', symbol: 'y', timeframe: '1m', open: '2', high: '1', low: '0.5', close: '1', volume: '1' },
      }),
    ).rejects.toThrow();
    expect(await storage.prisma.candle.count({ where: { venue: 'x' } })).toBe(0);
  });
});
