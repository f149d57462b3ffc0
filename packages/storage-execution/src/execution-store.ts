// ExecutionStore: the audit trail of real money, for a fleet of bots. Orders
// (upserted by account and client order id along the order lifecycle), fills
// (stored once per venue fill id and account for all time, moving their
// order's filled size and status in the same transaction), position
// snapshots and funding payments, each in an account and a strategy that
// must be registered; and what is read back from them: paginated order and
// fill history, positions, daily statistics, trade statistics and
// reconciliation, every read filtered by account and strategy. Every input is
// validated before anything is written; money is exact decimal end to end
// (Prisma.Decimal out, written as plain decimal text).

import { checkedResultLimit, readerFor, ValidationError, type Storage } from '@ag/storage-core';
import {
  activeOrdersQuerySchema,
  dailyStatsQuerySchema,
  fillQuerySchema,
  fundingQuerySchema,
  latestPositionsQuerySchema,
  orderLookupSchema,
  orderQuerySchema,
  positionKeySchema,
  positionQuerySchema,
  reconcileQuerySchema,
  tradeStatisticsQuerySchema,
} from './execution-query-schemas.js';
import type { AccountInput } from './fleet/account-input.js';
import { FleetRegistry, type RegisterOutcome } from './fleet/fleet-registry.js';
import type { Account, Strategy } from './fleet/fleet-rows.js';
import type { StrategyInput } from './fleet/strategy-input.js';
import { fillInputSchema, type FillInput } from './fills/fill-input.js';
import type { Fill } from './fills/fill-row.js';
import { readFillPage, readFillsOfOrder } from './fills/read-fills.js';
import { writeFills, type FillWriteOutcome } from './fills/write-fills.js';
import { fundingPaymentInputSchema, type FundingPaymentInput } from './funding/funding-input.js';
import type { FundingPayment } from './funding/funding-row.js';
import { readFundingPayments } from './funding/read-funding-payments.js';
import { writeFundingPayments, type FundingWriteOutcome } from './funding/write-funding-payments.js';
import { orderInputSchema, type OrderInput } from './orders/order-input.js';
import type { Order } from './orders/order-row.js';
import type { OrderWriteOutcome } from './orders/order-update.js';
import { readActiveOrders, readOrder, readOrderPage } from './orders/read-orders.js';
import { writeOrders } from './orders/write-orders.js';
import { positionInputSchema, type PositionInput } from './positions/position-input.js';
import type { Position } from './positions/position-row.js';
import { readLatestPosition, readLatestPositions, readPositions } from './positions/read-positions.js';
import { reconcilePositions, type PositionDrift } from './positions/reconcile-positions.js';
import { writePositions, type WritePositionsResult } from './positions/write-positions.js';
import { readFillDailyStats, readOrderDailyStats, type FillDailyStats, type OrderDailyStats } from './stats/daily-stats.js';
import { computeTradeStatistics, listRoundTrips, type RoundTrip, type TradeStatisticsReport } from './stats/trade-statistics.js';
import { DEFAULT_WRITE_RETRY, transactionWithRetry, withWriteRetry, type WriteRetryPolicy } from './transaction-with-retry.js';
import { uuidField } from './validation/field-schemas.js';
import { parseBatch, parseInput } from './validation/parse-input.js';

type TimeInput = Date | string | number;

/** Filters every read takes: an account and a strategy (each optional: all of them). */
export interface FleetFilter {
  account?: string;
  strategy?: string;
}

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
  /** The stored fill (for a duplicate, the one stored before; null when retention has removed it since). */
  fill: Fill | null;
  /** The fill's order (the one the input named) after the call: always there. */
  order: Order;
}

export interface StoreFillsResult {
  outcomes: FillWriteOutcome[];
  inserted: number;
  duplicates: number;
}

export interface StoreFundingPaymentsResult {
  outcomes: FundingWriteOutcome[];
  inserted: number;
  duplicates: number;
}

