// Data and raw baselines for the `bench execution` suite: generated orders,
// fills, position snapshots and candles, and the same rows written the
// plainest ways the engines allow (one INSERT ... SELECT unnest, COPY,
// Prisma createMany), with none of the library's validation or upsert logic.

import { randomUUID } from 'node:crypto';
import { copyTextValue, type Storage } from '@ag/storage-core';
import type { CandleInput, FillInput, OrderInput, PositionInput } from '@ag/storage-execution';

const BASE_TIME = Date.UTC(2026, 10, 2, 0, 0, 0);

export function generateOrders(prefix: string, count: number, venue = 'bench'): OrderInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    clientOrderId: `${prefix}-${i}`,
    time: new Date(BASE_TIME + i * 10),
    venue,
    market: `M${i % 20}-USD`,
    side: i % 2 === 0 ? 'buy' : 'sell',
    orderType: 'limit',
    price: `${20_000 + (i % 1000)}.${String(i % 100).padStart(2, '0')}`,
    size: `${(i % 7) + 1}.125`,
    status: 'new',
    stateTime: new Date(BASE_TIME + i * 10),
  }));
}

/** One fill per order, for the order's full size (so each fill moves its order to filled). */
export function generateFills(orders: readonly OrderInput[], prefix: string): FillInput[] {
  return orders.map((order, i) => ({
    clientOrderId: order.clientOrderId,
    venueFillId: `${prefix}-${i}`,
    time: new Date((order.time as Date).getTime() + 500),
    price: order.price as string,
    size: order.size,
    fee: '0.0125',
  }));
}

export function generatePositions(venue: string, markets: number, perMarket: number): PositionInput[] {
  const out: PositionInput[] = [];
  for (let m = 0; m < markets; m += 1) {
    for (let i = 0; i < perMarket; i += 1) {
      out.push({ time: new Date(BASE_TIME + i * 60_000), venue, market: `P${m}-USD`, size: `${(i % 11) - 5}.5`, avgEntryPrice: `${100 + m}.25` });
    }
  }
  return out;
}

export function generateCandles(venue: string, symbols: number, perSymbol: number): CandleInput[] {
  const out: CandleInput[] = [];
  for (let s = 0; s < symbols; s += 1) {
    for (let i = 0; i < perSymbol; i += 1) {
      const open = 100 + (i % 17);
      const close = 100 + (i % 13);
      out.push({
        time: new Date(BASE_TIME + i * 60_000), venue, symbol: `S${s}-USD`, timeframe: '1m',
        open: `${open}.5`, high: `${Math.max(open, close) + 1}`, low: `${Math.min(open, close) - 1}`, close: `${close}.25`, volume: `${i % 50}.75`,
      });
    }
  }
  return out;
}

const RAW_INSERT_ORDERS = `
INSERT INTO orders (id, time, venue, market, side, order_type, price, size, status, client_order_id, state_time)
SELECT u.id, u.time, u.venue, u.market, u.side::order_side, u.order_type::order_type, u.price, u.size,
       'new', u.client_order_id, u.time
  FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::text[])
       AS u(id, time, venue, market, side, order_type, price, size, client_order_id)`;

export async function rawInsertOrders(storage: Storage, orders: readonly OrderInput[]): Promise<void> {
  await storage.execute(RAW_INSERT_ORDERS, [
    orders.map((o) => o.id),
    orders.map((o) => (o.time as Date).toISOString()),
    orders.map((o) => o.venue),
    orders.map((o) => o.market),
    orders.map((o) => o.side),
    orders.map((o) => o.orderType),
    orders.map((o) => o.price),
    orders.map((o) => o.size),
    orders.map((o) => o.clientOrderId),
  ]);
}

export async function copyOrders(storage: Storage, orders: readonly OrderInput[]): Promise<void> {
  const text = orders
    .map((o) =>
      [o.id as string, (o.time as Date).toISOString(), o.venue, o.market, o.side, o.orderType, o.price as string, o.size as string, o.clientOrderId]
        .map((v) => copyTextValue(v))
        .join('\t'),
    )
    .join('\n');
  await storage.engine.copyFrom(
    'COPY orders (id, time, venue, market, side, order_type, price, size, client_order_id) FROM STDIN',
    `${text}\n`,
  );
}

export async function prismaCreateOrders(storage: Storage, orders: readonly OrderInput[]): Promise<void> {
  await storage.prisma.order.createMany({
    data: orders.map((o) => ({
      id: o.id as string,
      time: o.time as Date,
      venue: o.venue,
      market: o.market,
      side: o.side,
      orderType: o.orderType,
      price: o.price as string,
      size: o.size as string,
      clientOrderId: o.clientOrderId,
    })),
  });
}

const RAW_INSERT_FILLS = `
INSERT INTO fills (id, time, order_id, account_id, strategy_id, venue, market, side, price, size, fee, venue_fill_id)
SELECT u.id, u.time, o.id, o.account_id, o.strategy_id, o.venue, o.market, o.side, u.price, u.size, u.fee, u.venue_fill_id
  FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::numeric[], $5::numeric[], $6::numeric[], $7::text[])
       AS u(id, time, client_order_id, price, size, fee, venue_fill_id)
  JOIN orders o ON o.account_id = 'default' AND o.client_order_id = u.client_order_id`;

/** Fills inserted as plain rows (order ids looked up by join), without order updates (fill_keys' trigger still claims each key). */
export async function rawInsertFills(storage: Storage, fills: readonly FillInput[]): Promise<void> {
  await storage.execute(RAW_INSERT_FILLS, [
    fills.map(() => randomUUID()),
    fills.map((f) => (f.time as Date).toISOString()),
    fills.map((f) => f.clientOrderId),
    fills.map((f) => f.price),
    fills.map((f) => f.size),
    fills.map((f) => f.fee),
    fills.map((f) => f.venueFillId),
  ]);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
