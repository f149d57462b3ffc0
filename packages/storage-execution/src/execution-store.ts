// ExecutionStore: the audit trail of real money. Orders (upserted by client
// order id along the order lifecycle), fills (idempotent on the venue's fill
// id, moving their order's filled size and status in the same transaction),
// position snapshots, and what is read back from them: paginated order
// history, fills of an order, positions, daily statistics, trade statistics
// and reconciliation. Every input is validated before anything is written;
// money is exact decimal end to end (Prisma.Decimal out).

import { ValidationError, type Storage } from '@ag/storage-core';
import {
  activeOrdersQuerySchema,
  dailyStatsQuerySchema,
  marketKeySchema,
  orderLookupSchema,
  orderQuerySchema,
  positionQuerySchema,
  reconcileQuerySchema,
  tradeStatisticsQuerySchema,
} from './execution-query-schemas.js';
import { fillInputSchema, type FillInput } from './fills/fill-input.js';
import { fillFromRow, type Fill, type FillRow } from './fills/fill-row.js';
import { writeFills, type FillWriteOutcome } from './fills/write-fills.js';
import { decodeOrderCursor, encodeOrderCursor } from './orders/order-cursor.js';
import { orderInputSchema, type OrderInput } from './orders/order-input.js';
import { orderFromRow, type Order, type OrderRow } from './orders/order-row.js';
import type { OrderWriteOutcome } from './orders/order-update.js';
import { writeOrders } from './orders/write-orders.js';
import { positionInputSchema, type PositionInput } from './positions/position-input.js';
import { positionFromRow, type Position, type PositionRow } from './positions/position-row.js';
import { reconcilePositions, type PositionDrift } from './positions/reconcile-positions.js';
import { writePositions, type WritePositionsResult } from './positions/write-positions.js';
import { readFillDailyStats, readOrderDailyStats, type FillDailyStats, type OrderDailyStats } from './stats/daily-stats.js';
import { computeTradeStatistics, listRoundTrips, type RoundTrip, type TradeStatisticsReport } from './stats/trade-statistics.js';
import { TIME_MICROS_SQL, timestampFromMicros } from './time-keyset.js';
import { DEFAULT_WRITE_RETRY, transactionWithRetry, withWriteRetry, type WriteRetryPolicy } from './transaction-with-retry.js';
import { uuidField } from './validation/field-schemas.js';
import { parseBatch, parseInput } from './validation/parse-input.js';

export interface StoreOrderResult {
  outcome: OrderWriteOutcome;
  /** The order as stored after the call. */
  order: Order;
}

export interface StoreOrdersResult {
  /** One outcome per input, in input order. */
  outcomes: OrderWriteOutcome[];
  inserted: number;
  updated: number;
  stale: number;
  unchanged: number;
}

export interface StoreFillResult {
  outcome: FillWriteOutcome;
  /** The stored fill (the one already stored, for a duplicate). */
  fill: Fill;
  /** Its order after the call. */
  order: Order;
}

export interface StoreFillsResult {
  outcomes: FillWriteOutcome[];
  inserted: number;
  duplicates: number;
}

export interface OrderQuery {
  /** Orders created in [start, end). */
  start: Date | string | number;
  end: Date | string | number;
  venue?: string;
  market?: string;
  side?: 'buy' | 'sell';
  /** One status or any of several. */
  status?: Order['status'] | Order['status'][];
  /** Page size; default and maximum: config query.max_results. */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string;
  /** By creation time (then id); default 'asc'. */
  order?: 'asc' | 'desc';
}

