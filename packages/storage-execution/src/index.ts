// @ag/storage-execution: accounts and strategies, orders, fills, positions and
// funding payments (ExecutionStore), candles (MarketDataStore), daily and
// trade statistics, reconciliation, CSV.

export {
  ExecutionStore,
  type ExecutionStoreOptions,
  type StoreOrderResult,
  type StoreOrdersResult,
  type StoreFillResult,
  type StoreFillsResult,
  type StoreFundingPaymentsResult,
  type FleetFilter,
  type OrderQuery,
  type OrderPage,
  type FillQuery,
  type FillPage,
  type PositionQuery,
  type LatestPositionsFilter,
  type FundingPaymentQuery,
  type DailyStatsRequest,
  type TradeStatisticsRequest,
  type ReconcileRequest,
} from './execution-store.js';
export { MarketDataStore, type TickRangeQuery, type CandleSeries, type CandleRangeQuery, type CandleGap, type AggregatedCandle, type FillCandle } from './market-data/market-data-store.js';
export { DEFAULT_WRITE_RETRY, type WriteRetryPolicy } from './transaction-with-retry.js';
export type { AccountInput } from './fleet/account-input.js';
export { ACCOUNT_MODES, type AccountMode } from './fleet/account-input.js';
export type { StrategyInput } from './fleet/strategy-input.js';
export type { Account, Strategy } from './fleet/fleet-rows.js';
export type { RegisterOutcome } from './fleet/fleet-registry.js';
export { DEFAULT_ACCOUNT, DEFAULT_STRATEGY } from './fleet/fleet-ids.js';
export type { FundingPaymentInput } from './funding/funding-input.js';
export type { FundingPayment } from './funding/funding-row.js';
export type { FundingWriteOutcome } from './funding/write-funding-payments.js';
export type { OrderInput } from './orders/order-input.js';
export type { FillInput } from './fills/fill-input.js';
export type { PositionInput } from './positions/position-input.js';
export type { CandleInput } from './market-data/candle-input.js';
export type { Order } from './orders/order-row.js';
export type { Fill } from './fills/fill-row.js';
export type { Position } from './positions/position-row.js';
export type { Candle } from './market-data/candle-row.js';
export type { OrderWriteOutcome } from './orders/order-update.js';
export type { FillWriteOutcome } from './fills/write-fills.js';
export type { WritePositionsResult } from './positions/write-positions.js';
export type { UpsertCandlesResult } from './market-data/write-candles.js';
export type { CsvImportDefaults, CsvImportResult } from './market-data/candles-csv.js';
export { CANDLE_CSV_COLUMNS } from './market-data/candles-csv.js';
export type { FillDailyStats, OrderDailyStats } from './stats/daily-stats.js';
export type { TradeStatistics, TradeStatisticsReport, RoundTrip, StrategyKey } from './stats/trade-statistics.js';
export type { CurrencyAmount } from './stats/fee-totals.js';
export { quoteCurrencyOf } from './stats/quote-currency.js';
export type { PositionDrift, PositionFigures } from './positions/reconcile-positions.js';
export type { PositionKey } from './positions/read-fills-for-replay.js';
export {
  ORDER_STATUSES,
  ORDER_SIDES,
  ORDER_TYPES,
  TIMES_IN_FORCE,
  ORDER_TRANSITIONS,
  ACTIVE_STATUSES,
  isLegalTransition,
  isTerminalStatus,
  type OrderStatusName,
} from './orders/order-lifecycle.js';
export { TIMEFRAMES, BAR_ORIGIN, isAlignedBarTime, timeframeMillis, type Timeframe } from './market-data/timeframes.js';
export { parseDecimal, plainDecimalText, ExactDecimal, NUMERIC_INTEGER_DIGITS, NUMERIC_SCALE, type DecimalInput } from './decimal/exact-decimal.js';
export { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_NAME_LENGTH } from './validation/field-schemas.js';
export { MAX_BATCH_SIZE } from './validation/parse-input.js';
export type { TradeInput, QuoteInput, BookSnapshotInput, BookLevelInput, TradeSide } from './market-data/ticks/tick-inputs.js';
export { TRADE_SIDES, MAX_BOOK_LEVELS, parseTrade, type ParsedTrade } from './market-data/ticks/tick-inputs.js';
export type { Trade, Quote, BookSnapshot, BookLevel } from './market-data/ticks/tick-rows.js';
export type { TickWriteResult } from './market-data/ticks/write-ticks.js';
export type { TickBufferKind, TickBufferStats, TickFlushEvent } from './market-data/ticks/tick-buffers.js';
export type { CandleDisagreement, CandleField } from './market-data/compare-candles.js';
export type { MarketDataStoreOptions } from './market-data/market-data-store.js';
export type { TickGap, StaleQuote } from './market-data/ticks/tick-quality.js';
export { REPLAY_KINDS, type ReplayEvent, type ReplayKind } from './market-data/ticks/replay.js';