export interface OrderQuery extends FleetFilter {
  /** Orders created in [start, end). */
  start: TimeInput;
  end: TimeInput;
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

export interface FillQuery extends FleetFilter {
  /** Fills executed in [start, end). */
  start: TimeInput;
  end: TimeInput;
  venue?: string;
  market?: string;
  side?: 'buy' | 'sell';
  /** Page size; default and maximum: config query.max_results. */
  limit?: number;
  cursor?: string;
  /** By time (then id); default 'asc'. */
  order?: 'asc' | 'desc';
}

export interface FillPage {
  fills: Fill[];
  nextCursor: string | null;
}

export interface PositionQuery extends FleetFilter {
  market: string;
  venue?: string;
  /** Snapshots in [start, end), oldest first. */
  start: TimeInput;
  end: TimeInput;
  limit?: number;
}

export interface LatestPositionsFilter extends FleetFilter {
  venue?: string;
  market?: string;
}

export interface FundingPaymentQuery extends FleetFilter {
  /** Payments in [start, end), oldest first. */
  start: TimeInput;
  end: TimeInput;
  venue?: string;
  market?: string;
  limit?: number;
}

export interface DailyStatsRequest extends FleetFilter {
  start: TimeInput;
  end: TimeInput;
  venue?: string;
  market?: string;
  refresh?: boolean;
}

export interface TradeStatisticsRequest extends FleetFilter {
  start: TimeInput;
  end: TimeInput;
  venue?: string;
  market?: string;
  includeFees?: boolean;
}

export interface ReconcileRequest extends FleetFilter {
  venue?: string;
  market?: string;
  at?: TimeInput;
  includeFees?: boolean;
  sizeTolerance?: string | number;
  priceTolerance?: string | number;
}

export interface ExecutionStoreOptions {
  /** How writes that lost their connection are retried (see the README's Concurrency and faults section). */
  retry?: Partial<WriteRetryPolicy>;
}

/** A key another writer may claim concurrently: its violation is retried (the retry sees a duplicate). */
const FILL_KEY = ['fill_keys_pkey'];
const FUNDING_KEY = ['funding_payment_keys_pkey'];

export class ExecutionStore {
  private readonly retry: WriteRetryPolicy;
  private readonly fleet: FleetRegistry;

  constructor(
    private readonly storage: Storage,
    options: ExecutionStoreOptions = {},
  ) {
    this.retry = { ...DEFAULT_WRITE_RETRY, ...options.retry };
    if (!Number.isInteger(this.retry.connectionAttempts) || this.retry.connectionAttempts < 1) {
      throw new ValidationError('options.retry.connectionAttempts', this.retry.connectionAttempts, 'must be an integer >= 1');
    }
    this.fleet = new FleetRegistry(storage, this.retry);
  }

  // ------------------------------------------------------------------ fleet

  /** Registers a venue account (live, paper or backtest) that orders, fills, positions and funding may name. */
  registerAccount(account: AccountInput): Promise<{ outcome: RegisterOutcome; account: Account }> {
    return this.fleet.registerAccount(account);
  }

  /** Registers a strategy, or updates its name, version and parameters. */
  registerStrategy(strategy: StrategyInput): Promise<{ outcome: RegisterOutcome; strategy: Strategy }> {
    return this.fleet.registerStrategy(strategy);
  }

  /** Every registered account ('default' included), by id. */
  listAccounts(): Promise<Account[]> {
    return this.fleet.listAccounts();
  }

  /** Every registered strategy ('default' included), by id. */
  listStrategies(): Promise<Strategy[]> {
    return this.fleet.listStrategies();
  }

  // ----------------------------------------------------------------- writes

  /** Upserts one order by account and client order id (see the README for the rules). */
  async storeOrder(order: OrderInput): Promise<StoreOrderResult> {
    const parsed = parseInput(orderInputSchema, order, 'order');
    const result = await transactionWithRetry(this.storage, (tx) => writeOrders(tx, this.fleet, [parsed], { fieldOf: () => 'order', returnRows: true }), this.retry);
    const outcome = result.outcomes[0] as OrderWriteOutcome;
    if (outcome !== 'inserted' && outcome !== 'updated') {
      this.storage.logger.debug({ clientOrderId: parsed.clientOrderId, account: parsed.account, outcome }, 'order update not applied');
    }
    return { outcome, order: result.orders[0] as Order };
  }