export interface OrderPage {
  orders: Order[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PositionQuery {
  market: string;
  venue?: string;
  /** Snapshots in [start, end), oldest first. */
  start: Date | string | number;
  end: Date | string | number;
  limit?: number;
}

export interface DailyStatsRequest {
  start: Date | string | number;
  end: Date | string | number;
  venue?: string;
  market?: string;
  refresh?: boolean;
}

export interface TradeStatisticsRequest {
  start: Date | string | number;
  end: Date | string | number;
  venue?: string;
  market?: string;
  includeFees?: boolean;
}

export interface ReconcileRequest {
  venue?: string;
  market?: string;
  at?: Date | string | number;
  includeFees?: boolean;
  sizeTolerance?: string | number;
  priceTolerance?: string | number;
}

const SELECT_ORDER_BY_ID = `SELECT * FROM orders WHERE id = $1`;
const SELECT_ORDER_BY_CLIENT_ID = `SELECT * FROM orders WHERE client_order_id = $1`;
const SELECT_FILLS_OF_ORDER = `SELECT * FROM fills WHERE order_id = $1 ORDER BY time, id`;
const SELECT_ACTIVE_ORDERS = `
SELECT * FROM active_orders
 WHERE ($1::text IS NULL OR venue = $1) AND ($2::text IS NULL OR market = $2)
 ORDER BY time, id`;
const SELECT_POSITIONS = `
SELECT * FROM positions
 WHERE market = $1 AND time >= $2 AND time < $3 AND ($4::text IS NULL OR venue = $4)
 ORDER BY time, venue
 LIMIT $5`;
const SELECT_LATEST_POSITION = `
SELECT * FROM positions
 WHERE venue = $1 AND market = $2
 ORDER BY time DESC
 LIMIT 1`;

export interface ExecutionStoreOptions {
  /** How writes that lost their connection are retried (see the README's Concurrency and faults section). */
  retry?: Partial<WriteRetryPolicy>;
}

export class ExecutionStore {
  private readonly retry: WriteRetryPolicy;

  constructor(
    private readonly storage: Storage,
    options: ExecutionStoreOptions = {},
  ) {
    this.retry = { ...DEFAULT_WRITE_RETRY, ...options.retry };
    if (!Number.isInteger(this.retry.connectionAttempts) || this.retry.connectionAttempts < 1) {
      throw new ValidationError('options.retry.connectionAttempts', this.retry.connectionAttempts, 'must be an integer >= 1');
    }
  }

  /** Upserts one order by client order id (see the README for the rules). */
  async storeOrder(order: OrderInput): Promise<StoreOrderResult> {
    const parsed = parseInput(orderInputSchema, order, 'order');
    const result = await transactionWithRetry(this.storage, (tx) => writeOrders(tx, [parsed], { fieldOf: () => 'order', returnRows: true }), this.retry);
    const outcome = result.outcomes[0] as OrderWriteOutcome;
    const stored = result.orders.get(parsed.clientOrderId) as Order;
    if (outcome !== 'inserted' && outcome !== 'updated') {
      this.storage.logger.debug({ clientOrderId: parsed.clientOrderId, outcome }, 'order update not applied');
    }
    return { outcome, order: stored };
  }

  /** Upserts a batch of orders in one transaction: all of it, or nothing when any order is invalid. */
  async storeOrders(orders: readonly OrderInput[]): Promise<StoreOrdersResult> {
    const parsed = parseBatch(orderInputSchema, orders, 'orders');
    const { outcomes } = await transactionWithRetry(this.storage, (tx) => writeOrders(tx, parsed, { fieldOf: (i) => `orders[${i}]`, returnRows: false }), this.retry);
    const count = (outcome: OrderWriteOutcome) => outcomes.filter((o) => o === outcome).length;
    return { outcomes, inserted: count('inserted'), updated: count('updated'), stale: count('stale'), unchanged: count('unchanged') };
  }

  /** Stores one fill once, and moves its order's filled size and status in the same transaction. */
  async storeFill(fill: FillInput): Promise<StoreFillResult> {
    const parsed = parseInput(fillInputSchema, fill, 'fill');
    const result = await transactionWithRetry(this.storage, (tx) => writeFills(tx, [parsed], { fieldOf: () => 'fill', returnRows: true }), this.retry);
    const stored = result.fills[0] as Fill;
    return { outcome: result.outcomes[0] as FillWriteOutcome, fill: stored, order: result.orders.get(stored.orderId) as Order };
  }

  /** Stores a batch of fills in one transaction: all of it, or nothing when any fill is invalid. */
  async storeFills(fills: readonly FillInput[]): Promise<StoreFillsResult> {
    const parsed = parseBatch(fillInputSchema, fills, 'fills');
    const { outcomes } = await transactionWithRetry(this.storage, (tx) => writeFills(tx, parsed, { fieldOf: (i) => `fills[${i}]`, returnRows: false }), this.retry);
    const inserted = outcomes.filter((o) => o === 'inserted').length;
    return { outcomes, inserted, duplicates: outcomes.length - inserted };
  }

  /** Stores one position snapshot (upsert on venue, market, time). */
  async storePosition(position: PositionInput): Promise<{ outcome: 'inserted' | 'updated' | 'unchanged' }> {
    const parsed = parseInput(positionInputSchema, position, 'position');
    const result = await withWriteRetry(this.retry, () => writePositions(this.storage.engine, [parsed]));
    return { outcome: result.inserted ? 'inserted' : result.updated ? 'updated' : 'unchanged' };
  }

  /** Stores a batch of position snapshots in one statement. */
  async storePositions(positions: readonly PositionInput[]): Promise<WritePositionsResult> {
    const parsed = parseBatch(positionInputSchema, positions, 'positions');
    return withWriteRetry(this.retry, () => writePositions(this.storage.engine, parsed));
  }

  /** One order by id or by client order id; null when there is none. */
  async getOrder(lookup: { id: string } | { clientOrderId: string }): Promise<Order | null> {
    const parsed = parseInput(orderLookupSchema, lookup, 'lookup');
    const rows =
      'id' in parsed
        ? await this.storage.query<OrderRow>(SELECT_ORDER_BY_ID, [parsed.id])
        : await this.storage.query<OrderRow>(SELECT_ORDER_BY_CLIENT_ID, [parsed.clientOrderId]);
    return rows[0] ? orderFromRow(rows[0]) : null;
  }

  /** Orders created in [start, end) matching the filters, a page at a time (keyset on time, id). */
  async queryOrders(query: OrderQuery): Promise<OrderPage> {
    const q = parseInput(orderQuerySchema, query, 'query');
    const maxResults = this.storage.config.query.max_results;
    if (q.limit !== undefined && q.limit > maxResults) {
      throw new ValidationError('query.limit', q.limit, `at most query.max_results (${maxResults})`);
    }
    const limit = q.limit ?? maxResults;
    const direction = q.order ?? 'asc';
    const params: unknown[] = [q.start, q.end];
    const conditions = ['time >= $1', 'time < $2'];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (q.venue !== undefined) add((p) => `venue = ${p}`, q.venue);
    if (q.market !== undefined) add((p) => `market = ${p}`, q.market);
    if (q.side !== undefined) add((p) => `side = ${p}::order_side`, q.side);
    if (q.status !== undefined) add((p) => `status = ANY(${p}::text[]::order_status[])`, Array.isArray(q.status) ? q.status : [q.status]);
    if (q.cursor !== undefined) {
      const cursor = decodeOrderCursor(q.cursor, 'query.cursor');
      if (cursor.order !== direction) throw new ValidationError('query.cursor', q.cursor, `made for order "${cursor.order}", not "${direction}"`);
      params.push(cursor.micros, cursor.id);
      const comparison = direction === 'asc' ? '>' : '<';
      conditions.push(`(time, id) ${comparison} (${timestampFromMicros(`$${params.length - 1}`)}, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const sortDirection = direction === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.storage.query<OrderRow & { cursor_micros: string }>(
      `SELECT *, ${TIME_MICROS_SQL} AS cursor_micros FROM orders
        WHERE ${conditions.join(' AND ')}
        ORDER BY time ${sortDirection}, id ${sortDirection}
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      orders: page.map(orderFromRow),
      nextCursor: rows.length > limit && last ? encodeOrderCursor({ micros: last.cursor_micros, id: last.id, order: direction }) : null,
    };
  }

  /** Orders still working (new, open, partially_filled), oldest first. */
  async getActiveOrders(filter: { venue?: string; market?: string } = {}): Promise<Order[]> {
    const q = parseInput(activeOrdersQuerySchema, filter, 'filter');
    const rows = await this.storage.query<OrderRow>(SELECT_ACTIVE_ORDERS, [q.venue ?? null, q.market ?? null]);
    return rows.map(orderFromRow);
  }

  /** The fills of one order, oldest first. */
  async queryFillsByOrder(orderId: string): Promise<Fill[]> {
    const id = parseInput(uuidField, orderId, 'orderId');
    const rows = await this.storage.query<FillRow>(SELECT_FILLS_OF_ORDER, [id]);
    return rows.map(fillFromRow);
  }

  /** Position snapshots of a market in [start, end), oldest first. */
  async queryPositions(query: PositionQuery): Promise<Position[]> {
    const q = parseInput(positionQuerySchema, query, 'query');
    const maxResults = this.storage.config.query.max_results;
    if (q.limit !== undefined && q.limit > maxResults) {
      throw new ValidationError('query.limit', q.limit, `at most query.max_results (${maxResults})`);
    }
    const rows = await this.storage.query<PositionRow>(SELECT_POSITIONS, [q.market, q.start, q.end, q.venue ?? null, q.limit ?? maxResults]);
    return rows.map(positionFromRow);
  }

  /** The newest snapshot of one position, or null. */
  async getLatestPosition(venue: string, market: string): Promise<Position | null> {
    const key = parseInput(marketKeySchema, { venue, market }, 'position');
    const rows = await this.storage.query<PositionRow>(SELECT_LATEST_POSITION, [key.venue, key.market]);
    return rows[0] ? positionFromRow(rows[0]) : null;
  }

  /** Fill count, volume, notional, fees, VWAP and buy/sell volume per venue, market and UTC day. */
  async getFillDailyStats(query: DailyStatsRequest): Promise<FillDailyStats[]> {
    return readFillDailyStats(this.storage.engine, parseInput(dailyStatsQuerySchema, query, 'query'));
  }

  /** Order counts per final status, submitted and filled size, notional per venue, market and UTC day. */
  async getOrderDailyStats(query: DailyStatsRequest): Promise<OrderDailyStats[]> {
    return readOrderDailyStats(this.storage.engine, parseInput(dailyStatsQuerySchema, query, 'query'));
  }

  /** Realized PnL, win rate, average win/loss, profit factor and max drawdown of the round trips closed in [start, end). */
  async getTradeStatistics(query: TradeStatisticsRequest): Promise<TradeStatisticsReport> {
    return computeTradeStatistics(this.storage.engine, parseInput(tradeStatisticsQuerySchema, query, 'query'));
  }

  /** The round trips closed in [start, end), in closing order. */
  async listRoundTrips(query: TradeStatisticsRequest): Promise<RoundTrip[]> {
    return listRoundTrips(this.storage.engine, parseInput(tradeStatisticsQuerySchema, query, 'query'));
  }

  /** Positions rebuilt from fills (average cost) against the latest stored snapshots. */
  async reconcilePositions(query: ReconcileRequest = {}): Promise<PositionDrift[]> {
    return reconcilePositions(this.storage.engine, parseInput(reconcileQuerySchema, query, 'query'));
  }
}
