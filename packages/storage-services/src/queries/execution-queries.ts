// Execution reads from request parameters, all through ExecutionStore:
// orders and fills (newest first by default, paged by the keyset cursor, at
// most query.max_results a page), position snapshots of a market, the latest
// position of every account, strategy and market, funding payments, the
// registered accounts and strategies, and trade statistics. Every read takes
// `account` and `strategy` filters.

import { z } from 'zod';
import { ORDER_SIDES, ORDER_STATUSES } from '@ag/storage-execution';
import type { StorageServices } from '../storage-services.js';
import { limitParameter, listParameter, nameParameter, noParameters, parseParameters, timeRange } from '../query-parameters.js';

const DAY = 86_400_000;
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');

/** The account and strategy filters every execution route takes. */
const fleet = { account: nameParameter.optional(), strategy: nameParameter.optional() };
const cursor = z.string().min(1).max(500);

const ordersRange = timeRange(DAY);
const ordersQuery = z
  .object({
    start: ordersRange.start,
    end: ordersRange.end,
    ...fleet,
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    side: z.enum(ORDER_SIDES).optional(),
    status: listParameter(z.enum(ORDER_STATUSES), ORDER_STATUSES.length).optional(),
    limit: limitParameter(10_000).default(100),
    cursor: cursor.optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

const fillsRange = timeRange(DAY);
const fillsQuery = z
  .object({
    start: fillsRange.start,
    end: fillsRange.end,
    orderId: uuid.optional(),
    ...fleet,
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    side: z.enum(ORDER_SIDES).optional(),
    limit: limitParameter(10_000).default(100),
    cursor: cursor.optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
  })
  .strict();

const positionsRange = timeRange(DAY);
const positionsQuery = z
  .object({
    market: nameParameter,
    venue: nameParameter.optional(),
    ...fleet,
    start: positionsRange.start,
    end: positionsRange.end,
    limit: limitParameter(100_000).optional(),
  })
  .strict();

const latestPositionsQuery = z.object({ ...fleet, venue: nameParameter.optional(), market: nameParameter.optional() }).strict();

const fundingRange = timeRange(30 * DAY);
const fundingQuery = z
  .object({
    start: fundingRange.start,
    end: fundingRange.end,
    ...fleet,
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    limit: limitParameter(100_000).optional(),
  })
  .strict();

const statisticsRange = timeRange(7 * DAY);
const tradeStatisticsQuery = z
  .object({
    start: statisticsRange.start,
    end: statisticsRange.end,
    ...fleet,
    venue: nameParameter.optional(),
    market: nameParameter.optional(),
    includeFees: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .strict();

/** Drops undefined fields (the store's inputs are exact optional types). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

/** A page size: what was asked for, at most query.max_results. */
function pageSize(services: StorageServices, limit: number): number {
  return Math.min(limit, services.storage.config.query.max_results);
}

export async function listOrders(services: StorageServices, input: unknown) {
  const { start: from, end: to, limit, ...q } = parseParameters(ordersQuery, input);
  const { start, end } = ordersRange.resolve({ start: from, end: to });
  const page = await services.executions.queryOrders({ ...defined(q), start, end, limit: pageSize(services, limit) });
  return { data: page.orders, nextCursor: page.nextCursor, start, end };
}

export async function listFills(services: StorageServices, input: unknown) {
  const { start: from, end: to, limit, orderId, ...q } = parseParameters(fillsQuery, input);
  if (orderId) return { data: await services.executions.queryFillsByOrder(orderId) };
  const { start, end } = fillsRange.resolve({ start: from, end: to });
  const page = await services.executions.queryFills({ ...defined(q), start, end, limit: pageSize(services, limit) });
  return { data: page.fills, nextCursor: page.nextCursor, start, end };
}

export async function listPositions(services: StorageServices, input: unknown) {
  const q = parseParameters(positionsQuery, input);
  const { start, end } = positionsRange.resolve(q);
  const positions = await services.executions.queryPositions({
    ...defined({ market: q.market, venue: q.venue, account: q.account, strategy: q.strategy }),
    start,
    end,
    ...(q.limit ? { limit: pageSize(services, q.limit) } : {}),
  });
  return { data: positions, start, end };
}

export async function listLatestPositions(services: StorageServices, input: unknown) {
  const q = parseParameters(latestPositionsQuery, input);
  return { data: await services.executions.getLatestPositions(defined(q)) };
}

export async function listFundingPayments(services: StorageServices, input: unknown) {
  const q = parseParameters(fundingQuery, input);
  const { start, end } = fundingRange.resolve(q);
  const payments = await services.executions.queryFundingPayments({
    ...defined({ account: q.account, strategy: q.strategy, venue: q.venue, market: q.market }),
    start,
    end,
    ...(q.limit ? { limit: pageSize(services, q.limit) } : {}),
  });
  return { data: payments, start, end };
}

export async function listAccounts(services: StorageServices, input: unknown) {
  parseParameters(noParameters, input);
  return { data: await services.executions.listAccounts() };
}

export async function listStrategies(services: StorageServices, input: unknown) {
  parseParameters(noParameters, input);
  return { data: await services.executions.listStrategies() };
}

export async function readTradeStatistics(services: StorageServices, input: unknown) {
  const q = parseParameters(tradeStatisticsQuery, input);
  const { start, end } = statisticsRange.resolve(q);
  const report = await services.executions.getTradeStatistics({
    ...defined({ account: q.account, strategy: q.strategy, venue: q.venue, market: q.market, includeFees: q.includeFees }),
    start,
    end,
  });
  return { data: report, start, end };
}