  /** Upserts a batch of orders in one transaction: all of it, or nothing when any order is invalid. */
  async storeOrders(orders: readonly OrderInput[]): Promise<StoreOrdersResult> {
    const parsed = parseBatch(orderInputSchema, orders, 'orders');
    const { outcomes } = await transactionWithRetry(this.storage, (tx) => writeOrders(tx, this.fleet, parsed, { fieldOf: (i) => `orders[${i}]`, returnRows: false }), this.retry);
    const count = (outcome: OrderWriteOutcome) => outcomes.filter((o) => o === outcome).length;
    return { outcomes, inserted: count('inserted'), updated: count('updated'), stale: count('stale'), unchanged: count('unchanged') };
  }

  /** Stores one fill once, and moves its order's filled size and status in the same transaction. */
  async storeFill(fill: FillInput): Promise<StoreFillResult> {
    const parsed = parseInput(fillInputSchema, fill, 'fill');
    const result = await transactionWithRetry(this.storage, (tx) => writeFills(tx, [parsed], { fieldOf: () => 'fill', returnRows: true }), this.retry, FILL_KEY);
    return { outcome: result.outcomes[0] as FillWriteOutcome, fill: result.fills[0] ?? null, order: result.orders[0] as Order };
  }

  /** Stores a batch of fills in one transaction: all of it, or nothing when any fill is invalid. */
  async storeFills(fills: readonly FillInput[]): Promise<StoreFillsResult> {
    const parsed = parseBatch(fillInputSchema, fills, 'fills');
    const { outcomes } = await transactionWithRetry(this.storage, (tx) => writeFills(tx, parsed, { fieldOf: (i) => `fills[${i}]`, returnRows: false }), this.retry, FILL_KEY);
    const inserted = outcomes.filter((o) => o === 'inserted').length;
    return { outcomes, inserted, duplicates: outcomes.length - inserted };
  }

  /** Stores one position snapshot (upsert on account, strategy, venue, market, time). */
  async storePosition(position: PositionInput): Promise<{ outcome: 'inserted' | 'updated' | 'unchanged' }> {
    const parsed = parseInput(positionInputSchema, position, 'position');
    await this.fleet.check(this.storage.engine, [parsed], () => 'position');
    const result = await withWriteRetry(this.retry, () => writePositions(this.storage.engine, [parsed]));
    return { outcome: result.inserted ? 'inserted' : result.updated ? 'updated' : 'unchanged' };
  }

  /** Stores a batch of position snapshots in one statement. */
  async storePositions(positions: readonly PositionInput[]): Promise<WritePositionsResult> {
    const parsed = parseBatch(positionInputSchema, positions, 'positions');
    await this.fleet.check(this.storage.engine, parsed, (i) => `positions[${i}]`);
    return withWriteRetry(this.retry, () => writePositions(this.storage.engine, parsed));
  }

  /** Stores one funding payment once (per account, venue and venue payment id, for all time). */
  async storeFundingPayment(payment: FundingPaymentInput): Promise<{ outcome: FundingWriteOutcome }> {
    const parsed = parseInput(fundingPaymentInputSchema, payment, 'payment');
    const [outcome] = await transactionWithRetry(this.storage, (tx) => writeFundingPayments(tx, this.fleet, [parsed], () => 'payment'), this.retry, FUNDING_KEY);
    return { outcome: outcome as FundingWriteOutcome };
  }

  /** Stores a batch of funding payments in one transaction: all of it, or nothing when any is invalid. */
  async storeFundingPayments(payments: readonly FundingPaymentInput[]): Promise<StoreFundingPaymentsResult> {
    const parsed = parseBatch(fundingPaymentInputSchema, payments, 'payments');
    const outcomes = await transactionWithRetry(this.storage, (tx) => writeFundingPayments(tx, this.fleet, parsed, (i) => `payments[${i}]`), this.retry, FUNDING_KEY);
    const inserted = outcomes.filter((o) => o === 'inserted').length;
    return { outcomes, inserted, duplicates: outcomes.length - inserted };
  }

  // ------------------------------------------------------------------ reads

  /** One order by id, or by client order id in an account (default 'default'); null when there is none. */
  async getOrder(lookup: { id: string } | { clientOrderId: string; account?: string }): Promise<Order | null> {
    return readOrder(this.storage.reader, parseInput(orderLookupSchema, lookup, 'lookup'));
  }

