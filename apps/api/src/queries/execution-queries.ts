// Execution reads from request parameters: orders (newest first by default,
// paged by the keyset cursor), fills (of a range or of one order), position
// snapshots of a market, and the latest position of every market.

import { z } from 'zod';
import { ORDER_SIDES, ORDER_STATUSES } from '@ag/storage-execution';
import type { StorageServices } from '../storage-services.js';
import { limitParameter, listParameter, nameParameter, parseParameters, timeRange } from '../query-parameters.js';

const DAY = 86_400_000;
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

const ordersRange = timeRange(DAY);
const ordersQuery = z
  .object({
    start: ordersRange.start,
    end: ordersRange.end,
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    side: z.enum(ORDER_SIDES).optional(),
    status: listParameter(z.enum(ORDER_STATUSES), ORDER_STATUSES.length).optional(),
    limit: limitParameter(10_000).default(100),
    cursor: z.string().min(1).max(500).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

const fillsRange = timeRange(DAY);
const fillsQuery = z
  .object({
    start: fillsRange.start,
    end: fillsRange.end,
    orderId: uuid.optional(),
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    side: z.enum(ORDER_SIDES).optional(),
    limit: limitParameter(10_000).default(100),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

const positionsRange = timeRange(DAY);
const positionsQuery = z
  .object({
    market: nameParameter,
    venue: nameParameter.optional(),
    start: positionsRange.start,
    end: positionsRange.end,
    limit: limitParameter(100_000).optional(),
  })
  .strict();

const latestPositionsQuery = z.object({ venue: nameParameter.optional(), market: nameParameter.optional() }).strict();

/** The newest snapshot per (venue, market), from the latest_positions view. */
const LATEST_POSITIONS = `
SELECT time, venue, market, size, avg_entry_price AS "avgEntryPrice",
       unrealized_pnl AS "unrealizedPnl", realized_pnl AS "realizedPnl"
  FROM latest_positions
 WHERE ($1::text IS NULL OR venue = $1) AND ($2::text IS NULL OR market = $2)
 ORDER BY venue, market`;

export async function listOrders(services: StorageServices, input: unknown) {
  const q = parseParameters(ordersQuery, input);
  const { start, end } = ordersRange.resolve(q);
  const page = await services.executions.queryOrders({
    start,
    end,
    limit: Math.min(q.limit, services.storage.config.query.max_results),
    order: q.order,
    ...(q.venue ? { venue: q.venue } : {}),
    ...(q.market ? { market: q.market } : {}),
    ...(q.side ? { side: q.side } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
  });
  return { data: page.orders, nextCursor: page.nextCursor, start, end };
}

export async function listFills(services: StorageServices, input: unknown) {
  const q = parseParameters(fillsQuery, input);
  if (q.orderId) return { data: await services.executions.queryFillsByOrder(q.orderId) };
  const { start, end } = fillsRange.resolve(q);
  const fills = await services.storage.prisma.fill.findMany({
    where: {
      time: { gte: start, lt: end },
      ...(q.venue ? { venue: q.venue } : {}),
      ...(q.market ? { market: q.market } : {}),
      ...(q.side ? { side: q.side } : {}),
    },
    orderBy: [{ time: q.order }, { id: q.order }],
    take: q.limit,
  });
  return { data: fills, start, end };
}

export async function listPositions(services: StorageServices, input: unknown) {
  const q = parseParameters(positionsQuery, input);
  const { start, end } = positionsRange.resolve(q);
  const positions = await services.executions.queryPositions({
    market: q.market,
    start,
    end,
    ...(q.venue ? { venue: q.venue } : {}),
    ...(q.limit ? { limit: q.limit } : {}),
  });
  return { data: positions, start, end };
}

export async function listLatestPositions(services: StorageServices, input: unknown) {
  const q = parseParameters(latestPositionsQuery, input);
  return { data: await services.storage.query(LATEST_POSITIONS, [q.venue ?? null, q.market ?? null]) };
}