  /** Orders created in [start, end) matching the filters, a page at a time (keyset on time, id). */
  async queryOrders(query: OrderQuery): Promise<OrderPage> {
    const q = parseInput(orderQuerySchema, query, 'query');
    return readOrderPage(this.storage.reader, { ...q, limit: this.pageSize(q.limit), order: q.order ?? 'asc' });
  }

  /** Orders still working (new, open, partially_filled), oldest first. */
  async getActiveOrders(filter: LatestPositionsFilter = {}): Promise<Order[]> {
    return readActiveOrders(this.storage.reader, parseInput(activeOrdersQuerySchema, filter, 'filter'));
  }

  /** The fills of one order, oldest first. */
  async queryFillsByOrder(orderId: string): Promise<Fill[]> {
    return readFillsOfOrder(this.storage.reader, parseInput(uuidField, orderId, 'orderId'));
  }

  /** Fills executed in [start, end) matching the filters, a page at a time (keyset on time, id). */
  async queryFills(query: FillQuery): Promise<FillPage> {
    const q = parseInput(fillQuerySchema, query, 'query');
    return readFillPage(this.storage.reader, { ...q, limit: this.pageSize(q.limit), order: q.order ?? 'asc' });
  }

  /** Position snapshots of a market in [start, end), oldest first. */
  async queryPositions(query: PositionQuery): Promise<Position[]> {
    const q = parseInput(positionQuerySchema, query, 'query');
    return readPositions(this.storage.reader, { ...q, limit: this.pageSize(q.limit) });
  }

  /** The newest snapshot of one position (of an account and strategy, default 'default' each), or null. */
  async getLatestPosition(venue: string, market: string, fleet: FleetFilter = {}): Promise<Position | null> {
    return readLatestPosition(this.storage.reader, parseInput(positionKeySchema, { venue, market, ...fleet }, 'position'));
  }

  /** The newest snapshot of every position matching the filters (latest_positions). */
  async getLatestPositions(filter: LatestPositionsFilter = {}): Promise<Position[]> {
    return readLatestPositions(this.storage.reader, parseInput(latestPositionsQuerySchema, filter, 'filter'));
  }

  /** Funding payments in [start, end) matching the filters, oldest first. */
  async queryFundingPayments(query: FundingPaymentQuery): Promise<FundingPayment[]> {
    const q = parseInput(fundingQuerySchema, query, 'query');
    return readFundingPayments(this.storage.reader, { ...q, limit: this.pageSize(q.limit) });
  }

  /** Fill count, volume, notional, fees per currency, VWAP and buy/sell volume per account, strategy, venue, market and UTC day. */
  async getFillDailyStats(query: DailyStatsRequest): Promise<FillDailyStats[]> {
    const q = parseInput(dailyStatsQuerySchema, query, 'query');
    return readFillDailyStats(readerFor(this.storage, { needsFreshRollups: q.refresh ?? true }), q);
  }

  /** Order counts per final status, submitted and filled size, notional per account, strategy, venue, market and UTC day. */
  async getOrderDailyStats(query: DailyStatsRequest): Promise<OrderDailyStats[]> {
    const q = parseInput(dailyStatsQuerySchema, query, 'query');
    return readOrderDailyStats(readerFor(this.storage, { needsFreshRollups: q.refresh ?? true }), q);
  }

  /** Realized PnL, funding, win rate, average win/loss, profit factor and max drawdown of the round trips closed in [start, end). */
  async getTradeStatistics(query: TradeStatisticsRequest): Promise<TradeStatisticsReport> {
    return computeTradeStatistics(this.storage.reader, parseInput(tradeStatisticsQuerySchema, query, 'query'));
  }

  /** The round trips closed in [start, end), in closing order. */
  async listRoundTrips(query: TradeStatisticsRequest): Promise<RoundTrip[]> {
    return listRoundTrips(this.storage.reader, parseInput(tradeStatisticsQuerySchema, query, 'query'));
  }

  /** Positions rebuilt from fills (average cost) against the latest stored snapshots. */
  async reconcilePositions(query: ReconcileRequest = {}): Promise<PositionDrift[]> {
    return reconcilePositions(this.storage.reader, parseInput(reconcileQuerySchema, query, 'query'));
  }

  /** A page size: the one asked for, at most config query.max_results (the default). */
  private pageSize(limit: number | undefined): number {
    return checkedResultLimit(limit, this.storage.config.query.max_results);
  }
}
